package dev.llmclient;

import java.time.Duration;
import java.util.Objects;

/**
 * A call took longer than one of the client's timeouts allows; {@link #kind()} tells
 * which, and the message names its setting. Its {@link #errorType()} is {@code timeout};
 * only a {@link Kind#CONNECT} timeout is retried.
 *
 * @since 0.1.0
 */
public class LlmTimeoutException extends LlmClientException {

	private static final long serialVersionUID = 1L;

	/**
	 * Which timeout fired.
	 *
	 * @since 0.1.0
	 */
	public enum Kind {

		/** Opening the connection took longer than {@code connect-timeout}. */
		CONNECT,

		/**
		 * The server sent nothing for {@code read-timeout}: before the first byte of the
		 * answer, or between two chunks of a stream.
		 */
		READ,

		/**
		 * The whole call, waiting for a slot, attempts and backoff included, took longer
		 * than {@code timeout}.
		 */
		CALL_DEADLINE,

		/** A warm-up request got no answer within {@code warm-up.timeout}. */
		WARM_UP,

		/** A batch's deadline ({@code BatchOptions.withDeadline}) passed. */
		BATCH_DEADLINE,

		/**
		 * No slot became free within {@code max-wait} (see
		 * {@link LlmBulkheadFullException}).
		 */
		BULKHEAD_WAIT

	}

	private final Kind kind;

	private final Duration timeout;

	/**
	 * Creates an exception.
	 * @param message what happened and which setting to change
	 * @param kind which timeout fired
	 * @param timeout its value
	 * @param cause the underlying failure, or {@code null}
	 */
	public LlmTimeoutException(String message, Kind kind, Duration timeout, Throwable cause) {
		super(message, cause);
		this.kind = Objects.requireNonNull(kind, "kind");
		this.timeout = timeout;
	}

	/**
	 * Returns which timeout fired.
	 * @return the kind of timeout
	 */
	public Kind kind() {
		return this.kind;
	}

	/**
	 * Returns the value of the timeout that fired.
	 * @return the timeout
	 */
	public Duration timeout() {
		return this.timeout;
	}

	/**
	 * Returns {@code timeout}.
	 * @return {@code timeout}
	 */
	@Override
	public String errorType() {
		return "timeout";
	}

	/**
	 * Returns {@link Origin#SERVER} for a timeout waiting on the server, and
	 * {@link Origin#CLIENT} for the client's own limits (a batch deadline, the wait for a
	 * slot).
	 * @return where the cause lies
	 */
	@Override
	public Origin origin() {
		return (this.kind == Kind.BATCH_DEADLINE || this.kind == Kind.BULKHEAD_WAIT) ? Origin.CLIENT : Origin.SERVER;
	}

	/**
	 * Whether sending the request again may succeed: only for a connect timeout, since
	 * the request never reached the server; a server that stayed silent is overloaded or
	 * stuck, and a retry would multiply the wait.
	 * @return {@code true} for {@link Kind#CONNECT}
	 */
	@Override
	public boolean isRetryable() {
		return this.kind == Kind.CONNECT;
	}

}
