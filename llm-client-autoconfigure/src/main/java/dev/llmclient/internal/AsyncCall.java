package dev.llmclient.internal;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import dev.llmclient.ChatResponse;

/**
 * The future of an async call, and the task that runs it. Cancelling it stops the call
 * wherever it is: a call not started yet is never sent; a call waiting for a slot or
 * between retries stops waiting; a request on the wire is aborted, its connection closed.
 * Either way the call's slot is given back at once rather than when the server would have
 * answered.
 */
final class AsyncCall extends CompletableFuture<ChatResponse> implements Runnable {

	private static final ThreadLocal<AsyncCall> CURRENT = new ThreadLocal<>();

	private final Supplier<ChatResponse> call;

	/**
	 * Guards {@link #runner} and {@link #attempt}, so an interrupt never reaches another
	 * task.
	 */
	private final Object lock = new Object();

	private Thread runner;

	private CancellableAttempt attempt;

	AsyncCall(Supplier<ChatResponse> call) {
		this.call = call;
	}

	/**
	 * The async call running on the current thread, or {@code null} on a caller's own
	 * thread.
	 */
	static AsyncCall current() {
		return CURRENT.get();
	}

	/** Whether the async call running on the current thread has been cancelled. */
	static boolean currentIsCancelled() {
		AsyncCall current = CURRENT.get();
		return current != null && current.isCancelled();
	}

	@Override
	public void run() {
		if (isDone()) {
			return;
		}
		synchronized (this.lock) {
			this.runner = Thread.currentThread();
		}
		CURRENT.set(this);
		ChatResponse response = null;
		Throwable failure = null;
		try {
			response = this.call.get();
		}
		catch (Throwable ex) {
			failure = ex;
		}
		finally {
			CURRENT.remove();
			synchronized (this.lock) {
				this.runner = null;
			}
			// a cancel that interrupted this call must not reach the next task of a
			// pooled thread
			Thread.interrupted();
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
		if (isCancelled()) {
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
	 * Cancels the call; {@code mayInterruptIfRunning} is ignored, as it is by every
	 * {@code CompletableFuture}: a running call is always stopped, since nothing waits
	 * for it.
	 */
	@Override
	public boolean cancel(boolean mayInterruptIfRunning) {
		boolean cancelled = super.cancel(mayInterruptIfRunning);
		if (cancelled) {
			synchronized (this.lock) {
				if (this.attempt != null) {
					this.attempt.abort();
				}
				if (this.runner != null) {
					this.runner.interrupt();
				}
			}
		}
		return cancelled;
	}

}
