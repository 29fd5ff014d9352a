package dev.llmclient.autoconfigure;

/**
 * {@link LlmClientConnectionDetails} read from {@link LlmClientProperties}: used when the
 * application supplies no connection details of its own.
 */
final class PropertiesLlmClientConnectionDetails implements LlmClientConnectionDetails {

	private final LlmClientProperties properties;

	PropertiesLlmClientConnectionDetails(LlmClientProperties properties) {
		this.properties = properties;
	}

	@Override
	public String endpoint() {
		return this.properties.getEndpoint();
	}

	@Override
	public String apiKey() {
		return this.properties.getApiKey();
	}

	@Override
	public String model() {
		return this.properties.getModel();
	}

}
