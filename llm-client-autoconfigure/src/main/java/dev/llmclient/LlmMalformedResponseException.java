package dev.llmclient;

/**
 * The server answered 2xx, but the body is not a chat completion this client can read:
 * not JSON, an HTML page, empty, without choices, or larger than the configured maximum.
 *
 * @since 0.1.0
 */
public class LlmMalformedResponseException extends LlmClientException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates an exception.
	 * @param message what was wrong with the body
	 * @param cause the parse failure, or {@code null}
	 */
	public LlmMalformedResponseException(String message, Throwable cause) {
		super(message, cause);
	}

}
