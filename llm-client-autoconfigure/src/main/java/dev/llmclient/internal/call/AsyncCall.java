package dev.llmclient.internal.call;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.LongConsumer;
import dev.llmclient.internal.http.CancellableAttempt;

/**
 * The future of an async call, and the task that runs it. Cancelling it stops the call
 * wherever it is: a call not started yet is never sent; a call waiting for a slot or
 * between retries stops waiting; a request on the wire is aborted, its connection closed.
 * Either way the call's slot is given back at once rather than when the server would have
 * answered.
 * <p>
 * Every call is recorded exactly once, whichever of cancel and run comes first: one
 * atomic state moves from queued to running (then to its outcome being recorded, which no
 * cancel can undo afterwards), or from queued or running to cancelled. A call cancelled
 * before it started is recorded by the cancel; one cancelled while running by its own
 * thread when it ends, as it could not claim its outcome.
 */
final class AsyncCall<T> extends CompletableFuture<T> implements Runnable {

	private static final int QUEUED = 0;

	private static final int RUNNING = 1;

	/** The running call has claimed its outcome, and records it. */
	private static final int CLAIMED = 2;

	private static final int CANCELLED = 3;

	/** Failed before it started (see {@link #failQueued}). */
	private static final int FAILED_QUEUED = 4;

	private final Function<AsyncCall<T>, T> call;

	private final LongConsumer recordCancelled;

	private final long submitted = System.nanoTime();

	private final AtomicInteger state = new AtomicInteger(QUEUED);

	/**
	 * Runs once when the call leaves the queue: starts, is cancelled or fails before
	 * starting.
	 */
	private volatile Runnable onLeavingQueue;

	private volatile long started;

	/**
	 * Guards {@link #runner} and {@link #attempt}, so an interrupt never reaches another
	 * task.
	 */
	private final Object lock = new Object();

	private Thread runner;

	private CancellableAttempt attempt;

	/**
	 * Creates the call.
	 * @param call runs the call on the executor's thread, given this future (see
	 * {@link Call})
	 * @param recordCancelled records the call as cancelled, given the nanoseconds since
	 * it was submitted
	 */
	AsyncCall(Function<AsyncCall<T>, T> call, LongConsumer recordCancelled) {
		this.call = call;
		this.recordCancelled = recordCancelled;
	}

	/** Whether the caller has cancelled this call. */
	boolean cancelRequested() {
		return this.state.get() == CANCELLED;
	}

	/**
	 * Whether the outcome of this running call is its own to record: true when not
	 * cancelled, and it can no longer be cancelled afterwards; false for a cancelled one,
	 * which {@link #run} records as cancelled.
	 */
	boolean claimOutcome() {
		return this.state.compareAndSet(RUNNING, CLAIMED);
	}

	/** Nanoseconds from submission until the call started, or until now if it has not. */
	long queuedNanos() {
		long started = this.started;
		return ((started != 0) ? started : System.nanoTime()) - this.submitted;
	}

	/**
	 * Sets what runs once when the call leaves the queue; set before it is submitted.
	 */
	void onLeavingQueue(Runnable action) {
		this.onLeavingQueue = action;
	}

	/** Whether the call has neither started nor ended yet. */
	boolean isQueued() {
		return this.state.get() == QUEUED;
	}

	/**
	 * Fails the call if it has not started yet; it will then not run.
	 * @param failure the call's failure
	 * @param record records the failure, before the future completes
	 */
	void failQueued(Throwable failure, Runnable record) {
		if (this.state.compareAndSet(QUEUED, FAILED_QUEUED)) {
			leftQueue();
			record.run();
			completeExceptionally(failure);
		}
	}

	@Override
	public void run() {
		if (!this.state.compareAndSet(QUEUED, RUNNING)) {
			return; // cancelled or failed before it started, and recorded then
		}
		this.started = System.nanoTime();
		leftQueue();
		synchronized (this.lock) {
			this.runner = Thread.currentThread();
		}
		T response = null;
		Throwable failure = null;
		try {
			response = this.call.apply(this);
		}
		catch (Throwable ex) {
			failure = ex;
		}
		finally {
			synchronized (this.lock) {
				this.runner = null;
			}
			// a cancel that interrupted this call must not reach the next task of a
			// pooled thread
			Thread.interrupted();
		}
		// a call that ended without claiming its outcome (refused before it was sent)
		// claims it now, unless it was cancelled: then it is this call's to record
		if (!this.state.compareAndSet(RUNNING, CLAIMED) && this.state.get() == CANCELLED) {
			this.recordCancelled.accept(System.nanoTime() - this.submitted);
			return; // cancel() completes the future
		}
		// completing runs the dependents on this thread: by now it no longer counts as
		// this call's
		if (failure == null) {
			complete(response);
		}
		else {
			completeExceptionally(failure);
		}
	}

	/**
	 * Makes {@code attempt} the one a cancel aborts; aborts it at once if already
	 * cancelled.
	 */
	void track(CancellableAttempt attempt) {
		synchronized (this.lock) {
			this.attempt = attempt;
		}
		if (this.state.get() == CANCELLED) {
			attempt.abort();
		}
	}

	void untrack(CancellableAttempt attempt) {
		synchronized (this.lock) {
			if (this.attempt == attempt) {
				this.attempt = null;
			}
		}
	}

	/**
	 * Cancels the call unless its outcome is already being recorded;
	 * {@code mayInterruptIfRunning} is ignored, as it is by every
	 * {@code CompletableFuture}: a running call is always stopped, since nothing waits
	 * for it.
	 */
	@Override
	public boolean cancel(boolean mayInterruptIfRunning) {
		while (true) {
			int current = this.state.get();
			if (current == QUEUED && this.state.compareAndSet(QUEUED, CANCELLED)) {
				leftQueue();
				this.recordCancelled.accept(System.nanoTime() - this.submitted);
				return super.cancel(mayInterruptIfRunning);
			}
			if (current == RUNNING && this.state.compareAndSet(RUNNING, CANCELLED)) {
				super.cancel(mayInterruptIfRunning);
				synchronized (this.lock) {
					if (this.attempt != null) {
						this.attempt.abort();
					}
					if (this.runner != null) {
						this.runner.interrupt();
					}
				}
				return true;
			}
			if (current != QUEUED && current != RUNNING) {
				return isCancelled();
			}
		}
	}

	private void leftQueue() {
		Runnable action = this.onLeavingQueue;
		if (action != null) {
			action.run();
		}
	}

}
