package dev.llmclient;

import java.time.Duration;

/**
 * The server answered with an HTTP error status (4xx or 5xx).
 *
 * @since 0.1.0
 */
public class LlmHttpException extends LlmClientException {

	private static final long serialVersionUID = 1L;

	private final int statusCode;

	private final String errorType;

	private final String errorCode;

	private final String requestId;

	private final Duration retryAfter;

	private final Boolean serverRetryHint;

	/**
	 * Creates an exception.
	 * @param message what happened
	 * @param statusCode the HTTP status
	 * @param errorType the server's {@code error.type}, or {@code null}
	 * @param errorCode the server's {@code error.code}, or {@code null}
	 * @param requestId the server's request id header, or {@code null}
	 * @param retryAfter the wait the server asked for ({@code Retry-After} or
	 * {@code retry-after-ms}), or {@code null}
	 * @param serverRetryHint the server's {@code x-should-retry} header, or {@code null}
	 */
	public LlmHttpException(String message, int statusCode, String errorType, String errorCode, String requestId,
			Duration retryAfter, Boolean serverRetryHint) {
		super(message);
		this.statusCode = statusCode;
		this.errorType = errorType;
		this.errorCode = errorCode;
		this.requestId = requestId;
		this.retryAfter = retryAfter;
		this.serverRetryHint = serverRetryHint;
	}

	/**
	 * Returns a copy of this exception with a note appended to the message.
	 * @param note what the client did about the failure
	 * @return the copy
	 */
	public LlmHttpException withNote(String note) {
		LlmHttpException copy = new LlmHttpException(getMessage() + "; " + note, this.statusCode, this.errorType,
				this.errorCode, this.requestId, this.retryAfter, this.serverRetryHint);
		copy.setStackTrace(getStackTrace());
		return copy;
	}

	/**
	 * Returns the HTTP status the server answered with.
	 * @return the status code, 400 to 599
	 */
	public int statusCode() {
		return this.statusCode;
	}

	/**
	 * Returns the server's error type ({@code error.type} in an OpenAI error body).
	 * @return the type, or {@code null} when the server sent none
	 */
	public String errorType() {
		return this.errorType;
	}

	/**
	 * Returns the server's error code ({@code error.code} in an OpenAI error body).
	 * @return the code, or {@code null} when the server sent none
	 */
	public String errorCode() {
		return this.errorCode;
	}

	/**
	 * Returns the server's request id ({@code x-request-id}), useful when asking its
	 * support.
	 * @return the id, or {@code null} when the server sent none
	 */
	public String requestId() {
		return this.requestId;
	}

	/**
	 * Returns the wait the server asked for before a new attempt, from its
	 * {@code retry-after-ms} or {@code Retry-After} header (seconds or an HTTP date).
	 * @return the wait, or {@code null} when the server named none
	 */
	public Duration retryAfter() {
		return this.retryAfter;
	}

	/**
	 * Returns what the server said about retrying in its {@code x-should-retry} header.
	 * @return {@code true} or {@code false} as the server said, or {@code null} when it
	 * said nothing
	 */
	public Boolean serverRetryHint() {
		return this.serverRetryHint;
	}

	/**
	 * Whether the status is a 4xx: the request was refused, not the server broken.
	 * @return {@code true} for 400 to 499
	 */
	public boolean isClientError() {
		return this.statusCode >= 400 && this.statusCode < 500;
	}

}
