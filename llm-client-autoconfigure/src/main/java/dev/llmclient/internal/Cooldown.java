package dev.llmclient.internal;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Whether one endpoint of several takes calls: {@code active} while its recent attempts
 * mostly succeed; {@code cooling-down} for {@code routing.cooldown} (or the server's
 * longer {@code Retry-After}) after it failed repeatedly, answered 429 with
 * {@code Retry-After}, or refused the credentials; then {@code half-open}, when one trial
 * attempt decides whether it is active again or cools down once more. The recent outcomes
 * are the last {@value #WINDOW} attempts: it cools down after
 * {@code routing.cooldown-after-failures} failures in a row, or when more than half of at
 * least {@value #MIN_SAMPLES} recent attempts failed.
 */
final class Cooldown {

	/** How the endpoint stands. */
	enum State {

		ACTIVE("active"), COOLING_DOWN("cooling-down"), HALF_OPEN("half-open");

		private final String label;

		State(String label) {
			this.label = label;
		}

		/** The name health shows. */
		String label() {
			return this.label;
		}

	}

	static final int WINDOW = 10;

	static final int MIN_SAMPLES = 6;

	private final long cooldownNanos;

	private final int cooldownAfterFailures;

	private final LongSupplier clock;

	/** The latest outcomes, one bit each (1 = failed), newest in the lowest bit. */
	private int outcomes;

	private int samples;

	private int failuresInARow;

	/** When cooling down ends, in {@link #clock} time; meaningful while not active. */
	private long until;

	/** Read without the lock on the way of every attempt: the common case is active. */
	private volatile boolean active = true;

	/**
	 * Whether the window is full of successes and active: then a success changes nothing,
	 * and is recorded without the lock.
	 */
	private volatile boolean clean;

	/** Whether the one trial of the half-open state is under way. */
	private boolean trial;

	Cooldown(Duration cooldown, int cooldownAfterFailures, LongSupplier clock) {
		this.cooldownNanos = cooldown.toNanos();
		this.cooldownAfterFailures = cooldownAfterFailures;
		this.clock = clock;
	}

	/**
	 * Whether an attempt may go to the endpoint now; when the attempt would be the
	 * half-open trial, it is taken, and {@link #succeeded()}, {@link #failed} or
	 * {@link #abandoned()} must follow.
	 */
	boolean tryEnter() {
		return this.active || tryEnterCooled();
	}

	private synchronized boolean tryEnterCooled() {
		if (this.active) {
			return true;
		}
		if (this.trial || this.clock.getAsLong() - this.until < 0) {
			return false;
		}
		this.trial = true;
		return true;
	}

	/** Whether {@link #tryEnter()} would let an attempt in now, taking nothing. */
	boolean isOpen() {
		return this.active || isOpenCooled();
	}

	private synchronized boolean isOpenCooled() {
		return this.active || (!this.trial && this.clock.getAsLong() - this.until >= 0);
	}

	/**
	 * Nanoseconds until the endpoint takes an attempt again, as far as cooling down goes:
	 * 0 when it takes one now, {@code Long.MAX_VALUE} while its trial is under way.
	 */
	synchronized long nanosUntilOpen() {
		if (this.active) {
			return 0;
		}
		if (this.trial) {
			return Long.MAX_VALUE;
		}
		return Math.max(0, this.until - this.clock.getAsLong());
	}

	/**
	 * Records a successful attempt; only the trial ends a cooldown, not the late answer
	 * of an attempt sent before it began.
	 */
	void succeeded() {
		if (!this.clean) {
			recordSuccess();
		}
	}

	private synchronized void recordSuccess() {
		this.failuresInARow = 0;
		if (this.trial) {
			this.trial = false;
			this.active = true;
		}
		if (this.active) {
			push(false);
		}
	}

	/**
	 * Records a failed attempt.
	 * @param coolAtOnce whether this failure alone cools the endpoint down (429 with
	 * {@code Retry-After}, refused credentials)
	 * @param serverWait the wait the server asked for, or {@code null}
	 * @return whether the endpoint started cooling down now
	 */
	synchronized boolean failed(boolean coolAtOnce, Duration serverWait) {
		this.clean = false;
		push(true);
		this.failuresInARow++;
		boolean wasTrial = this.trial;
		this.trial = false;
		if (!this.active && !wasTrial) {
			return false; // a late answer of an attempt sent before the cooldown began
		}
		if (wasTrial || coolAtOnce || this.failuresInARow >= this.cooldownAfterFailures
				|| (this.samples >= MIN_SAMPLES && 2 * Integer.bitCount(this.outcomes) > this.samples)) {
			long nanos = (serverWait != null) ? Math.max(this.cooldownNanos, serverWait.toNanos()) : this.cooldownNanos;
			this.until = this.clock.getAsLong() + nanos;
			this.active = false;
			this.outcomes = 0;
			this.samples = 0;
			return true;
		}
		return false;
	}

	/** The trial, if this was it, ended without saying anything about the endpoint. */
	synchronized void abandoned() {
		this.trial = false;
	}

	synchronized State state() {
		if (this.active) {
			return State.ACTIVE;
		}
		return (this.trial || this.clock.getAsLong() - this.until >= 0) ? State.HALF_OPEN : State.COOLING_DOWN;
	}

	/** Nanoseconds of cooling down left, 0 when not cooling down. */
	synchronized long remainingNanos() {
		return (this.active || this.trial) ? 0 : Math.max(0, this.until - this.clock.getAsLong());
	}

	private void push(boolean failed) {
		this.outcomes = ((this.outcomes << 1) | (failed ? 1 : 0)) & ((1 << WINDOW) - 1);
		this.samples = Math.min(WINDOW, this.samples + 1);
		this.clean = this.active && this.outcomes == 0 && this.samples == WINDOW;
	}

}
