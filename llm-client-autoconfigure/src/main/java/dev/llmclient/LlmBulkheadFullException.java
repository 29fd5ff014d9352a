package dev.llmclient;

import java.time.Duration;

/**
 * A call could not start because the client already had {@code max-concurrent} calls in
 * flight and none finished within {@code max-wait}.
 *
 * @since 0.1.0
 */
public class LlmBulkheadFullException extends LlmClientException {

	private static final long serialVersionUID = 1L;

	private final int inFlight;

	private final int maxConcurrent;

	private final Duration maxWait;

	/**
	 * Creates an exception with a message that says how to raise the limit.
	 * @param inFlight calls in flight when the wait ended
	 * @param maxConcurrent the client-wide limit
	 * @param maxWait how long the call waited
	 */
	public LlmBulkheadFullException(int inFlight, int maxConcurrent, Duration maxWait) {
		super("LLM client is at its concurrency limit: " + inFlight + " calls in flight of llm.client.max-concurrent="
				+ maxConcurrent + ", and none finished within llm.client.max-wait=" + maxWait
				+ ". Raise llm.client.max-concurrent if the server can take more parallel requests, "
				+ "or llm.client.max-wait to queue longer.");
		this.inFlight = inFlight;
		this.maxConcurrent = maxConcurrent;
		this.maxWait = maxWait;
	}

	/**
	 * Returns the number of calls in flight when the wait ended.
	 * @return calls in flight
	 */
	public int inFlight() {
		return this.inFlight;
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
		return this.maxWait;
	}

}
