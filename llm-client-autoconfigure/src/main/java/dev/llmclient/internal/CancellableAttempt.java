package dev.llmclient.internal;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.apache.hc.core5.concurrent.Cancellable;

/**
 * One HTTP attempt that can be aborted from another thread, when the call's deadline passes.
 * The request factory binds the Apache HttpClient request to the attempt running on the current
 * thread; aborting it closes the connection, so a blocked read returns at once.
 */
final class CancellableAttempt implements AutoCloseable {

    private static final ThreadLocal<CancellableAttempt> CURRENT = new ThreadLocal<>();

    private volatile Cancellable request;

    private volatile boolean cancelled;

    private final ScheduledFuture<?> timer;

    private CancellableAttempt(ScheduledExecutorService scheduler, long delayNanos) {
        CURRENT.set(this);
        this.timer = scheduler.schedule(this::cancel, delayNanos, TimeUnit.NANOSECONDS);
    }

    /** Starts an attempt on the current thread that is aborted after {@code delayNanos}. */
    static CancellableAttempt start(ScheduledExecutorService scheduler, long delayNanos) {
        return new CancellableAttempt(scheduler, delayNanos);
    }

    /** Called by the request factory, on the calling thread, for each request it creates. */
    static void bindToCurrent(Object request) {
        CancellableAttempt attempt = CURRENT.get();
        if (attempt != null && request instanceof Cancellable cancellable) {
            attempt.request = cancellable;
            if (attempt.cancelled) {
                cancellable.cancel();
            }
        }
    }

    boolean cancelled() {
        return this.cancelled;
    }

    private void cancel() {
        this.cancelled = true;
        Cancellable bound = this.request;
        if (bound != null) {
            bound.cancel();
        }
    }

    @Override
    public void close() {
        this.timer.cancel(false);
        CURRENT.remove();
    }

}
