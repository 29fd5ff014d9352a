package dev.llmclient.internal.routing;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

import dev.llmclient.LlmClientException;

/**
 * The calls of a {@link Router} waiting for an endpoint to take their attempt, and their
 * wake-up when an attempt ends. Waiting does not poll: a call sleeps until an attempt
 * ends (freeing a place, perhaps ending a trial) or until the first cooldown of an
 * endpoint with a free place is due to end.
 */
final class EndpointWaiters {

	/** Held by calls waiting for an endpoint, and to wake them. */
	private final ReentrantLock lock = new ReentrantLock();

	/** Signalled when an attempt ends: a place is freed, a trial may have ended. */
	private final Condition attemptEnded = this.lock.newCondition();

	/**
	 * Calls waiting for an endpoint, written under the lock: only then does an attempt's
	 * end take the lock to wake them.
	 */
	private volatile int waiting;

	/**
	 * Waits until an endpoint takes the attempt, for at most {@code waitNanos} and until
	 * the thread is interrupted (a cancelled call).
	 * @param waitNanos how long the call may wait
	 * @param tryAcquire tries to place the attempt: its lease, or {@link Router#NONE}
	 * @param nanosUntilOneOpens nanoseconds until an endpoint with a free place ends its
	 * cooldown, {@code Long.MAX_VALUE} when only the end of an attempt can free one
	 * @return the attempt's lease, or {@link Router#NONE} when the wait ran out
	 */
	long await(long waitNanos, LongSupplier tryAcquire, LongSupplier nanosUntilOneOpens) {
		long end = System.nanoTime() + waitNanos;
		this.lock.lock();
		try {
			// counted before looking again, so an attempt ending from now on wakes this
			// call
			this.waiting++;
			try {
				while (true) {
					long lease = tryAcquire.getAsLong();
					if (lease != Router.NONE) {
						return lease;
					}
					long left = end - System.nanoTime();
					if (left <= 0) {
						return Router.NONE;
					}
					long nanos = Math.min(left, nanosUntilOneOpens.getAsLong());
					if (nanos > 0) {
						this.attemptEnded.awaitNanos(nanos);
					}
				}
			}
			finally {
				this.waiting--;
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new LlmClientException("Interrupted while waiting for an LLM endpoint to take the call", ex);
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Wakes the waiting calls after an attempt freed its place. A waiting call counts
	 * itself before it looks at the places, this reads the count after a place was freed:
	 * one of the two sees the other.
	 */
	void attemptEnded() {
		if (this.waiting > 0) {
			this.lock.lock();
			try {
				this.attemptEnded.signalAll();
			}
			finally {
				this.lock.unlock();
			}
		}
	}

}
