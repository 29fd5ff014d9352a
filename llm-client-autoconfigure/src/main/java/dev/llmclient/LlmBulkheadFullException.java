package dev.llmclient;

import java.time.Duration;

/**
 * A call could not start because the client already had as many calls in flight as its
 * limit ({@code max-concurrent}, or the adaptive limit below it) and none finished within
 * {@code max-wait}. A timeout of kind {@link LlmTimeoutException.Kind#BULKHEAD_WAIT},
 * told apart by its {@link #errorType()}, {@code bulkhead_full}: the client's own limit,
 * not the server, ended the call (catch this type before {@link LlmTimeoutException}).
 *
 * @since 0.1.0
 */
public class LlmBulkheadFullException extends LlmTimeoutException {

	private static final long serialVersionUID = 1L;

	private final int inFlight;

	private final int maxConcurrent;

	private final int limit;

	/**
	 * Creates an exception with a message that says how to raise the limit.
	 * @param inFlight calls in flight when the wait ended
	 * @param maxConcurrent the client-wide limit
	 * @param maxWait how long the call waited
	 * @param maxConcurrentName the limit's setting as the message names it, such as
	 * {@code llm.client.max-concurrent} (see {@link LlmClientSettings#property(String)})
	 * @param maxWaitName the wait's setting as the message names it, such as
	 * {@code llm.client.max-wait}
	 */
	public LlmBulkheadFullException(int inFlight, int maxConcurrent, Duration maxWait, String maxConcurrentName,
			String maxWaitName) {
		this(inFlight, maxConcurrent, maxConcurrent, maxWait, maxConcurrentName, maxWaitName);
	}

	/**
	 * Creates an exception with a message that quotes the limit of the moment when it is
	 * below {@code max-concurrent} (an adaptive limit), and says how to raise it.
	 * @param inFlight calls in flight when the wait ended
	 * @param limit the limit when the wait ended
	 * @param maxConcurrent the client-wide limit, the ceiling of an adaptive one
	 * @param maxWait how long the call waited
	 * @param maxConcurrentName the limit's setting as the message names it, such as
	 * {@code llm.client.max-concurrent} (see {@link LlmClientSettings#property(String)})
	 * @param maxWaitName the wait's setting as the message names it, such as
	 * {@code llm.client.max-wait}
	 * @since 0.1.0
	 */
	public LlmBulkheadFullException(int inFlight, int limit, int maxConcurrent, Duration maxWait,
			String maxConcurrentName, String maxWaitName) {
		super(message(inFlight, limit, maxConcurrent, maxWait, maxConcurrentName, maxWaitName), Kind.BULKHEAD_WAIT,
				maxWait, null);
		this.inFlight = inFlight;
		this.limit = limit;
		this.maxConcurrent = maxConcurrent;
	}

	/**
	 * Creates an exception whose message adds why the call's request class had to wait:
	 * its class held its share of the limit while the other class waited.
	 * @param inFlight calls in flight when the wait ended
	 * @param limit the limit when the wait ended
	 * @param maxConcurrent the client-wide limit, the ceiling of an adaptive one
	 * @param maxWait how long the call waited
	 * @param maxConcurrentName the limit's setting as the message names it
	 * @param maxWaitName the wait's setting as the message names it
	 * @param classReason the class, its share and the setting that raises it
	 * @since 0.1.0
	 */
	public LlmBulkheadFullException(int inFlight, int limit, int maxConcurrent, Duration maxWait,
			String maxConcurrentName, String maxWaitName, String classReason) {
		super(message(inFlight, limit, maxConcurrent, maxWait, maxConcurrentName, maxWaitName) + " " + classReason,
				Kind.BULKHEAD_WAIT, maxWait, null);
		this.inFlight = inFlight;
		this.limit = limit;
		this.maxConcurrent = maxConcurrent;
	}

	/**
	 * Creates an exception with a message of its own, for subtypes that name another
	 * limit.
	 * @param message what ran out and which setting raises it
	 * @param inFlight calls in flight when the wait ended
	 * @param maxConcurrent the client-wide limit
	 * @param maxWait how long the call waited
	 */
	protected LlmBulkheadFullException(String message, int inFlight, int maxConcurrent, Duration maxWait) {
		super(message, Kind.BULKHEAD_WAIT, maxWait, null);
		this.inFlight = inFlight;
		this.limit = maxConcurrent;
		this.maxConcurrent = maxConcurrent;
	}

	private static String message(int inFlight, int limit, int maxConcurrent, Duration maxWait,
			String maxConcurrentName, String maxWaitName) {
		if (limit >= maxConcurrent) {
			return "LLM client is at its concurrency limit: " + inFlight + " calls in flight of " + maxConcurrentName
					+ "=" + maxConcurrent + ", and none finished within " + maxWaitName + "=" + maxWait + ". Raise "
					+ maxConcurrentName + " if the server can take more parallel requests, or " + maxWaitName
					+ " to queue longer.";
		}
		return "LLM client is at its concurrency limit: " + inFlight + " calls in flight, adaptive limit " + limit
				+ " of " + maxConcurrentName + "=" + maxConcurrent + ", and none finished within " + maxWaitName + "="
				+ maxWait + ". The adaptive limit is what the server has been taking: it refused more. Raise "
				+ maxWaitName + " to queue longer, or give the server more capacity.";
	}

	/**
	 * Returns the number of calls in flight when the wait ended.
	 * @return calls in flight
	 */
	public int inFlight() {
		return this.inFlight;
	}

	/**
	 * Returns the limit when the wait ended: {@code max-concurrent}, or below it when the
	 * limit is adaptive.
	 * @return the limit of the moment
	 * @since 0.1.0
	 */
	public int limit() {
		return this.limit;
	}

	/**
	 * Returns the client-wide concurrency limit.
	 * @return {@code max-concurrent}
	 */
	public int maxConcurrent() {
		return this.maxConcurrent;
	}

	/**
	 * Returns how long the call waited for a permit.
	 * @return {@code max-wait}
	 */
	public Duration maxWait() {
		return timeout();
	}

	/**
	 * Returns {@code bulkhead_full}.
	 * @return {@code bulkhead_full}
	 */
	@Override
	public String errorType() {
		return "bulkhead_full";
	}

}
