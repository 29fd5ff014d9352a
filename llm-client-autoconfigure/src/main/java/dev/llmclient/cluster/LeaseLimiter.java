package dev.llmclient.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import io.lettuce.core.RedisException;

import dev.llmclient.traffic.ConcurrencyLimiter;
import dev.llmclient.traffic.Interrupts;

/**
 * The cluster-wide concurrency limit in front of the instance's own: a call takes a local
 * permit first (so {@code max-concurrent} and the adaptive limit still hold), then a
 * lease in Redis within what is left of its wait. While none is free it asks again, first
 * soon, then every few milliseconds, and at once when a call of this instance ends.
 * Leases are renewed together, one round trip for all, by {@link ClusterLimits}' renewal
 * thread.
 */
final class LeaseLimiter implements ConcurrencyLimiter {

	/** The first pause before asking Redis again for a permit. */
	private static final long MIN_POLL_NANOS = TimeUnit.MICROSECONDS.toNanos(500);

	/**
	 * The longest pause: permits freed by other instances are found within it, at the
	 * cost of one small script per pause for each waiting instance.
	 */
	private static final long MAX_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

	private final ConcurrencyLimiter local;

	private final RedisLeases leases;

	private final RedisOutage outage;

	private final ClusterFallback fallback;

	private final Supplier<ClusterMetrics> metrics;

	private final String instance = UUID.randomUUID().toString();

	private final AtomicLong sequence = new AtomicLong();

	private final Set<String> held = ConcurrentHashMap.newKeySet();

	/**
	 * Held by the one waiting call of this instance that asks Redis again and again; the
	 * others wait for it in turn (fairly), so that Redis sees one poller per instance,
	 * not one per waiting call.
	 */
	private final Semaphore poller = new Semaphore(1, true);

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition released = this.lock.newCondition();

	LeaseLimiter(ConcurrencyLimiter local, RedisLeases leases, RedisOutage outage, ClusterFallback fallback,
			Supplier<ClusterMetrics> metrics) {
		this.local = local;
		this.leases = leases;
		this.outage = outage;
		this.fallback = fallback;
		this.metrics = metrics;
	}

	@Override
	public Permit tryAcquire(Duration wait) throws InterruptedException {
		long start = System.nanoTime();
		Permit localPermit = this.local.tryAcquire(wait);
		if (localPermit == null) {
			return null;
		}
		try {
			Permit permit = lease(localPermit, start, wait.toNanos());
			if (permit == null) {
				localPermit.release();
			}
			return permit;
		}
		catch (RuntimeException | InterruptedException ex) {
			localPermit.release();
			throw ex;
		}
	}

	private Permit lease(Permit localPermit, long start, long waitNanos) throws InterruptedException {
		String id = this.instance + ":" + this.sequence.incrementAndGet();
		long pause = MIN_POLL_NANOS;
		boolean polling = false;
		try {
			while (true) {
				if (!this.outage.shouldTry()) {
					return fallback(localPermit, start, null);
				}
				boolean acquired;
				try {
					acquired = this.leases.tryAcquire(id);
				}
				catch (RedisException ex) {
					abandon(id);
					this.outage.failed(ex);
					return fallback(localPermit, start, ex);
				}
				catch (InterruptedException ex) {
					abandon(id);
					throw ex;
				}
				this.outage.succeeded();
				long elapsed = System.nanoTime() - start;
				if (acquired) {
					this.held.add(id);
					this.metrics.get().leaseAcquisition(elapsed, "acquired");
					return new LeasePermit(localPermit, id);
				}
				long left = waitNanos - elapsed;
				if (left <= 0 || (!polling && !this.poller.tryAcquire(left, TimeUnit.NANOSECONDS))) {
					this.metrics.get().leaseAcquisition(System.nanoTime() - start, "full");
					return null;
				}
				if (!polling) {
					// this call now polls for the instance; ask again at once, as the
					// previous poller may just have taken the last permit
					polling = true;
					continue;
				}
				awaitRelease(Math.min(pause, left));
				pause = Math.min(pause * 2, MAX_POLL_NANOS);
			}
		}
		finally {
			if (polling) {
				this.poller.release();
			}
		}
	}

	private Permit fallback(Permit localPermit, long start, RuntimeException cause) {
		this.metrics.get().leaseAcquisition(System.nanoTime() - start, "fallback");
		this.fallback.apply("concurrency", cause);
		return localPermit;
	}

	/**
	 * Gives back the lease of a call that ended, unless Redis is unavailable: the lease
	 * then expires by itself.
	 */
	private void forget(String id) {
		if (!this.outage.isDown()) {
			release(id);
		}
	}

	/**
	 * Removes a lease whose acquisition timed out, failed or was cancelled, even during
	 * an outage: the script may have run after the call gave up on its answer, and the
	 * lease would hold a permit of the cluster for a whole lease time to live. The
	 * removal follows the script on the same connection, so Redis runs it after.
	 */
	private void abandon(String id) {
		Interrupts.runCleared(() -> release(id));
	}

	private void release(String id) {
		try {
			this.leases.release(id);
		}
		catch (RuntimeException ex) {
			// no connection to send it on: the lease, if it was added, expires by itself
		}
	}

	private void awaitRelease(long nanos) throws InterruptedException {
		this.lock.lock();
		try {
			this.released.awaitNanos(nanos);
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Extends every lease this instance holds; called by the renewal thread. During an
	 * outage it doubles as the probe that finds Redis back.
	 */
	void renew() throws InterruptedException {
		List<String> ids = List.copyOf(this.held);
		if (ids.isEmpty() && !this.outage.isDown()) {
			return;
		}
		if (!this.outage.shouldTry()) {
			return;
		}
		try {
			if (ids.isEmpty()) {
				this.leases.inFlight();
			}
			else {
				this.leases.renew(ids);
			}
			this.outage.succeeded();
		}
		catch (RedisException ex) {
			this.outage.failed(ex);
		}
	}

	/**
	 * Counts the leases held across all instances.
	 * @throws RedisException when Redis is unavailable
	 */
	long clusterInFlight() throws InterruptedException {
		return this.leases.inFlight();
	}

	@Override
	public int limit() {
		return this.local.limit();
	}

	@Override
	public int inFlight() {
		return this.local.inFlight();
	}

	@Override
	public String toString() {
		return "LeaseLimiter[local=" + this.local + ", leases held=" + this.held.size() + "]";
	}

	/**
	 * A local permit and the lease beside it.
	 */
	private final class LeasePermit implements Permit {

		private final Permit local;

		private final String id;

		LeasePermit(Permit local, String id) {
			this.local = local;
			this.id = id;
		}

		@Override
		public void attemptEnded(long startNanos, long durationNanos, Signal signal) {
			this.local.attemptEnded(startNanos, durationNanos, signal);
		}

		/**
		 * Gives the lease and the local permit back; on a thread whose call was cancelled
		 * too, as the interrupt flag is cleared meanwhile.
		 */
		@Override
		public void release() {
			Interrupts.runCleared(() -> {
				LeaseLimiter.this.held.remove(this.id);
				forget(this.id);
				this.local.release();
				LeaseLimiter.this.lock.lock();
				try {
					LeaseLimiter.this.released.signal();
				}
				finally {
					LeaseLimiter.this.lock.unlock();
				}
			});
		}

	}

}
