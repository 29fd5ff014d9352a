package dev.llmclient.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import io.lettuce.core.RedisException;

import dev.llmclient.traffic.ConcurrencyLimiter;
import dev.llmclient.traffic.Interrupts;

/**
 * The cluster-wide concurrency limit in front of the instance's own: a call takes a local
 * permit first (so {@code max-concurrent} and the adaptive limit still hold), then a
 * lease in Redis within what is left of its wait. While none is free it waits in line
 * ({@link LeaseWaiters}) and asks again when a lease is released: at once when a call of
 * this instance ends, and when another instance announces a release on the channel this
 * instance subscribes to ({@link ReleaseSubscription}). The first call in line also
 * polls: every few milliseconds while the subscription is not active, every
 * {@code fallbackPoll} while it is, for the releases no message tells of. Leases are
 * renewed together, one round trip for all, by {@link ClusterLimits}' renewal thread.
 */
final class LeaseLimiter implements ConcurrencyLimiter {

	/** The first pause before asking Redis again while no release wakes this instance. */
	private static final long MIN_POLL_NANOS = TimeUnit.MICROSECONDS.toNanos(500);

	/**
	 * The longest pause while no release wakes this instance: permits freed by other
	 * instances are found within it, at the cost of one small script per pause for each
	 * waiting instance.
	 */
	private static final long MAX_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

	private final ConcurrencyLimiter local;

	private final RedisLeases leases;

	private final RedisOutage outage;

	private final ClusterFallback fallback;

	private final Supplier<ClusterMetrics> metrics;

	private final String instance;

	private final BooleanSupplier wokenByOthers;

	private final long fallbackPollNanos;

	private final AtomicLong sequence;

	private final Set<String> held = ConcurrentHashMap.newKeySet();

	private final LeaseWaiters waiters = new LeaseWaiters();

	/** The leases of batch-class calls, or {@code null}; see {@link #batchLimiter()}. */
	private volatile LeaseLimiter batch;

	/**
	 * Creates the limiter.
	 * @param local the instance's own limiter
	 * @param leases the leases in Redis
	 * @param outage whether Redis is available
	 * @param fallback what calls do while it is not
	 * @param metrics the meters
	 * @param instance this instance's name, the prefix of its leases
	 * @param sequence numbers this instance's leases, shared by its limiters
	 * @param wokenByOthers whether the releases of other instances wake this one's calls
	 * now
	 * @param fallbackPoll how often the first waiting call asks again meanwhile
	 */
	LeaseLimiter(ConcurrencyLimiter local, RedisLeases leases, RedisOutage outage, ClusterFallback fallback,
			Supplier<ClusterMetrics> metrics, String instance, AtomicLong sequence, BooleanSupplier wokenByOthers,
			Duration fallbackPoll) {
		this.local = local;
		this.leases = leases;
		this.outage = outage;
		this.fallback = fallback;
		this.metrics = metrics;
		this.instance = instance;
		this.sequence = sequence;
		this.wokenByOthers = wokenByOthers;
		this.fallbackPollNanos = fallbackPoll.toNanos();
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
		long deadline = start + waitNanos;
		long pause = MIN_POLL_NANOS;
		boolean front = false;
		this.waiters.enter();
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
				if (acquired) {
					this.held.add(id);
					this.metrics.get().leaseAcquisition(System.nanoTime() - start, "acquired");
					return new LeasePermit(localPermit, id);
				}
				if (deadline - System.nanoTime() <= 0) {
					this.metrics.get().leaseAcquisition(System.nanoTime() - start, "full");
					return null;
				}
				boolean woken = this.wokenByOthers.getAsBoolean();
				LeaseWaiters.Turn turn = this.waiters.await(deadline, woken ? this.fallbackPollNanos : pause, front);
				front = (turn != LeaseWaiters.Turn.DEADLINE);
				if (turn == LeaseWaiters.Turn.WOKEN) {
					this.metrics.get().leaseRetry("wake-up");
				}
				else if (turn == LeaseWaiters.Turn.POLL) {
					this.metrics.get().leaseRetry("poll");
					pause = Math.min(pause * 2, MAX_POLL_NANOS);
				}
			}
		}
		finally {
			this.waiters.leave(front);
		}
	}

	/**
	 * Wakes the first waiting call of this instance: another instance released a lease.
	 */
	void wake() {
		this.waiters.wake();
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

	/**
	 * Makes batch-class calls also take a lease of {@code batch}: their share of the
	 * cluster-wide limit.
	 */
	void batchLeases(LeaseLimiter batch) {
		this.batch = batch;
	}

	@Override
	public ConcurrencyLimiter batchLimiter() {
		return this.batch;
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
				LeaseLimiter.this.waiters.wake();
			});
		}

	}

}
