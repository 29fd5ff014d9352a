package dev.llmclient;

/**
 * Callback to adjust the auto-configured client's settings after the {@code llm.client.*}
 * properties have been applied: what a customizer sets wins over the properties. Several
 * customizer beans are applied in their {@code @Order}.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface LlmClientCustomizer {

	/**
	 * Customizes the builder of the client.
	 * @param builder the builder, already holding the values of the properties
	 */
	void customize(LlmClientBuilder builder);

}
