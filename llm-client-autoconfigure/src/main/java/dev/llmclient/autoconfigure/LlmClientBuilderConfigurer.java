package dev.llmclient.autoconfigure;

import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.web.client.RestClient;

import dev.llmclient.LlmClientBuilder;
import dev.llmclient.LlmClientCustomizer;
import dev.llmclient.observation.LlmObservationConvention;

/**
 * Gives a builder what every client of the application shares: Spring Boot's
 * {@link RestClient.Builder}, the {@link ObservationRegistry} and
 * {@link LlmObservationConvention} beans, then the {@link LlmClientCustomizer} beans in
 * order (the meter registry comes through one of them). The auto-configured client, the
 * clients of {@code llm.clients.*} and the {@code llmClientBuilder} bean all go through
 * it, so they are built alike.
 */
final class LlmClientBuilderConfigurer {

	private final ObjectProvider<LlmClientCustomizer> customizers;

	private final ObjectProvider<RestClient.Builder> restClientBuilder;

	private final ObjectProvider<ObservationRegistry> observationRegistry;

	private final ObjectProvider<LlmObservationConvention> observationConvention;

	LlmClientBuilderConfigurer(ObjectProvider<LlmClientCustomizer> customizers,
			ObjectProvider<RestClient.Builder> restClientBuilder,
			ObjectProvider<ObservationRegistry> observationRegistry,
			ObjectProvider<LlmObservationConvention> observationConvention) {
		this.customizers = customizers;
		this.restClientBuilder = restClientBuilder;
		this.observationRegistry = observationRegistry;
		this.observationConvention = observationConvention;
	}

	/**
	 * Configures the builder; settings made before stay unless a customizer changes them.
	 * @param builder the builder
	 * @return the same builder
	 */
	LlmClientBuilder configure(LlmClientBuilder builder) {
		builder.restClientBuilder(this.restClientBuilder.getIfAvailable());
		builder.observationRegistry(this.observationRegistry.getIfAvailable());
		builder.observationConvention(this.observationConvention.getIfAvailable());
		this.customizers.orderedStream().forEach((customizer) -> customizer.customize(builder));
		return builder;
	}

}
