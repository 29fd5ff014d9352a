package dev.llmclient;

/**
 * The client could not reach the server, or the connection broke before the answer was
 * read (refused, reset, closed, unknown host, TLS failure).
 *
 * @since 0.1.0
 */
public class LlmConnectionException extends LlmClientException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates an exception.
	 * @param message what happened and what to check
	 * @param cause the underlying I/O failure
	 */
	public LlmConnectionException(String message, Throwable cause) {
		super(message, cause);
	}

}
