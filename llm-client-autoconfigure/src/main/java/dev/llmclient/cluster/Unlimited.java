package dev.llmclient.cluster;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import dev.llmclient.traffic.ConcurrencyLimiter;

/**
 * No limit of the instance's own: the local side of the batch calls' leases, whose only
 * bound is the cluster-wide count (the instance's own limit already bounds every call).
 */
final class Unlimited implements ConcurrencyLimiter {

	private final AtomicInteger inFlight = new AtomicInteger();

	private final Permit permit = this.inFlight::decrementAndGet;

	@Override
	public Permit tryAcquire(Duration wait) {
		this.inFlight.incrementAndGet();
		return this.permit;
	}

	@Override
	public int limit() {
		return Integer.MAX_VALUE;
	}

	@Override
	public int inFlight() {
		return this.inFlight.get();
	}

}
