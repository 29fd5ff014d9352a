package dev.llmclient.internal.limits;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import dev.llmclient.traffic.ConcurrencyLimiter;

/**
 * The limiter of {@code max-concurrent} permits. Fair, so waiting calls are served in
 * arrival order.
 */
public final class FixedLimiter implements ConcurrencyLimiter {

	private final int limit;

	private final Semaphore permits;

	private final Permit permit;

	public FixedLimiter(int limit) {
		this.limit = limit;
		this.permits = new Semaphore(limit, true);
		this.permit = this.permits::release;
	}

	@Override
	public Permit tryAcquire(Duration wait) throws InterruptedException {
		boolean taken = this.permits.tryAcquire() || this.permits.tryAcquire(wait.toNanos(), TimeUnit.NANOSECONDS);
		return taken ? this.permit : null;
	}

	@Override
	public int limit() {
		return this.limit;
	}

	@Override
	public int inFlight() {
		return this.limit - this.permits.availablePermits();
	}

}
