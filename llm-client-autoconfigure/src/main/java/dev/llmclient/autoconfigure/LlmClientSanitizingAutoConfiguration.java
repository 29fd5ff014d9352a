package dev.llmclient.autoconfigure;

import java.util.Locale;
import java.util.regex.Pattern;

import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Keeps {@code llm.client.api-key}, each {@code llm.client.endpoints[i].api-key} and
 * {@code llm.client.proxy.password} (also when written into {@code llm.client.proxy.url})
 * masked on Actuator's {@code configprops} and {@code env} endpoints even when an
 * application shows their values
 * ({@code management.endpoint.configprops.show-values=always}). Independent of the health
 * and metrics auto-configurations: it only needs Actuator on the classpath.
 *
 * @since 0.1.0
 */
@AutoConfiguration
@ConditionalOnClass(SanitizingFunction.class)
public final class LlmClientSanitizingAutoConfiguration {

	/**
	 * {@code llm.client.endpoints[0].api-key} (properties files, configprops) and
	 * {@code LLM_CLIENT_ENDPOINTS_0_API_KEY} (environment), normalised.
	 */
	private static final Pattern ENDPOINT_API_KEY = Pattern.compile("llmclientendpoints(\\[\\d+\\]|\\d+)apikey");

	/**
	 * Masks the client's credentials: the API key, each endpoint's API key, the proxy's
	 * password, and the password in the user-info of the proxy's URL.
	 */
	@Bean
	@ConditionalOnMissingBean(name = "llmClientCredentialsSanitizingFunction")
	SanitizingFunction llmClientCredentialsSanitizingFunction() {
		return (data) -> {
			String key = normalized(data.getKey());
			if (key.equals("llmclientapikey") || key.equals("llmclientproxypassword")
					|| ENDPOINT_API_KEY.matcher(key).matches()) {
				return data.withSanitizedValue();
			}
			if (key.equals("llmclientproxyurl") && data.getValue() instanceof String url) {
				return data.withValue(withoutPassword(url));
			}
			return data;
		};
	}

	/**
	 * Replaces the password in the user-info of a URL:
	 * {@code http://alice:secret@proxy:3128} becomes
	 * {@code http://alice:******@proxy:3128}.
	 */
	static String withoutPassword(String url) {
		int scheme = url.indexOf("://");
		int at = url.lastIndexOf('@');
		int colon = url.indexOf(':', scheme + 3);
		if (scheme < 0 || at < 0 || colon < 0 || colon > at) {
			return url;
		}
		return url.substring(0, colon + 1) + SanitizableData.SANITIZED_VALUE + url.substring(at);
	}

	/**
	 * A key in one form whichever way it is written: {@code llm.client.apiKey}
	 * (configprops), {@code llm.client.api-key} (properties files) and
	 * {@code LLM_CLIENT_API_KEY} (environment) alike.
	 */
	private static String normalized(String key) {
		return (key != null) ? key.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "").replace(".", "") : "";
	}

}
