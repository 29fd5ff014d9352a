package dev.llmclient.autoconfigure;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.web.client.RestClient;

import dev.llmclient.LlmClient;
import dev.llmclient.LlmClientBuilder;
import dev.llmclient.LlmClientCustomizer;
import dev.llmclient.LlmClientSettingException;
import dev.llmclient.LlmClientSettings;
import dev.llmclient.internal.DefaultLlmClient;

/**
 * Auto-configuration of the {@link LlmClient}: binds {@code llm.client.*}, applies
 * {@link LlmClientCustomizer} beans and builds the client on Spring Boot's
 * {@link RestClient.Builder}; {@link LlmClientLifecycle} warms it at start-up and drains
 * it on shutdown.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = RestClientAutoConfiguration.class)
@ConditionalOnClass({ RestClient.class, org.apache.hc.client5.http.classic.HttpClient.class })
@ConditionalOnBooleanProperty(name = "llm.client.enabled", matchIfMissing = true)
@EnableConfigurationProperties(LlmClientProperties.class)
public final class LlmClientAutoConfiguration {

	private static final String PREFIX = "llm.client.";

	@Bean
	@ConditionalOnMissingBean(LlmClient.class)
	DefaultLlmClient llmClient(LlmClientProperties properties, ObjectProvider<LlmClientCustomizer> customizers,
			ObjectProvider<RestClient.Builder> restClientBuilder) {
		LlmClientBuilder builder = LlmClient.builder();
		properties.applyTo(builder);
		customizers.orderedStream().forEach((customizer) -> customizer.customize(builder));
		return DefaultLlmClient.create(settings(builder), restClientBuilder.getIfAvailable(RestClient::builder),
				builder.meterRegistry());
	}

	@Bean
	@ConditionalOnBean(DefaultLlmClient.class)
	@ConditionalOnMissingBean
	LlmClientLifecycle llmClientLifecycle(DefaultLlmClient llmClient) {
		return new LlmClientLifecycle(llmClient);
	}

	private static LlmClientSettings settings(LlmClientBuilder builder) {
		try {
			return builder.settings();
		}
		catch (LlmClientSettingException ex) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + propertyName(ex.setting()), ex.value(),
					ex.reason());
		}
	}

	/**
	 * {@code maxConcurrent} to {@code max-concurrent}, {@code retry.maxAttempts} to
	 * {@code retry.max-attempts}.
	 */
	static String propertyName(String setting) {
		StringBuilder name = new StringBuilder();
		for (char c : setting.toCharArray()) {
			if (Character.isUpperCase(c)) {
				name.append('-').append(Character.toLowerCase(c));
			}
			else {
				name.append(c);
			}
		}
		return name.toString();
	}

}
