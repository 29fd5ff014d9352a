package dev.llmclient;

/**
 * Base of every failure of a call to the LLM server. Unchecked; messages never contain
 * the API key or authentication headers.
 *
 * @since 0.1.0
 */
public class LlmClientException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates an exception.
	 * @param message what happened and, where known, what to do
	 */
	public LlmClientException(String message) {
		super(message);
	}

	/**
	 * Creates an exception with a cause.
	 * @param message what happened and, where known, what to do
	 * @param cause the underlying failure
	 */
	public LlmClientException(String message, Throwable cause) {
		super(message, cause);
	}

}
