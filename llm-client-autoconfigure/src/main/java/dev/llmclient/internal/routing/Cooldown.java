package dev.llmclient.internal.routing;

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
 * <p>
 * LLM calls outlast a cooldown, so answers to attempts sent before a change of state
 * arrive after it. Each attempt therefore enters an <em>epoch</em>, which
 * {@link #tryEnter()} returns and the attempt's outcome hands back: the epoch counts the
 * changes of state, even while active, odd while cooling down or half-open. Only outcomes
 * of the current epoch count: while active, those of attempts sent since it became
 * active; while half-open, the trial's alone, as the trial is the only attempt that
 * enters an odd epoch. The hot path (active, outcomes all successes) takes no lock.
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

	/** What {@link #tryEnter()} returns when the attempt may not go to the endpoint. */
	static final long CLOSED = -1;

	static final int WINDOW = 10;

	static final int MIN_SAMPLES = 6;

	private final long cooldownNanos;

	private final int cooldownAfterFailures;

	private final LongSupplier clock;

	/**
	 * Counts the changes of state: even while active, odd while cooling down or
	 * half-open. Written under the lock, read without it on the way of every attempt.
	 */
	private volatile long epoch;

	/** The latest outcomes, one bit each (1 = failed), newest in the lowest bit. */
	private int outcomes;

	private int samples;

	private int failuresInARow;

	/** When cooling down ends, in {@link #clock} time; meaningful while not active. */
	private long until;

	/**
	 * Whether the window is full of successes and active: then a success changes nothing,
	 * and is recorded without the lock.
	 */
	private volatile boolean clean;

	/** Whether the trial of the half-open state has been taken and not ended. */
	private boolean trial;

	Cooldown(Duration cooldown, int cooldownAfterFailures, LongSupplier clock) {
		this.cooldownNanos = cooldown.toNanos();
		this.cooldownAfterFailures = cooldownAfterFailures;
		this.clock = clock;
	}

	/**
	 * Lets an attempt go to the endpoint now, if it may; when the attempt is the
	 * half-open trial, the trial is taken. {@link #succeeded}, {@link #failed} or
	 * {@link #abandoned} must follow with the epoch returned.
	 * @return the epoch the attempt entered, or {@link #CLOSED}
	 */
	long tryEnter() {
		long epoch = this.epoch;
		return isActive(epoch) ? epoch : tryEnterCooled();
	}

	private synchronized long tryEnterCooled() {
		long epoch = this.epoch;
		if (isActive(epoch)) {
			return epoch;
		}
		if (this.trial || this.clock.getAsLong() - this.until < 0) {
			return CLOSED;
		}
		this.trial = true;
		return epoch;
	}

	/** Whether {@link #tryEnter()} would let an attempt in now, taking nothing. */
	boolean isOpen() {
		return isActive(this.epoch) || isOpenCooled();
	}

	private synchronized boolean isOpenCooled() {
		return isActive(this.epoch) || (!this.trial && this.clock.getAsLong() - this.until >= 0);
	}

	/**
	 * Nanoseconds until the endpoint takes an attempt again, as far as cooling down goes:
	 * 0 when it takes one now, {@code Long.MAX_VALUE} while its trial is under way.
	 */
	synchronized long nanosUntilOpen() {
		if (isActive(this.epoch)) {
			return 0;
		}
		if (this.trial) {
			return Long.MAX_VALUE;
		}
		return Math.max(0, this.until - this.clock.getAsLong());
	}

	/**
	 * Records a successful attempt: the trial's success makes the endpoint active again
	 * with a fresh window; the answer of an attempt sent before the latest change of
	 * state changes nothing.
	 * @param entered the epoch the attempt entered
	 */
	void succeeded(long entered) {
		if (!this.clean) {
			recordSuccess(entered);
		}
	}

	private synchronized void recordSuccess(long entered) {
		if (entered != this.epoch) {
			return;
		}
		if (!isActive(entered)) {
			this.trial = false;
			this.epoch = entered + 1;
			reset();
			return;
		}
		this.failuresInARow = 0;
		push(false);
	}

	/**
	 * Records a failed attempt: the trial's failure cools the endpoint down again; the
	 * answer of an attempt sent before the latest change of state changes nothing.
	 * @param entered the epoch the attempt entered
	 * @param coolAtOnce whether this failure alone cools the endpoint down (429 with
	 * {@code Retry-After}, refused credentials)
	 * @param serverWait the wait the server asked for, or {@code null}
	 * @return whether the endpoint started cooling down now
	 */
	synchronized boolean failed(long entered, boolean coolAtOnce, Duration serverWait) {
		if (entered != this.epoch) {
			return false;
		}
		if (!isActive(entered)) {
			this.trial = false;
			coolDown(entered + 2, serverWait);
			return true;
		}
		push(true);
		this.failuresInARow++;
		if (coolAtOnce || this.failuresInARow >= this.cooldownAfterFailures
				|| (this.samples >= MIN_SAMPLES && 2 * Integer.bitCount(this.outcomes) > this.samples)) {
			coolDown(entered + 1, serverWait);
			return true;
		}
		return false;
	}

	/**
	 * The attempt ended without saying anything about the endpoint: when it was the
	 * trial, the trial is given back for another attempt to take.
	 * @param entered the epoch the attempt entered
	 */
	void abandoned(long entered) {
		if (!isActive(entered)) {
			giveBackTrial(entered);
		}
	}

	private synchronized void giveBackTrial(long entered) {
		if (entered == this.epoch) {
			this.trial = false;
		}
	}

	synchronized State state() {
		if (isActive(this.epoch)) {
			return State.ACTIVE;
		}
		return (this.trial || this.clock.getAsLong() - this.until >= 0) ? State.HALF_OPEN : State.COOLING_DOWN;
	}

	/** Nanoseconds of cooling down left, 0 when not cooling down. */
	synchronized long remainingNanos() {
		return (isActive(this.epoch) || this.trial) ? 0 : Math.max(0, this.until - this.clock.getAsLong());
	}

	private static boolean isActive(long epoch) {
		return (epoch & 1) == 0;
	}

	private void coolDown(long epoch, Duration serverWait) {
		long nanos = (serverWait != null) ? Math.max(this.cooldownNanos, serverWait.toNanos()) : this.cooldownNanos;
		this.until = this.clock.getAsLong() + nanos;
		reset();
		this.epoch = epoch;
	}

	private void reset() {
		this.outcomes = 0;
		this.samples = 0;
		this.failuresInARow = 0;
		this.clean = false;
	}

	private void push(boolean failed) {
		this.outcomes = ((this.outcomes << 1) | (failed ? 1 : 0)) & ((1 << WINDOW) - 1);
		this.samples = Math.min(WINDOW, this.samples + 1);
		this.clean = isActive(this.epoch) && this.outcomes == 0 && this.samples == WINDOW;
	}

}
