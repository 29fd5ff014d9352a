package dev.llmclient.internal.call;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

import dev.llmclient.LlmBulkheadFullException;
import dev.llmclient.internal.limits.Bulkhead;
import dev.llmclient.internal.recording.CallRecorder;
import dev.llmclient.internal.recording.OperationName;

/**
 * Makes async calls queued for a thread wait as if they waited in the bulkhead. On Java
 * 17 the async executor is a pool of {@code max-concurrent} threads, and calls beyond
 * that wait in its queue; on Java 21+ each call has a virtual thread that waits in the
 * bulkhead itself. So that both behave alike, a queued call counts in the bulkhead's
 * {@code waiting} until it starts, and when still queued after {@code max-wait} with no
 * thread having taken it it fails with {@link LlmBulkheadFullException}, recorded as a
 * rejection; a call that a thread has taken takes the time it spent queued off its wait
 * for a permit (so one handed straight to an idle thread, even with {@code max-wait}
 * zero, still asks for a permit, as on Java 21+). One timer thread, shared by every
 * client, fails the calls that wait too long, rather than a thread per queued call.
 */
public final class QueuedAsyncCalls {

	private final Bulkhead bulkhead;

	private final CallRecorder recorder;

	/**
	 * Takes a call out of the executor's queue, answering whether it was still there.
	 */
	private final Predicate<Runnable> removeFromQueue;

	QueuedAsyncCalls(Bulkhead bulkhead, CallRecorder recorder, Predicate<Runnable> removeFromQueue) {
		this.bulkhead = bulkhead;
		this.recorder = recorder;
		this.removeFromQueue = removeFromQueue;
	}

	/**
	 * Watches a call from now until it leaves the queue; call before submitting it.
	 * @param call the call about to be queued
	 * @param operation what it does, for the record of a rejection
	 * @param model the model it asks for, for the record of a rejection
	 */
	void watch(AsyncCall<?> call, OperationName operation, String model) {
		AtomicReference<ScheduledFuture<?>> expiry = new AtomicReference<>();
		call.onLeavingQueue(() -> {
			this.bulkhead.dequeued();
			ScheduledFuture<?> pending = expiry.get();
			if (pending != null) {
				pending.cancel(false);
			}
		});
		this.bulkhead.queued();
		expiry.set(Timer.INSTANCE.schedule(() -> expire(call, operation, model), this.bulkhead.maxWait().toNanos(),
				TimeUnit.NANOSECONDS));
	}

	/**
	 * Fails a call still in the executor's queue at {@code max-wait}. One that a thread
	 * has taken (from the queue, or handed straight to a new thread) is left alone: it
	 * asks for its permit with the wait it has left, as on Java 21+.
	 */
	private void expire(AsyncCall<?> call, OperationName operation, String model) {
		if (!call.isQueued() || !this.removeFromQueue.test(call)) {
			return;
		}
		LlmBulkheadFullException failure = this.bulkhead.full();
		call.failQueued(failure, () -> this.recorder.rejected(operation, model, call.queuedNanos(), failure));
	}

	/** The shared timer, started on first use. */
	private static final class Timer {

		static final ScheduledThreadPoolExecutor INSTANCE = create();

		private static ScheduledThreadPoolExecutor create() {
			ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, (runnable) -> {
				Thread thread = new Thread(runnable, "llm-client-queue-timer");
				thread.setDaemon(true);
				return thread;
			});
			timer.setRemoveOnCancelPolicy(true);
			return timer;
		}

	}

}
