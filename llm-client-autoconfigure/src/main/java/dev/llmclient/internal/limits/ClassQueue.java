package dev.llmclient.internal.limits;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

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
 * the limit or no batch call waits, else a batch call below its cap. So a batch call
 * holds at most {@code batch-share} of the limit while interactive calls wait (it gets a
 * permit then only when interactive calls hold their share, and the two shares add up to
 * at least 1). The limit is the limiter's of the moment, so the shares follow an adaptive
 * limit as it moves. A call that finds nobody of its class or of a class before it
 * waiting takes a free permit at once, without the line.
 * <p>
 * A permit cannot be taken back from a call in flight, so an interactive call that finds
 * every permit held by batch calls waits for one of them to end: at an answer time of
 * {@code T}, up to {@code T}. So batch calls also leave free as many permits as
 * interactive calls were in flight or waiting at once in the last
 * {@value #RECENT_SECONDS} to 2 x {@value #RECENT_SECONDS} s, one more when one of them
 * found no free permit, and at most {@code 1 - batch-share} of the limit: an application
 * that chats while a batch runs finds a free permit for its usual number of concurrent
 * chats, and a batch running alone takes the whole limit.
 * <p>
 * A waiting call that times out or is interrupted leaves the line and hands the head on;
 * a permit is counted in its class from the moment it is handed over to its release.
 */
final class ClassQueue {

	/** How long the peak of interactive calls at once is remembered, at least. */
	static final int RECENT_SECONDS = 10;

	private static final long RECENT_NANOS = TimeUnit.SECONDS.toNanos(RECENT_SECONDS);

	/**
	 * How long the head waits, at most, before it asks the limiter again after handing a
	 * free permit back (nobody in line could have it): the peak may have aged meanwhile.
	 */
	private static final long STALL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

	private static final int INTERACTIVE = RequestClass.INTERACTIVE.ordinal();

	private static final int BATCH = RequestClass.BATCH.ordinal();

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

	/**
	 * Whether the last permit the head got was handed back because nobody in line could
	 * have it: until a permit is released or an interactive call comes, or
	 * {@link #STALL_NANOS} pass, nobody asks the limiter for the line.
	 */
	private boolean stalled;

	/**
	 * The most interactive calls in flight or waiting at once, in this period and the
	 * last.
	 */
	private int peakNow;

	private int peakBefore;

	private long periodStart;

	/** Tells the time the peak ages by, as {@link System#nanoTime()}. */
	private final LongSupplier clock;

	ClassQueue(ConcurrencyLimiter limiter, double interactiveShare, double batchShare, LongSupplier clock) {
		this.limiter = limiter;
		this.clock = clock;
		this.periodStart = clock.getAsLong();
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
			arriving(c);
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
			arriving(c);
			this.waiters[c].addLast(me);
			if (c == INTERACTIVE) {
				// it found no free permit: the permits kept free were one too few
				this.peakNow = Math.max(this.peakNow,
						this.inFlight[INTERACTIVE] + this.waiters[INTERACTIVE].size() + 1);
			}
			try {
				while (me.permit == null) {
					long left = deadline - System.nanoTime();
					if (!this.headTaken && !this.stalled) {
						waitAtLimiter(Math.max(0, left));
						if (me.permit != null || deadline - System.nanoTime() <= 0) {
							break;
						}
						continue;
					}
					if (left <= 0) {
						break;
					}
					if (me.turn.awaitNanos(this.stalled ? Math.min(left, STALL_NANOS) : left) <= 0 && this.stalled
							&& !this.headTaken) {
						this.stalled = false;
					}
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
			if (permit != null && !handOver(permit)) {
				this.stalled = true;
				permit.release();
			}
			// the next in line takes over at the limiter
			wakeNextHead();
		}
	}

	/**
	 * Gives a permit to the first call of the class that should have it now.
	 * @return whether a call took it
	 */
	private boolean handOver(ConcurrencyLimiter.Permit permit) {
		int c = next();
		if (c < 0) {
			return false;
		}
		Waiter waiter = this.waiters[c].pollFirst();
		this.inFlight[c]++;
		waiter.permit = permit;
		waiter.turn.signal();
		return true;
	}

	/**
	 * The class of the call to hand the next permit to: interactive, unless interactive
	 * calls hold their share while batch calls wait; batch while below its cap; an
	 * interactive call over its share rather than nobody; else none ({@code -1}).
	 */
	private int next() {
		boolean interactiveWaits = !this.waiters[INTERACTIVE].isEmpty();
		boolean batchWaits = !this.waiters[BATCH].isEmpty();
		if (interactiveWaits && (!batchWaits || this.inFlight[INTERACTIVE] < share(INTERACTIVE))) {
			return INTERACTIVE;
		}
		if (batchWaits && this.inFlight[BATCH] < batchCap()) {
			return BATCH;
		}
		return interactiveWaits ? INTERACTIVE : -1;
	}

	/**
	 * The permits batch calls may hold now: all but those kept free for the interactive
	 * calls seen at once lately, and at least {@code batch-share} of the limit and what
	 * {@code interactive-share} leaves.
	 */
	private int batchCap() {
		int limit = this.limiter.limit();
		return Math.max(Math.max(share(BATCH), limit - share(INTERACTIVE)), limit - recentPeak());
	}

	/** Notes a call arriving: an interactive one counts toward the recent peak. */
	private void arriving(int c) {
		if (c != INTERACTIVE) {
			return;
		}
		recentPeak();
		int now = this.inFlight[INTERACTIVE] + this.waiters[INTERACTIVE].size() + 1;
		this.peakNow = Math.max(this.peakNow, now);
		if (this.stalled) {
			this.stalled = false;
			wakeNextHead();
		}
	}

	/**
	 * The most interactive calls at once in the last {@link #RECENT_SECONDS} s or more.
	 */
	private int recentPeak() {
		long now = this.clock.getAsLong();
		if (now - this.periodStart >= RECENT_NANOS) {
			boolean skipped = now - this.periodStart >= 2 * RECENT_NANOS;
			this.peakBefore = skipped ? 0 : this.peakNow;
			this.peakNow = this.inFlight[INTERACTIVE] + this.waiters[INTERACTIVE].size();
			this.periodStart = now;
		}
		return Math.max(this.peakNow, this.peakBefore);
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
	 * of its class waits; an interactive call while below its share or no batch call
	 * waits; a batch call while no interactive call waits and batch calls are below their
	 * cap.
	 */
	private boolean mayPassLine(int c) {
		if (!this.waiters[c].isEmpty()) {
			return false;
		}
		if (c == INTERACTIVE) {
			return this.waiters[BATCH].isEmpty() || this.inFlight[INTERACTIVE] < share(INTERACTIVE);
		}
		return this.waiters[INTERACTIVE].isEmpty() && this.inFlight[BATCH] < batchCap();
	}

	/** The permits class {@code c} may hold while the other class waits; at least 1. */
	private int share(int c) {
		return Math.max(1, (int) (this.shares[c] * this.limiter.limit()));
	}

	private void uncount(int c) {
		this.lock.lock();
		try {
			this.inFlight[c]--;
			if (this.stalled) {
				this.stalled = false;
				wakeNextHead();
			}
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
			return new Snapshot(this.inFlight[c], this.waiters[c].size(), shareNow(c));
		}
		finally {
			this.lock.unlock();
		}
	}

	/** The fraction of the limit class {@code c} may hold now. */
	private double shareNow(int c) {
		double limit = this.limiter.limit();
		if (c == INTERACTIVE) {
			return this.waiters[BATCH].isEmpty() ? 1.0 : share(INTERACTIVE) / limit;
		}
		return Math.min(1.0, (this.waiters[INTERACTIVE].isEmpty() ? batchCap() : share(BATCH)) / limit);
	}

	/**
	 * Whether a call of this class that waits in vain does so because of its share: its
	 * class holds what it may hold now, less than the whole limit.
	 */
	boolean heldAtShare(RequestClass requestClass) {
		int c = requestClass.ordinal();
		this.lock.lock();
		try {
			double share = shareNow(c);
			return share < 1.0 && this.inFlight[c] >= share * this.limiter.limit();
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
