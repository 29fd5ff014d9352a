package dev.llmclient.internal.recording;

import dev.llmclient.Cost;
import dev.llmclient.RequestClass;
import dev.llmclient.Usage;

/**
 * Where the recorder sends each call's measurements: Micrometer when a registry is
 * present, nowhere otherwise.
 */
public interface CallMetrics {

	/** The {@code error.type} of a call that succeeded. */
	String SUCCESS = "none";

	CallMetrics NONE = new CallMetrics() {

		@Override
		public void record(OperationName operation, String model, long nanos, String errorType, Usage usage) {
		}

		@Override
		public void retry(OperationName operation, String reason) {
		}

	};

	/**
	 * Records one ended call.
	 * @param operation the {@code gen_ai.operation.name}
	 * @param model the requested model, or {@code null}
	 * @param nanos its duration
	 * @param errorType {@code none} on success, {@code cancelled} for a cancelled call,
	 * else the failure's {@link dev.llmclient.LlmClientException#errorType()}
	 * @param usage the token counts, or {@code null}
	 */
	void record(OperationName operation, String model, long nanos, String errorType, Usage usage);

	/**
	 * Adds what a priced call cost to {@code llm.client.cost}.
	 * @param operation the {@code gen_ai.operation.name}
	 * @param model the requested model, or {@code null}
	 * @param cost the call's cost
	 */
	default void cost(OperationName operation, String model, Cost cost) {
	}

	/**
	 * Records the time from the start of a streamed call (always a chat call) to its
	 * first chunk, once the stream has ended.
	 * @param model the requested model, or {@code null}
	 * @param nanos time to the first chunk
	 * @param errorType how the stream ended, as for {@link #record}
	 */
	default void firstChunk(String model, long nanos, String errorType) {
	}

	/**
	 * Counts one retry.
	 * @param operation the {@code gen_ai.operation.name} of the call retried
	 * @param reason the {@link dev.llmclient.LlmClientException#errorType()} of the
	 * failure retried, such as {@code 429}, {@code 503} or {@code io}
	 */
	void retry(OperationName operation, String reason);

	/**
	 * Counts one call that had to wait for a limit, or was refused by it.
	 * @param reason {@code concurrency}, {@code requests}, {@code tokens}, {@code spend}
	 * or {@code server}
	 */
	default void throttled(String reason) {
	}

	/**
	 * Records how long a call waited for its permit of the client-wide limit.
	 * @param requestClass the call's class
	 * @param nanos the wait, zero when a permit was free
	 */
	default void permitWait(RequestClass requestClass, long nanos) {
	}

	/**
	 * Counts a call's attempt that failed on this endpoint and moved to another.
	 */
	default void failover() {
	}

	/**
	 * Counts this endpoint starting to cool down.
	 */
	default void cooldown() {
	}

	/**
	 * Returns metrics of the same kind that record into a registry of their own, which
	 * nobody reads: warm-up records its canned calls there, so the code that records a
	 * call is loaded and compiled without a call being counted.
	 * @return the detached metrics; by default none at all
	 */
	default CallMetrics detached() {
		return NONE;
	}

	/**
	 * Stops reporting what only lives as long as the client, such as the pool gauges.
	 * Recorded timers and counters stay in the registry.
	 */
	default void close() {
	}

}
