package dev.llmclient.autoconfigure;

import org.springframework.boot.autoconfigure.service.connection.ConnectionDetails;

/**
 * Details for connecting to an OpenAI-compatible LLM server: where it is, the key it
 * expects and the model to ask for. The auto-configured client takes these three from
 * whichever bean of this type exists; without one, a bean backed by
 * {@code llm.client.endpoint}, {@code llm.client.api-key} and {@code llm.client.model} is
 * used. A bean defined by the application, or by a Testcontainers
 * {@code @ServiceConnection} or Docker Compose integration, therefore replaces those
 * three properties (all three, as Spring Boot's own connection details replace their
 * properties); every other {@code llm.client.*} property still applies.
 *
 * @since 0.1.0
 */
public interface LlmClientConnectionDetails extends ConnectionDetails {

	/**
	 * Returns the base URL of the OpenAI-compatible API.
	 * @return an absolute http or https URL such as {@code http://localhost:11434/v1};
	 * calls go to {@code {endpoint}/chat/completions}
	 */
	String endpoint();

	/**
	 * Returns the API key sent as {@code Authorization: Bearer ...}; like a key set as a
	 * property, it is never logged or shown.
	 * @return the key, or {@code null} (the default) for servers that need none
	 */
	default String apiKey() {
		return null;
	}

	/**
	 * Returns the model used when a request names none.
	 * @return the model, or {@code null} (the default) to send requests without one
	 */
	default String model() {
		return null;
	}

}
