package dev.llmclient;

import java.net.UnknownHostException;

import javax.net.ssl.SSLException;

/**
 * The client could not reach the server, or the connection broke before the answer was
 * read (refused, reset, closed, unknown host, TLS failure). Its {@link #errorType()} is
 * {@code io}.
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

	/**
	 * Returns {@code io}.
	 * @return {@code io}
	 */
	@Override
	public String errorType() {
		return "io";
	}

	/**
	 * Returns {@link Origin#SERVER}: the server, or the way to it.
	 * @return {@link Origin#SERVER}
	 */
	@Override
	public Origin origin() {
		return Origin.SERVER;
	}

	/**
	 * Whether a new connection may succeed: yes, except for an unknown host or a TLS
	 * failure, which fail the same way every time.
	 * @return whether the client retries it
	 */
	@Override
	public boolean isRetryable() {
		Throwable cause = getCause();
		return !(cause instanceof UnknownHostException || cause instanceof SSLException);
	}

}
