package dev.llmclient.internal.http;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.apache.hc.core5.concurrent.Cancellable;

/**
 * One HTTP attempt that can be aborted from another thread: when the call's deadline
 * passes, or when the caller cancels the future of an async call. The request factory
 * binds the Apache HttpClient request to the attempt running on the current thread;
 * aborting it closes the connection, so a blocked read returns at once.
 * <p>
 * This is the client's only thread-local, set when an attempt opens and cleared when it
 * closes (try-with-resources), because nothing else reaches the request factory: Spring
 * Framework 7 copies a {@code RestClient} request's attributes into
 * {@code ClientHttpRequest.getAttributes()} only after the factory has created the
 * request, and the hooks of {@code HttpComponentsClientHttpRequestFactory}
 * ({@code createHttpUriRequest}, {@code postProcessHttpRequest},
 * {@code createHttpContext}) see the method and URI alone, while the Apache request that
 * can be cancelled is not reachable from the {@code ClientHttpRequest} it returns.
 * Everything else about a call travels in its {@link dev.llmclient.internal.call.Call}.
 */
public final class CancellableAttempt implements AutoCloseable {

	private static final ThreadLocal<CancellableAttempt> CURRENT = new ThreadLocal<>();

	private volatile Cancellable request;

	private volatile boolean aborted;

	private volatile boolean deadlinePassed;

	/** Fires at the deadline; {@code null} for an attempt without one. */
	private final ScheduledFuture<?> timer;

	private CancellableAttempt(ScheduledExecutorService scheduler, long delayNanos) {
		CURRENT.set(this);
		this.timer = (scheduler != null) ? scheduler.schedule(this::deadlineReached, delayNanos, TimeUnit.NANOSECONDS)
				: null;
	}

	/**
	 * Starts an attempt on the current thread that is aborted after {@code delayNanos}.
	 */
	public static CancellableAttempt withDeadline(ScheduledExecutorService scheduler, long delayNanos) {
		return new CancellableAttempt(scheduler, delayNanos);
	}

	/** Starts an attempt on the current thread that only {@link #abort()} ends early. */
	public static CancellableAttempt withoutDeadline() {
		return new CancellableAttempt(null, 0);
	}

	/**
	 * Called by the request factory, on the calling thread, for each request it creates.
	 */
	static void bindToCurrent(Object request) {
		CancellableAttempt attempt = CURRENT.get();
		if (attempt != null && request instanceof Cancellable cancellable) {
			attempt.request = cancellable;
			if (attempt.aborted) {
				cancellable.cancel();
			}
		}
	}

	/** Whether the attempt was aborted because the call's deadline passed. */
	public boolean deadlinePassed() {
		return this.deadlinePassed;
	}

	/**
	 * Aborts the attempt from any thread: its request fails at once, or as soon as it is
	 * made.
	 */
	public void abort() {
		this.aborted = true;
		Cancellable bound = this.request;
		if (bound != null) {
			bound.cancel();
		}
	}

	private void deadlineReached() {
		this.deadlinePassed = true;
		abort();
	}

	@Override
	public void close() {
		if (this.timer != null) {
			this.timer.cancel(false);
		}
		CURRENT.remove();
	}

}
