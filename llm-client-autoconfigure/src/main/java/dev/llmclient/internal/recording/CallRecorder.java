package dev.llmclient.internal.recording;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import dev.llmclient.LlmClientException;
import dev.llmclient.LlmClientHealth;
import dev.llmclient.Cost;
import dev.llmclient.Usage;

/**
 * The one place every ended call, chat or embeddings alike, is recorded: counts, the
 * latency window, the latest error, the run of server-side failures and the refused
 * credentials that decide health, and the metrics. What a failure means is the failure's
 * own answer ({@link LlmClientException#errorType()},
 * {@link LlmClientException#origin()}).
 */
public final class CallRecorder {

	/** The {@code error.type} of a call its caller cancelled. */
	private static final String CANCELLED = "cancelled";

	private final LatencyWindow window;

	/**
	 * The window of the whole client when this recorder is one endpoint's of several,
	 * else {@code null}.
	 */
	private final LatencyWindow clientWindow;

	private final CallMetrics metrics;

	private final int downAfterFailures;

	private final LongAdder succeeded = new LongAdder();

	private final LongAdder failed = new LongAdder();

	private final LongAdder cancelled = new LongAdder();

	private final AtomicInteger serverFailuresInARow = new AtomicInteger();

	private volatile LlmClientHealth.LastError lastError;

	/**
	 * Why the endpoint was found unreachable at start-up, until a call or a probe reaches
	 * it.
	 */
	private volatile String unreachableReason;

	/** Why the latest active probe found the endpoint unreachable, or {@code null}. */
	private volatile String probeFailure;

	/**
	 * Why the server refused the client's credentials (at warm-up or on the latest call),
	 * until a call succeeds.
	 */
	private volatile String credentialsRefused;

	public CallRecorder(LatencyWindow window, CallMetrics metrics, int downAfterFailures) {
		this(window, null, metrics, downAfterFailures);
	}

	/**
	 * Creates the recorder of one endpoint of several, which also records latencies in
	 * the client's window.
	 */
	public CallRecorder(LatencyWindow window, LatencyWindow clientWindow, CallMetrics metrics, int downAfterFailures) {
		this.window = window;
		this.clientWindow = clientWindow;
		this.metrics = metrics;
		this.downAfterFailures = downAfterFailures;
	}

	/**
	 * Records a call that returned an answer. Allocation-free; shared state is only
	 * written when it changes, so concurrent successful calls do not contend on it.
	 */
	public void success(OperationName operation, String model, long nanos, Usage usage) {
		this.window.record(nanos);
		if (this.clientWindow != null) {
			this.clientWindow.record(nanos);
		}
		this.succeeded.increment();
		if (this.serverFailuresInARow.get() != 0) {
			this.serverFailuresInARow.set(0);
		}
		if (this.unreachableReason != null) {
			this.unreachableReason = null;
		}
		if (this.probeFailure != null) {
			this.probeFailure = null;
		}
		if (this.credentialsRefused != null) {
			this.credentialsRefused = null;
		}
		this.metrics.record(operation, model, nanos, CallMetrics.SUCCESS, usage);
	}

	/**
	 * Counts what a call that succeeded cost.
	 * @param operation what it did
	 * @param model the requested model, or {@code null}
	 * @param cost its cost
	 */
	public void cost(OperationName operation, String model, Cost cost) {
		this.metrics.cost(operation, model, cost);
	}

	public void failure(OperationName operation, String model, long nanos, LlmClientException failure) {
		this.window.record(nanos);
		if (this.clientWindow != null) {
			this.clientWindow.record(nanos);
		}
		this.failed.increment();
		if (failure.origin() == LlmClientException.Origin.SERVER) {
			this.serverFailuresInARow.incrementAndGet();
		}
		else if (failure.origin() == LlmClientException.Origin.CONFIGURATION) {
			this.credentialsRefused = "the LLM server refused the client's credentials on the last call: "
					+ failure.getMessage();
		}
		this.lastError = lastError(failure);
		this.metrics.record(operation, model, nanos, failure.errorType(), null);
	}

	/**
	 * Records a call its caller ended (a cancelled future, a batch deadline, a stream its
	 * consumer stopped, {@code close()}): counted apart and timed with error type
	 * {@code cancelled}, but kept out of the failures, the latency window, the latest
	 * error and the run of failures that decides health, since it says nothing about the
	 * server.
	 */
	public void cancelled(OperationName operation, String model, long nanos) {
		this.cancelled.increment();
		this.metrics.record(operation, model, nanos, CANCELLED, null);
	}

	/**
	 * Records a call refused by the bulkhead: counted and timed (its wait) as a failure,
	 * but kept out of the latency window, whose percentiles describe calls that reached
	 * the server.
	 */
	public void rejected(OperationName operation, String model, long nanos, LlmClientException failure) {
		this.failed.increment();
		this.lastError = lastError(failure);
		this.metrics.record(operation, model, nanos, failure.errorType(), null);
	}

	/**
	 * Records the time to the first chunk of a stream that has ended, with the same tags
	 * as its duration.
	 * @param nanos time from the start of the call to the first chunk, or negative when
	 * none came
	 * @param failure why the stream failed, or {@code null} when it succeeded
	 */
	public void firstChunk(String model, long nanos, LlmClientException failure) {
		if (nanos >= 0) {
			this.metrics.firstChunk(model, nanos, (failure != null) ? failure.errorType() : CallMetrics.SUCCESS);
		}
	}

	/**
	 * The endpoint could not be reached when the client started: down until a call
	 * succeeds.
	 */
	public void unreachable(LlmClientException failure) {
		this.unreachableReason = "endpoint could not be reached at start-up: " + failure.getMessage();
		this.lastError = lastError(failure);
	}

	/**
	 * The server refused the client's credentials at warm-up: down until a call succeeds.
	 * @param reason what was refused and which setting to check
	 */
	public void credentialsRefused(String reason) {
		this.credentialsRefused = reason;
	}

	/**
	 * Takes the verdict of an active probe ({@code GET {endpoint}/models}).
	 * @param failure why the endpoint could not be reached, or {@code null} when it
	 * answered
	 */
	void probed(String failure) {
		this.probeFailure = failure;
		if (failure == null && this.unreachableReason != null) {
			this.unreachableReason = null;
		}
	}

	public LlmClientHealth health(String endpoint, String model, LlmClientHealth.Pool pool,
			LlmClientHealth.Bulkhead bulkhead, LlmClientHealth.RateLimit rateLimit) {
		long ok = this.succeeded.sum();
		long ko = this.failed.sum();
		long cancelled = this.cancelled.sum();
		String reason = this.probeFailure;
		if (reason == null) {
			reason = this.unreachableReason;
		}
		if (reason == null) {
			reason = this.credentialsRefused;
		}
		int inARow = this.serverFailuresInARow.get();
		if (reason == null && inARow >= this.downAfterFailures) {
			reason = (inARow == 1) ? "the last call failed on the server's side"
					: "the last " + inARow + " calls failed on the server's side";
		}
		return new LlmClientHealth(reason == null, reason, endpoint, model, pool, bulkhead, this.window.snapshot(),
				new LlmClientHealth.Calls(ok + ko + cancelled, ok, ko, cancelled), this.lastError, rateLimit,
				List.of());
	}

	private static LlmClientHealth.LastError lastError(LlmClientException failure) {
		return LlmClientHealth.LastError.of(failure);
	}

}
