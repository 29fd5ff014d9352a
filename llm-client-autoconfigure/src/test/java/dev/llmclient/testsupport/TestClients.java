package dev.llmclient.testsupport;

import java.time.Duration;

import dev.llmclient.LlmClient;
import dev.llmclient.LlmClientBuilder;
import dev.llmclient.RetrySettings;

/**
 * Client builders for tests: they name settings in messages as the auto-configured client
 * does ({@code llm.client.read-timeout}), so tests assert the messages users of the
 * starter see.
 */
public final class TestClients {

	/** The prefix the auto-configuration gives its client. */
	public static final String PROPERTY_PREFIX = "llm.client.";

	private TestClients() {
	}

	/**
	 * Starts a builder whose messages name settings under {@code llm.client.}.
	 * @return a new builder
	 */
	public static LlmClientBuilder builder() {
		return LlmClient.builder().propertyPrefix(PROPERTY_PREFIX);
	}

	/**
	 * Starts a builder for a client of the endpoint that opens no connection until its
	 * first call ({@code eager-init} off), so a test sees only the requests it makes.
	 * @param endpoint the base URL, such as {@code http://127.0.0.1:8080/v1}
	 * @return a new builder
	 */
	public static LlmClientBuilder lazy(String endpoint) {
		return builder().endpoint(endpoint).lifecycle((lifecycle) -> lifecycle.withEagerInit(false));
	}

	/**
	 * Retries after 5 to 10 ms instead of the default back-off, so tests that retry stay
	 * fast: {@code builder.retry(TestClients::fastBackoff)}.
	 * @param retry the retry settings
	 * @return the same settings with a short back-off
	 */
	public static RetrySettings fastBackoff(RetrySettings retry) {
		return retry.withInitialBackoff(Duration.ofMillis(5)).withMaxBackoff(Duration.ofMillis(10));
	}

}
