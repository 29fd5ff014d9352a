package dev.llmclient.traffic;

import java.time.Duration;

import io.github.bucket4j.Bucket;

/**
 * A {@link RateBudget} on a local Bucket4j bucket. Any window of one period sees at most
 * the burst plus one period of refill; both are chosen to add up to the limit, so the
 * budget holds against a server that counts over a sliding window as well as a fixed one.
 */
final class BucketRateBudget implements RateBudget {

	/** The burst as a fraction of the limit: one second's worth of a per-minute limit. */
	private static final int BURST_DIVISOR = 60;

	private final long limit;

	private final long burst;

	private final Bucket bucket;

	BucketRateBudget(long limit, Duration period) {
		if (limit < 1) {
			throw new IllegalArgumentException("limit must be at least 1, but was " + limit);
		}
		if (period == null || period.isZero() || period.isNegative()) {
			throw new IllegalArgumentException("period must be a positive duration, but was " + period);
		}
		this.limit = limit;
		this.burst = Math.max(1, limit / BURST_DIVISOR);
		long refill = Math.max(1, limit - this.burst);
		this.bucket = Bucket.builder()
			.addLimit((bandwidth) -> bandwidth.capacity(this.burst).refillGreedy(refill, period))
			.build();
	}

	@Override
	public boolean tryTake(long amount, Duration wait) throws InterruptedException {
		long now = Math.min(amount, this.burst);
		boolean taken;
		if (wait.isZero() || wait.isNegative()) {
			taken = this.bucket.tryConsume(now);
		}
		else {
			try {
				taken = this.bucket.asBlocking().tryConsume(now, wait);
			}
			catch (InterruptedException ex) {
				// only Bucket4j's pause is interruptible, and it comes after the units
				// were reserved: the call will not be sent, so they go back
				Interrupts.runCleared(() -> refund(now));
				throw ex;
			}
		}
		if (!taken) {
			return false;
		}
		if (amount > now) {
			charge(amount - now);
		}
		return true;
	}

	@Override
	public void charge(long amount) {
		this.bucket.consumeIgnoringRateLimits(amount);
	}

	@Override
	public void refund(long amount) {
		this.bucket.addTokens(amount);
	}

	@Override
	public long available() {
		return this.bucket.getAvailableTokens();
	}

	@Override
	public long limit() {
		return this.limit;
	}

	@Override
	public String toString() {
		return "RateBudget[" + this.limit + " per period, " + available() + " available]";
	}

}
