package dev.llmclient.internal.call;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;

import io.micrometer.observation.Observation;
import dev.llmclient.internal.limits.Bulkhead;
import dev.llmclient.internal.recording.CallRecorder;

/**
 * Runs calls on the client's async executor (a virtual thread per call on Java 21+, else
 * a pool of {@code max-concurrent} threads whose queue waits as the bulkhead does, see
 * {@link QueuedAsyncCalls}), each through the pipeline as an {@link AsyncCall} its caller
 * may cancel.
 */
public final class AsyncCalls {

	private final CallPipeline pipeline;

	/** Records the calls cancelled before they ended. */
	private final CallRecorder recorder;

	private final ExecutorService executor;

	/** Only exists when async calls can queue for a thread (Java 17). */
	private final QueuedAsyncCalls queue;

	public AsyncCalls(int maxConcurrent, Bulkhead bulkhead, CallRecorder recorder, CallPipeline pipeline) {
		this.pipeline = pipeline;
		this.recorder = recorder;
		this.executor = CallExecutors.create("llm-client-async", maxConcurrent);
		this.queue = CallExecutors.queuesCalls(this.executor)
				? new QueuedAsyncCalls(bulkhead, recorder, (call) -> CallExecutors.removeQueued(this.executor, call))
				: null;
	}

	/**
	 * Hands a call to the executor, where it may queue for a thread.
	 * @param operation the call
	 * @param parent the observation the call belongs to (the caller's, such as a
	 * batch's), or {@code null}
	 * @return the call's future, whose cancel stops it
	 * @throws IllegalStateException when the client is closed
	 */
	public <T> CompletableFuture<T> submit(Operation<T> operation, Observation parent) {
		AsyncCall<T> call = new AsyncCall<>((self) -> this.pipeline.run(operation, self, parent),
				(nanos) -> this.recorder.cancelled(operation.name(), operation.model(), nanos));
		if (this.queue != null) {
			this.queue.watch(call, operation.name(), operation.model());
		}
		try {
			this.executor.execute(call);
			return call;
		}
		catch (RejectedExecutionException ex) {
			IllegalStateException closed = this.pipeline.closed();
			call.failQueued(closed, () -> {
				// refused, not a call: only leaves the queue it was counted in
			});
			throw closed;
		}
	}

	/** Takes no more calls; those submitted still run. */
	public void shutdown() {
		this.executor.shutdown();
	}

}
