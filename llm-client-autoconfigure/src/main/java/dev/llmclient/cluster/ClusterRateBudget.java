package dev.llmclient.cluster;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Consumer;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.TokensInheritanceStrategy;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.api.StatefulRedisConnection;

import dev.llmclient.traffic.Interrupts;
import dev.llmclient.traffic.RateBudget;

/**
 * A budget shared by every instance: a Bucket4j bucket kept in Redis through its Lettuce
 * proxy manager (compare-and-swap, so any Redis without modules; concurrent calls of one
 * instance batched into one exchange), in front of the instance's own budget when it has
 * one. The bucket has the shape of the local one: a burst of one sixtieth of the limit
 * and the rest, less a margin of one per cent, refilled evenly over the period, so no
 * window of one period sees more than the limit. While Redis is unavailable only the
 * local budget applies, or calls are rejected, as {@code cluster.on-redis-failure} says.
 * <p>
 * Redis keeps the bucket's configuration with it. So that a changed
 * {@code cluster.requests-per-minute} or {@code cluster.tokens-per-minute} takes effect,
 * the bucket is built with Bucket4j's implicit configuration replacement: its version is
 * a digest of the bucket's shape (capacity, refill and period), so instances configured
 * alike agree, and a command carrying a higher version than Redis has seen replaces the
 * configuration. Bucket4j orders versions, but a digest says nothing of which
 * configuration is newer, so an instance also replaces the configuration explicitly when
 * it binds to a connection (at its first use, and on a new connection): the instance
 * started with a new limit applies it, and those already running, whose versions Redis
 * has seen, keep to it. Tokens carry over in proportion to the capacities. While
 * instances with different limits run side by side, the one that bound last decides;
 * should Redis lose the bucket meanwhile, the higher version does.
 */
final class ClusterRateBudget implements RateBudget {

	private static final int BURST_DIVISOR = 60;

	/** {@code null} when the instance has no budget of its own. */
	private final RateBudget local;

	private final RedisCommands redis;

	private final Duration commandTimeout;

	private final String key;

	private final BucketConfiguration configuration;

	private final long configurationVersion;

	private final long limit;

	private final long burst;

	private final String name;

	/** The setting of this budget's limit, as messages name it. */
	private final String property;

	private final RedisOutage outage;

	private final ClusterFallback fallback;

	private volatile Bound bound;

	ClusterRateBudget(RateBudget local, RedisCommands redis, Duration commandTimeout, String key, long limit,
			Duration period, String name, String property, RedisOutage outage, ClusterFallback fallback) {
		this.local = local;
		this.redis = redis;
		this.commandTimeout = commandTimeout;
		this.key = key;
		this.limit = limit;
		this.burst = Math.max(1, limit / BURST_DIVISOR);
		// a margin of one per cent: a unit taken at the end of one window may reach the
		// provider in the next, after the calls of other instances that took theirs on
		// time
		long refill = Math.max(1, limit - this.burst - Math.max(1, limit / 100));
		this.configuration = BucketConfiguration.builder()
			.addLimit((bandwidth) -> bandwidth.capacity(this.burst).refillGreedy(refill, period))
			.build();
		this.configurationVersion = configurationVersion(this.burst, refill, period);
		this.name = name;
		this.property = property;
		this.outage = outage;
		this.fallback = fallback;
	}

	@Override
	public boolean tryTake(long amount, Duration wait) throws InterruptedException {
		long start = System.nanoTime();
		if (this.local != null && !this.local.tryTake(amount, wait)) {
			return false;
		}
		boolean taken = false;
		try {
			taken = takeShared(amount, Duration.ofNanos(Math.max(0, wait.toNanos() - (System.nanoTime() - start))));
			return taken;
		}
		finally {
			if (!taken && this.local != null) {
				this.local.refund(amount);
			}
		}
	}

	private boolean takeShared(long amount, Duration wait) throws InterruptedException {
		long start = System.nanoTime();
		if (!this.outage.shouldTry()) {
			this.fallback.apply(this.name, null);
			return true;
		}
		long now = Math.min(amount, this.burst);
		boolean taken;
		try {
			BucketProxy bucket = bucket();
			// Bucket4j's blocking take refuses a wait that is not positive
			taken = (wait.isZero() || wait.isNegative()) ? bucket.tryConsume(now)
					: bucket.asBlocking().tryConsume(now, wait);
			if (taken && amount > now) {
				bucket.consumeIgnoringRateLimits(amount - now);
			}
		}
		catch (InterruptedException ex) {
			// only Bucket4j's pause is interruptible, and it comes after the units were
			// reserved in Redis: the call will not be sent, so they go back
			Interrupts.runCleared(() -> shared((bucket) -> bucket.addTokens(now)));
			throw ex;
		}
		catch (RuntimeException ex) {
			if (Thread.interrupted()) {
				// the caller was cancelled while waiting for Redis: Bucket4j's proxy
				// turns the interrupt into a RedisException and sets the flag again
				InterruptedException interrupted = new InterruptedException("Interrupted while waiting for Redis");
				interrupted.initCause(ex);
				throw interrupted;
			}
			if (RedisOutage.isInterruption(ex)) {
				// another thread's cancellation failed the exchange this call was batched
				// into: Redis is fine and the units were not taken, so this call asks
				// again (a caller of its own, it is not cancelled), within what is left
				// of its wait
				return takeShared(amount, wait.minusNanos(Math.min(wait.toNanos(), System.nanoTime() - start)));
			}
			if (this.redis.answers()) {
				// Redis is there but the exchange took too long (instances contending for
				// the bucket): the budget holds, so the units were not taken
				return false;
			}
			this.outage.failed(ex);
			this.fallback.apply(this.name, ex);
			return true;
		}
		this.outage.succeeded();
		return taken;
	}

	/**
	 * Charges the units; on a thread whose call was cancelled too, as the interrupt flag
	 * is cleared meanwhile.
	 */
	@Override
	public void charge(long amount) {
		Interrupts.runCleared(() -> {
			if (this.local != null) {
				this.local.charge(amount);
			}
			shared((bucket) -> bucket.consumeIgnoringRateLimits(amount));
		});
	}

	/**
	 * Gives the units back; on a thread whose call was cancelled too, as the interrupt
	 * flag is cleared meanwhile.
	 */
	@Override
	public String property() {
		return this.property;
	}

	@Override
	public void refund(long amount) {
		Interrupts.runCleared(() -> {
			if (this.local != null) {
				this.local.refund(amount);
			}
			shared((bucket) -> bucket.addTokens(amount));
		});
	}

	private void shared(Consumer<BucketProxy> change) {
		if (this.outage.isDown()) {
			return;
		}
		try {
			change.accept(bucket());
		}
		catch (RuntimeException ex) {
			if (!RedisOutage.isInterruption(ex)) {
				this.outage.failed(ex);
			}
		}
	}

	/**
	 * Returns what the shared bucket holds, or the local budget's when Redis is
	 * unavailable (0 when there is none).
	 */
	@Override
	public long available() {
		if (!this.outage.isDown()) {
			try {
				return bucket().getAvailableTokens();
			}
			catch (RuntimeException ex) {
				if (!RedisOutage.isInterruption(ex)) {
					this.outage.failed(ex);
				}
			}
		}
		return (this.local != null) ? this.local.available() : 0;
	}

	@Override
	public long limit() {
		return this.limit;
	}

	/**
	 * Returns the bucket on the current connection, making a new proxy when the
	 * connection was replaced.
	 */
	private BucketProxy bucket() {
		StatefulRedisConnection<byte[], byte[]> connection = this.redis.connection();
		Bound current = this.bound;
		if (current == null || current.connection != connection) {
			BucketProxy bucket = Bucket4jLettuce.casBasedBuilder(connection)
				.requestTimeout(this.commandTimeout)
				.expirationAfterWrite(
						ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)))
				.build()
				.builder()
				// one compare-and-swap in flight per instance: concurrent calls of this
				// instance are merged into it instead of retrying against each other
				.withOptimization(Optimizations.batching())
				.withImplicitConfigurationReplacement(this.configurationVersion,
						TokensInheritanceStrategy.PROPORTIONALLY)
				.build(RedisCommands.bytes(this.key), () -> this.configuration);
			// a version orders configurations but does not date them: see the class
			// Javadoc
			bucket.replaceConfiguration(this.configuration, TokensInheritanceStrategy.PROPORTIONALLY);
			current = new Bound(connection, bucket);
			this.bound = current;
		}
		return current.bucket;
	}

	/**
	 * Returns the version of the bucket's configuration: a digest of its shape, the same
	 * for every instance configured alike.
	 */
	private static long configurationVersion(long capacity, long refill, Duration period) {
		byte[] shape = (capacity + "/" + refill + "/" + period.toNanos()).getBytes(StandardCharsets.UTF_8);
		return Math.max(1, UUID.nameUUIDFromBytes(shape).getMostSignificantBits() & Long.MAX_VALUE);
	}

	@Override
	public String toString() {
		return "ClusterRateBudget[" + this.key + ", " + this.limit + " per period]";
	}

	private record Bound(StatefulRedisConnection<byte[], byte[]> connection, BucketProxy bucket) {
	}

}
