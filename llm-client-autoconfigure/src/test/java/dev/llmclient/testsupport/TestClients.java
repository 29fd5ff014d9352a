package dev.llmclient.testsupport;

import dev.llmclient.LlmClient;
import dev.llmclient.LlmClientBuilder;

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

}
