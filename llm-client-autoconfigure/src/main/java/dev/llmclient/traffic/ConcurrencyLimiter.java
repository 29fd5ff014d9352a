package dev.llmclient.traffic;

import java.time.Duration;

/**
 * Hands out the permits that bound how many calls are in flight at once, client-wide:
 * chat, streams, embeddings and batch items all take one before their first attempt and
 * give it back when they end, however they end. The client builds a fixed limiter
 * ({@code max-concurrent}) or an adaptive one ({@code adaptive.enabled}) from its
 * settings; {@code LlmClientBuilder.concurrencyLimiter} may wrap or replace it, for
 * example with a lease on a semaphore shared by several application instances that falls
 * back to the local limiter when the shared store is down.
 * <p>
 * Implementations are thread-safe. The client keeps {@code max-wait}, the waiting count
 * and the {@code LlmBulkheadFullException} itself: a limiter only answers whether a
 * permit came in time.
 *
 * @since 0.1.0
 */
public interface ConcurrencyLimiter {

	/**
	 * Takes a permit, waiting at most {@code wait} for one.
	 * @param wait the longest wait, zero or positive
	 * @return the permit, or {@code null} when none came in time
	 * @throws InterruptedException when the waiting thread is interrupted
	 */
	Permit tryAcquire(Duration wait) throws InterruptedException;

	/**
	 * Returns how many calls may be in flight now: fixed, or the adaptive limit of the
	 * moment.
	 * @return the current limit, at least 1
	 */
	int limit();

	/**
	 * Returns how many permits are taken now.
	 * @return the calls in flight
	 */
	int inFlight();

	/**
	 * Returns a limiter that batch-class calls take a permit from as well, before they
	 * wait for one of this limiter: a bound on batch calls alone, such as their share of
	 * a cluster-wide limit. The client asks once, when it is built; a limiter that wraps
	 * another passes it on if it should keep applying. Interactive calls, and the order
	 * of both classes at this limiter, are the client's own and need nothing here.
	 * @return the batch calls' own limiter, or {@code null} (the default) when this
	 * limiter alone bounds them
	 * @since 0.1.0
	 */
	default ConcurrencyLimiter batchLimiter() {
		return null;
	}

	/**
	 * How one attempt of a call ended, as an adaptive limiter learns from it.
	 *
	 * @since 0.1.0
	 */
	enum Signal {

		/** The server answered: the limit may grow. */
		SUCCESS,

		/**
		 * The server refused or was overwhelmed (429, 503, a timeout): the limit should
		 * shrink.
		 */
		DROPPED,

		/** Says nothing about the server's capacity, such as a 400. */
		IGNORED

	}

	/**
	 * One call's permit.
	 *
	 * @since 0.1.0
	 */
	interface Permit {

		/**
		 * Reports how one attempt of the call ended; a call may make several. Does
		 * nothing by default.
		 * @param startNanos when the attempt started, in {@link System#nanoTime()}
		 * @param durationNanos how long it took
		 * @param signal what it says about the server's capacity
		 */
		default void attemptEnded(long startNanos, long durationNanos, Signal signal) {
		}

		/**
		 * Gives the permit back. The client calls it exactly once per permit.
		 */
		void release();

	}

}
