package dev.llmclient.autoconfigure;

import dev.llmclient.LlmClientException;

/**
 * Start-up stopped because warm-up could not reach the endpoint and
 * {@code llm.client.warm-up.fail-fast} is set. Explained by
 * {@link LlmClientWarmUpFailureAnalyzer}.
 */
final class LlmClientWarmUpException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	LlmClientWarmUpException(LlmClientException cause) {
		super(cause.getMessage(), cause);
	}

}
