package dev.llmclient.internal.limits;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import dev.llmclient.RequestClass;
import dev.llmclient.traffic.ConcurrencyLimiter;

/**
 * The line of calls waiting for a permit, ordered by request class, in front of any
 * {@link ConcurrencyLimiter}: waiting interactive calls get a permit before waiting batch
 * calls, and neither class can starve the other.
 * <p>
 * Only one waiting call at a time (the <i>head</i>) waits at the limiter; the permit it
 * gets is handed to the call that should have it now, which may be another: an
 * interactive call while interactive calls hold less than {@code interactive-share} of
 * the limit or no batch call waits, else a batch call. So a batch call holds at most
 * {@code batch-share} of the limit while interactive calls wait (it gets a permit then
 * only when interactive calls hold their share, and the two shares add up to at least 1),
 * and all of it while none do. The limit is the limiter's of the moment, so the shares
 * follow an adaptive or cluster-wide limit as it moves. A call that finds nobody of its
 * class or of a class before it waiting takes a free permit at once, without the line.
 * <p>
 * A waiting call that times out or is interrupted leaves the line and hands the head on;
 * a permit is counted in its class from the moment it is handed over to its release.
 */
final class ClassQueue {

	private static final RequestClass[] CLASSES = RequestClass.values();

	private final ConcurrencyLimiter limiter;

	/** By {@link RequestClass#ordinal()}. */
	private final double[] shares = new double[CLASSES.length];

	private final ReentrantLock lock = new ReentrantLock();

	/** Permits held, by class; guarded by the lock, as all fields below. */
	private final int[] inFlight = new int[CLASSES.length];

	@SuppressWarnings("unchecked")
	private final ArrayDeque<Waiter>[] waiters = new ArrayDeque[CLASSES.length];

	/** Whether a waiting call is at the limiter for the line. */
	private boolean headTaken;

	ClassQueue(ConcurrencyLimiter limiter, double interactiveShare, double batchShare) {
		this.limiter = limiter;
		this.shares[RequestClass.INTERACTIVE.ordinal()] = interactiveShare;
		this.shares[RequestClass.BATCH.ordinal()] = batchShare;
		for (int c = 0; c < CLASSES.length; c++) {
			this.waiters[c] = new ArrayDeque<>();
		}
	}

	/**
	 * Takes a permit if one is free now and no call that should go first waits.
	 * @return the permit, or {@code null}
	 */
	ConcurrencyLimiter.Permit tryAcquireNow(RequestClass requestClass) throws InterruptedException {
		int c = requestClass.ordinal();
		this.lock.lock();
		try {
			if (!mayPassLine(c)) {
				return null;
			}
			// counted before the limiter is asked, so that two calls cannot both pass a
			// share
			this.inFlight[c]++;
		}
		finally {
			this.lock.unlock();
		}
		ConcurrencyLimiter.Permit permit = null;
		try {
			permit = this.limiter.tryAcquire(Duration.ZERO);
		}
		finally {
			if (permit == null) {
				uncount(c);
			}
		}
		return (permit != null) ? new ClassPermit(permit, c) : null;
	}

	/**
	 * Waits in line for a permit.
	 * @param requestClass the call's class
	 * @param wait the longest wait
	 * @return the permit, or {@code null} when none came in time
	 * @throws InterruptedException when the waiting thread is interrupted
	 */
	ConcurrencyLimiter.Permit acquire(RequestClass requestClass, Duration wait) throws InterruptedException {
		int c = requestClass.ordinal();
		long deadline = System.nanoTime() + wait.toNanos();
		Waiter me = new Waiter(this.lock.newCondition());
		this.lock.lock();
		try {
			this.waiters[c].addLast(me);
			try {
				while (me.permit == null) {
					long left = deadline - System.nanoTime();
					if (!this.headTaken) {
						waitAtLimiter(Math.max(0, left));
						if (me.permit != null || deadline - System.nanoTime() <= 0) {
							break;
						}
						continue;
					}
					if (left <= 0) {
						break;
					}
					me.turn.awaitNanos(left);
				}
			}
			catch (InterruptedException ex) {
				if (me.permit != null) {
					// handed over as the wait was interrupted: nobody will use it
					new ClassPermit(me.permit, c).release();
					me.permit = null;
				}
				throw ex;
			}
			finally {
				if (me.permit == null) {
					this.waiters[c].remove(me);
					if (!this.headTaken) {
						wakeNextHead();
					}
				}
			}
			return (me.permit != null) ? new ClassPermit(me.permit, c) : null;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Waits at the limiter as the head of the line, the lock released meanwhile, and
	 * hands the permit it gets to the call that should have it. Called and returns with
	 * the lock held.
	 */
	private void waitAtLimiter(long waitNanos) throws InterruptedException {
		this.headTaken = true;
		ConcurrencyLimiter.Permit permit = null;
		this.lock.unlock();
		try {
			permit = this.limiter.tryAcquire(Duration.ofNanos(waitNanos));
		}
		finally {
			this.lock.lock();
			this.headTaken = false;
			if (permit != null) {
				handOver(permit);
			}
			// the next in line takes over at the limiter
			wakeNextHead();
		}
	}

	/** Gives a permit to the first call of the class that should have it now. */
	private void handOver(ConcurrencyLimiter.Permit permit) {
		int c = next();
		Waiter waiter = this.waiters[c].pollFirst();
		this.inFlight[c]++;
		waiter.permit = permit;
		waiter.turn.signal();
	}

	/**
	 * The class of the call to hand the next permit to: interactive, unless interactive
	 * calls hold their share while batch calls wait (or none waits). The head itself is
	 * in line, so one of them is not empty.
	 */
	private int next() {
		int interactive = RequestClass.INTERACTIVE.ordinal();
		int batch = RequestClass.BATCH.ordinal();
		if (this.waiters[interactive].isEmpty()) {
			return batch;
		}
		if (this.waiters[batch].isEmpty() || this.inFlight[interactive] < share(interactive)) {
			return interactive;
		}
		return batch;
	}

	private void wakeNextHead() {
		for (ArrayDeque<Waiter> line : this.waiters) {
			Waiter first = line.peekFirst();
			if (first != null) {
				first.turn.signal();
			}
		}
	}

	/**
	 * Whether a call of class {@code c} may take a free permit without the line: nobody
	 * of its class waits, nobody of the other class that would go first waits, and its
	 * class is below its share when the other class waits.
	 */
	private boolean mayPassLine(int c) {
		if (!this.waiters[c].isEmpty()) {
			return false;
		}
		int other = 1 - c;
		if (this.waiters[other].isEmpty()) {
			return true;
		}
		return this.inFlight[c] < share(c)
				&& (c == RequestClass.INTERACTIVE.ordinal() || this.inFlight[other] >= share(other));
	}

	/** The permits class {@code c} may hold while the other class waits; at least 1. */
	private int share(int c) {
		return Math.max(1, (int) (this.shares[c] * this.limiter.limit()));
	}

	private void uncount(int c) {
		this.lock.lock();
		try {
			this.inFlight[c]--;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * A snapshot of one class.
	 * @param requestClass the class
	 * @return its permits held, its calls waiting, and the fraction of the limit it may
	 * hold now
	 */
	Snapshot snapshot(RequestClass requestClass) {
		int c = requestClass.ordinal();
		this.lock.lock();
		try {
			boolean otherWaits = !this.waiters[1 - c].isEmpty();
			return new Snapshot(this.inFlight[c], this.waiters[c].size(), otherWaits ? this.shares[c] : 1.0);
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Whether a call of this class that waits in vain does so because of its share: the
	 * other class waits and this one holds its share.
	 */
	boolean heldAtShare(RequestClass requestClass) {
		int c = requestClass.ordinal();
		this.lock.lock();
		try {
			return !this.waiters[1 - c].isEmpty() && this.inFlight[c] >= share(c);
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * One class's state.
	 *
	 * @param inFlight permits held
	 * @param waiting calls waiting in line
	 * @param share the fraction of the limit the class may hold now
	 */
	record Snapshot(int inFlight, int waiting, double share) {
	}

	/** One call waiting in line. */
	private static final class Waiter {

		final Condition turn;

		/** Set, under the lock, when a permit is handed to this call. */
		ConcurrencyLimiter.Permit permit;

		Waiter(Condition turn) {
			this.turn = turn;
		}

	}

	/** A permit counted in its class until released. */
	private final class ClassPermit implements ConcurrencyLimiter.Permit {

		private final ConcurrencyLimiter.Permit permit;

		private final int requestClass;

		ClassPermit(ConcurrencyLimiter.Permit permit, int requestClass) {
			this.permit = permit;
			this.requestClass = requestClass;
		}

		@Override
		public void attemptEnded(long startNanos, long durationNanos, ConcurrencyLimiter.Signal signal) {
			this.permit.attemptEnded(startNanos, durationNanos, signal);
		}

		@Override
		public void release() {
			uncount(this.requestClass);
			this.permit.release();
		}

	}

}
