package dev.llmclient.autoconfigure;

import java.util.Locale;

import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Keeps {@code llm.client.api-key} masked on Actuator's {@code configprops} and
 * {@code env} endpoints even when an application shows their values
 * ({@code management.endpoint.configprops.show-values=always}). Independent of the health
 * and metrics auto-configurations: it only needs Actuator on the classpath.
 *
 * @since 0.1.0
 */
@AutoConfiguration
@ConditionalOnClass(SanitizingFunction.class)
public final class LlmClientSanitizingAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "llmClientApiKeySanitizingFunction")
	SanitizingFunction llmClientApiKeySanitizingFunction() {
		return (data) -> isApiKey(data.getKey()) ? data.withSanitizedValue() : data;
	}

	/**
	 * Whether a key names the API key in any of its forms: {@code llm.client.apiKey}
	 * (configprops), {@code llm.client.api-key} (properties files) or
	 * {@code LLM_CLIENT_API_KEY} (environment).
	 */
	static boolean isApiKey(String key) {
		if (key == null) {
			return false;
		}
		String normalized = key.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "").replace(".", "");
		return normalized.equals("llmclientapikey");
	}

}
