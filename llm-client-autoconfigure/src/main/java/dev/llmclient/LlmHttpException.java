package dev.llmclient;

import java.time.Duration;

/**
 * The server answered with an HTTP error status (4xx or 5xx). Its {@link #errorType()} is
 * the status as three digits ({@code 429}, {@code 503}); the server's own error type and
 * code, when its body carried them, are {@link #serverErrorType()} and
 * {@link #serverErrorCode()}.
 *
 * @since 0.1.0
 */
public class LlmHttpException extends LlmClientException {

	private static final long serialVersionUID = 1L;

	/** The type and code of OpenAI's 429 for an account whose quota is spent. */
	private static final String INSUFFICIENT_QUOTA = "insufficient_quota";

	private final int statusCode;

	private final String serverErrorType;

	private final String serverErrorCode;

	private final String requestId;

	private final Duration retryAfter;

	private final Boolean serverRetryHint;

	/**
	 * Creates an exception.
	 * @param message what happened
	 * @param statusCode the HTTP status
	 * @param serverErrorType the server's {@code error.type}, or {@code null}
	 * @param serverErrorCode the server's {@code error.code}, or {@code null}
	 * @param requestId the server's request id header, or {@code null}
	 * @param retryAfter the wait the server asked for ({@code Retry-After} or
	 * {@code retry-after-ms}), or {@code null}
	 * @param serverRetryHint the server's {@code x-should-retry} header, or {@code null}
	 */
	public LlmHttpException(String message, int statusCode, String serverErrorType, String serverErrorCode,
			String requestId, Duration retryAfter, Boolean serverRetryHint) {
		super(message);
		this.statusCode = statusCode;
		this.serverErrorType = serverErrorType;
		this.serverErrorCode = serverErrorCode;
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
		LlmHttpException copy = new LlmHttpException(getMessage() + "; " + note, this.statusCode, this.serverErrorType,
				this.serverErrorCode, this.requestId, this.retryAfter, this.serverRetryHint);
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
	 * Returns the status as three digits, such as {@code 429} or {@code 503}.
	 * @return the status code as text
	 */
	@Override
	public String errorType() {
		return Integer.toString(this.statusCode);
	}

	/**
	 * Returns {@link Origin#CONFIGURATION} for 401 and 403 (the server refused the API
	 * key) and 407 (a proxy refused the proxy credentials), {@link Origin#SERVER} for 408
	 * and 5xx, {@link Origin#REQUEST} for any other 4xx.
	 * @return where the cause lies
	 */
	@Override
	public Origin origin() {
		if (isAuthFailure()) {
			return Origin.CONFIGURATION;
		}
		return (!isClientError() || this.statusCode == 408) ? Origin.SERVER : Origin.REQUEST;
	}

	/**
	 * Whether sending the request again may succeed: as the server's
	 * {@code x-should-retry} header says when it sent one, else for 408, 409, 429 and
	 * 5xx; but not a 429 saying the account's quota is spent ({@code insufficient_quota}
	 * as the error's type or code, as OpenAI sends it), which no wait of a call's length
	 * brings back.
	 * @return whether the client retries it
	 */
	@Override
	public boolean isRetryable() {
		if (this.serverRetryHint != null) {
			return this.serverRetryHint;
		}
		if (this.statusCode == 429) {
			return !INSUFFICIENT_QUOTA.equals(this.serverErrorCode) && !INSUFFICIENT_QUOTA.equals(this.serverErrorType);
		}
		return this.statusCode == 408 || this.statusCode == 409 || this.statusCode >= 500;
	}

	/**
	 * Returns the server's error type ({@code error.type} in an OpenAI error body,
	 * {@code type} in a vLLM or problem-details body), such as
	 * {@code invalid_request_error}.
	 * @return the type, or {@code null} when the server sent none
	 */
	public String serverErrorType() {
		return this.serverErrorType;
	}

	/**
	 * Returns the server's error code ({@code error.code} in an OpenAI error body).
	 * @return the code, or {@code null} when the server sent none
	 */
	public String serverErrorCode() {
		return this.serverErrorCode;
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

	/**
	 * Whether the server refused the client's credentials: 401 (no key, or a wrong one)
	 * or 403 (a key without access to this model or endpoint); or a proxy on the way
	 * refused its own: 407 (no proxy credentials, or wrong ones).
	 * @return {@code true} for 401, 403 and 407
	 */
	public boolean isAuthFailure() {
		return this.statusCode == 401 || this.statusCode == 403 || this.statusCode == 407;
	}

}
