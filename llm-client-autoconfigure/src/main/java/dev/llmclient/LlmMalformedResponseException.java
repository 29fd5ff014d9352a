package dev.llmclient;

/**
 * The server answered 2xx, but the body is not a chat completion this client can read:
 * not JSON, an HTML page, empty, without choices, or larger than the configured maximum.
 * Its {@link #errorType()} is {@code malformed_response}; it is not retried, since it
 * would fail the same way.
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

	/**
	 * Returns {@code malformed_response}.
	 * @return {@code malformed_response}
	 */
	@Override
	public String errorType() {
		return "malformed_response";
	}

	/**
	 * Returns {@link Origin#SERVER}: what answered is not the chat API this client
	 * expects.
	 * @return {@link Origin#SERVER}
	 */
	@Override
	public Origin origin() {
		return Origin.SERVER;
	}

}
