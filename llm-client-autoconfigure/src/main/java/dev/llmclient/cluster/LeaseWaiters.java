package dev.llmclient.cluster;

import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The calls of one instance waiting for a cluster lease, in the order they came. A
 * released lease wakes the first waiting call, one call per lease, so that a release
 * never sets every waiting call asking Redis at once. Only the first call also asks again
 * by itself, every poll interval: the fallback for the releases no wake-up tells of (a
 * lease that expired, a lost message, an instance of an older version).
 * <p>
 * A wake-up that comes while no call is queued is kept for a call that is asking Redis at
 * that moment (its answer may predate the release), at most one per such call, so that
 * none is lost between a call's answer and its wait.
 */
final class LeaseWaiters {

	private final ReentrantLock lock = new ReentrantLock();

	private final ArrayDeque<Waiter> queue = new ArrayDeque<>();

	/** Calls between {@link #enter()} and {@link #leave(boolean)} that are not queued. */
	private int asking;

	/** Wake-ups no queued call took, at most one per asking call. */
	private int kept;

	/**
	 * Counts a call that starts asking Redis for a lease.
	 */
	void enter() {
		this.lock.lock();
		try {
			this.asking++;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Counts a call that stopped asking, with or without a lease.
	 * @param wasFirst whether its last wait ended with a wake-up or a poll: it left the
	 * front of the line, and the call now first takes over polling
	 */
	void leave(boolean wasFirst) {
		this.lock.lock();
		try {
			this.asking--;
			this.kept = Math.min(this.kept, this.asking);
			if (wasFirst) {
				signalFirst();
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Wakes the first waiting call, for a lease released here or by another instance.
	 */
	void wake() {
		this.lock.lock();
		try {
			wakeFirst();
		}
		finally {
			this.lock.unlock();
		}
	}

	private void wakeFirst() {
		Waiter first = this.queue.pollFirst();
		if (first == null) {
			this.kept = Math.min(this.kept + 1, this.asking);
			return;
		}
		first.woken = true;
		first.turn.signal();
	}

	/**
	 * Lets the call now first start polling. Not needed when the first call left to ask
	 * Redis after a wake-up or a poll: it comes back to the front, or signals when it
	 * leaves for good, which saves a thread wake-up per release.
	 */
	private void signalFirst() {
		Waiter first = this.queue.peekFirst();
		if (first != null) {
			first.turn.signal();
		}
	}

	/**
	 * Waits until the call may ask Redis again: woken by a release, its poll interval
	 * over while it is the first waiting call, or its deadline reached.
	 * @param deadline the call's deadline, in {@link System#nanoTime()}
	 * @param pollNanos how long the first waiting call waits before it asks again
	 * @param front whether the call was woken or polled last time: it goes back to the
	 * front of the queue, keeping its turn
	 * @return why the wait ended
	 * @throws InterruptedException when the call is cancelled; a wake-up it was given
	 * goes to the next waiting call
	 */
	Turn await(long deadline, long pollNanos, boolean front) throws InterruptedException {
		this.lock.lock();
		try {
			if (this.kept > 0) {
				this.kept--;
				return Turn.WOKEN;
			}
			Waiter waiter = new Waiter(this.lock.newCondition());
			if (front) {
				this.queue.addFirst(waiter);
			}
			else {
				this.queue.addLast(waiter);
			}
			this.asking--;
			Turn turn = null;
			try {
				turn = awaitTurn(waiter, deadline, pollNanos);
				return turn;
			}
			catch (InterruptedException ex) {
				if (waiter.woken) {
					wakeFirst();
				}
				throw ex;
			}
			finally {
				this.asking++;
				if (!waiter.woken) {
					boolean wasFirst = this.queue.peekFirst() == waiter;
					this.queue.remove(waiter);
					if (wasFirst && turn != Turn.POLL) {
						signalFirst();
					}
				}
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	private Turn awaitTurn(Waiter waiter, long deadline, long pollNanos) throws InterruptedException {
		while (!waiter.woken) {
			long left = deadline - System.nanoTime();
			if (left <= 0) {
				return Turn.DEADLINE;
			}
			boolean polling = this.queue.peekFirst() == waiter && pollNanos < left;
			long rest = waiter.turn.awaitNanos(polling ? pollNanos : left);
			if (polling && rest <= 0 && !waiter.woken && this.queue.peekFirst() == waiter) {
				return Turn.POLL;
			}
		}
		return Turn.WOKEN;
	}

	/**
	 * Why a call may ask Redis again.
	 */
	enum Turn {

		/** A lease was released. */
		WOKEN,

		/** The poll interval of the first waiting call is over. */
		POLL,

		/** The call's deadline is reached: it asks one last time. */
		DEADLINE

	}

	private static final class Waiter {

		private final Condition turn;

		private boolean woken;

		Waiter(Condition turn) {
			this.turn = turn;
		}

	}

}
