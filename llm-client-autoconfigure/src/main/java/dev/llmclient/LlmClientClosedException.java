package dev.llmclient;

/**
 * A call in flight was cut off because the client was closed (the application shutting
 * down) and the call did not finish within {@code shutdown-timeout}. A call made after
 * {@code close()} fails with {@link IllegalStateException} instead, before anything is
 * sent.
 *
 * @since 0.1.0
 */
public class LlmClientClosedException extends LlmClientException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates an exception.
	 * @param message what happened and which setting gives calls more time
	 * @param cause how the call failed when its connection was closed
	 */
	public LlmClientClosedException(String message, Throwable cause) {
		super(message, cause);
	}

	/**
	 * Returns {@code client_closed}.
	 * @return {@code client_closed}
	 */
	@Override
	public String errorType() {
		return "client_closed";
	}

}
