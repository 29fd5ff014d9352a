package dev.llmclient.internal.call;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

import dev.llmclient.LlmClientException;
import dev.llmclient.LlmClientSettings;
import dev.llmclient.internal.http.CancellableAttempt;

/**
 * Runs one attempt of a call: on the route its {@link RouteSource} picks, reported back
 * to the route source and to admission (so that an adaptive limit learns from every
 * attempt, on whichever endpoint it ran), and abortable from another thread when the call
 * has a deadline or is an async call its caller may cancel.
 */
public final class Attempts implements AutoCloseable {

	private final LlmClientSettings settings;

	private final RouteSource routes;

	/**
	 * Aborts attempts that outlive the call's deadline; only exists when {@code timeout}
	 * is set.
	 */
	private final ScheduledExecutorService deadlineTimer;

	public Attempts(LlmClientSettings settings, RouteSource routes) {
		this.settings = settings;
		this.routes = routes;
		this.deadlineTimer = (settings.limits().timeout() != null) ? deadlineTimer() : null;
	}

	RouteSource routes() {
		return this.routes;
	}

	/**
	 * Runs one attempt; an attempt ended by the caller (see {@link Call#endedByCaller()})
	 * is reported to neither the route source nor admission as the server's failure, and
	 * a call whose deadline passed before this attempt is not sent at all.
	 */
	<T> T run(Call call, Operation<T> operation) {
		Deadline deadline = call.deadline();
		if (deadline.expired()) {
			throw deadline.exceeded(this.settings, null);
		}
		long lease = this.routes.acquire(call);
		call.attempting();
		long start = System.nanoTime();
		T answer;
		try {
			answer = reported(call, operation);
		}
		catch (RuntimeException | Error ex) {
			call.attemptFailed();
			if (call.endedByCaller()) {
				this.routes.cancelled(lease);
			}
			else if (ex instanceof LlmClientException failure) {
				this.routes.failed(lease, System.nanoTime() - start, failure);
			}
			else {
				this.routes.abandoned(lease);
			}
			throw ex;
		}
		this.routes.succeeded(lease, System.nanoTime() - start);
		return answer;
	}

	/** Runs the attempt and tells admission how it ended. */
	private <T> T reported(Call call, Operation<T> operation) {
		long start = System.nanoTime();
		try {
			T answer = abortable(call, operation);
			call.ticket().attemptEnded(start, null);
			return answer;
		}
		catch (LlmClientException ex) {
			if (call.endedByCaller()) {
				call.ticket().attemptCancelled(start);
			}
			else {
				call.ticket().attemptEnded(start, ex);
			}
			throw ex;
		}
	}

	/**
	 * Runs the attempt so that it can be aborted from another thread when the call has a
	 * deadline or is an async call its caller may cancel.
	 */
	private <T> T abortable(Call call, Operation<T> operation) {
		if (!call.isAbortable()) {
			return operation.send(call);
		}
		Deadline deadline = call.deadline();
		try (CancellableAttempt attempt = deadline.isSet()
				? CancellableAttempt.withDeadline(this.deadlineTimer, deadline.remaining().toNanos())
				: CancellableAttempt.withoutDeadline()) {
			call.track(attempt);
			try {
				return operation.send(call);
			}
			catch (RuntimeException ex) {
				// an abort can surface as any exception, e.g. HttpClient's
				// IllegalStateException "Endpoint not acquired" when it lands while a
				// connection is being leased
				if (attempt.deadlinePassed()) {
					throw deadline.exceeded(this.settings, ex);
				}
				throw ex;
			}
			finally {
				call.untrack(attempt);
			}
		}
	}

	/** Stops the deadline timer, once no call is in flight. */
	@Override
	public void close() {
		if (this.deadlineTimer != null) {
			this.deadlineTimer.shutdownNow();
		}
	}

	private static ScheduledExecutorService deadlineTimer() {
		ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, (runnable) -> {
			Thread thread = new Thread(runnable, "llm-client-deadline");
			thread.setDaemon(true);
			return thread;
		});
		timer.setRemoveOnCancelPolicy(true);
		return timer;
	}

}
