package dev.llmclient.cluster;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;

import dev.llmclient.traffic.RateBudget;

/**
 * A spend budget ({@code budget.cost-per-day} or {@code budget.cost-per-hour}) shared by
 * every instance: one counter in Redis per window (the UTC day or the hour, by the
 * instances' clocks), taken from by a script that refuses what does not fit, and kept
 * until the next window has started. The instance's own budget of the same cap is taken
 * too, so that while Redis is unavailable each instance keeps at least to it (or calls
 * are rejected, as {@code cluster.on-redis-failure} says).
 */
final class ClusterSpendBudget implements RateBudget {

	/** Takes ARGV[1] units when the window's counter stays within ARGV[2]. */
	private static final byte[] TAKE = RedisCommands.bytes("""
			local spent = tonumber(redis.call('GET', KEYS[1]) or '0')
			if spent + tonumber(ARGV[1]) > tonumber(ARGV[2]) then
				return 0
			end
			redis.call('INCRBY', KEYS[1], ARGV[1])
			redis.call('PEXPIRE', KEYS[1], ARGV[3])
			return 1
			""");

	/** Adds ARGV[1] units (negative to give back), never below zero. */
	private static final byte[] ADD = RedisCommands.bytes("""
			local spent = redis.call('INCRBY', KEYS[1], ARGV[1])
			if spent < 0 then
				redis.call('SET', KEYS[1], 0)
				spent = 0
			end
			redis.call('PEXPIRE', KEYS[1], ARGV[2])
			return spent
			""");

	private final RateBudget local;

	private final RedisCommands redis;

	private final Duration commandTimeout;

	private final String keyPrefix;

	private final long limit;

	private final long periodMillis;

	private final RedisOutage outage;

	private final ClusterFallback fallback;

	private final LongSupplier clock;

	ClusterSpendBudget(RateBudget local, RedisCommands redis, Duration commandTimeout, String keyPrefix, long limit,
			Duration period, RedisOutage outage, ClusterFallback fallback, LongSupplier clock) {
		this.local = local;
		this.redis = redis;
		this.commandTimeout = commandTimeout;
		this.keyPrefix = keyPrefix;
		this.limit = limit;
		this.periodMillis = period.toMillis();
		this.outage = outage;
		this.fallback = fallback;
		this.clock = clock;
	}

	@Override
	public boolean tryTake(long amount, Duration wait) throws InterruptedException {
		if (!this.local.tryTake(amount, Duration.ZERO)) {
			return false;
		}
		boolean taken = false;
		try {
			taken = takeShared(amount);
			return taken;
		}
		finally {
			if (!taken) {
				this.local.refund(amount);
			}
		}
	}

	private boolean takeShared(long amount) {
		if (!this.outage.shouldTry()) {
			this.fallback.apply("spend", null);
			return true;
		}
		try {
			boolean taken = run(TAKE, RedisCommands.bytes(Long.toString(amount)),
					RedisCommands.bytes(Long.toString(this.limit)), ttl()) == 1;
			this.outage.succeeded();
			return taken;
		}
		catch (RedisException ex) {
			this.outage.failed(ex);
			this.fallback.apply("spend", ex);
			return true;
		}
	}

	/**
	 * Runs a script and waits for its answer, deferring an interrupt until it has come
	 * (at most the command timeout): a script sent has run or will, so a caller cancelled
	 * meanwhile must know its answer to give back what it took, exactly once.
	 * @throws RedisException when Redis fails or does not answer in time
	 */
	private long run(byte[] script, byte[]... args) {
		boolean interrupted = Thread.interrupted();
		try {
			RedisFuture<Long> answer = this.redis.async().eval(script, ScriptOutputType.INTEGER, keys(), args);
			long deadline = System.nanoTime() + this.commandTimeout.toNanos();
			while (true) {
				try {
					return answer.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
				}
				catch (InterruptedException ex) {
					interrupted = true;
				}
				catch (TimeoutException ex) {
					throw new RedisCommandTimeoutException("Redis did not answer within " + this.commandTimeout);
				}
				catch (ExecutionException ex) {
					throw (ex.getCause() instanceof RedisException redis) ? redis : new RedisException(ex.getCause());
				}
			}
		}
		finally {
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

	@Override
	public void charge(long amount) {
		this.local.charge(amount);
		add(amount);
	}

	@Override
	public void refund(long amount) {
		this.local.refund(amount);
		add(-amount);
	}

	/**
	 * Changes the shared counter, also on a thread whose call was cancelled meanwhile.
	 */
	private void add(long amount) {
		if (this.outage.isDown()) {
			return;
		}
		try {
			run(ADD, RedisCommands.bytes(Long.toString(amount)), ttl());
		}
		catch (RedisException ex) {
			this.outage.failed(ex);
		}
	}

	/**
	 * Returns what is left of the shared budget in this window, or of the local one while
	 * Redis is unavailable.
	 */
	@Override
	public long available() {
		if (!this.outage.isDown()) {
			try {
				byte[] spent = this.redis.await(this.redis.async().get(keys()[0]));
				return this.limit - ((spent != null) ? Long.parseLong(new String(spent)) : 0);
			}
			catch (RedisException ex) {
				this.outage.failed(ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		return this.local.available();
	}

	@Override
	public long limit() {
		return this.limit;
	}

	/** The key of the window the clock is in. */
	private byte[][] keys() {
		return new byte[][] {
				RedisCommands.bytes(this.keyPrefix + ":" + (this.clock.getAsLong() / this.periodMillis)) };
	}

	/** Kept until the next window has started, then left to expire. */
	private byte[] ttl() {
		return RedisCommands.bytes(Long.toString(2 * this.periodMillis));
	}

	@Override
	public String toString() {
		return "ClusterSpendBudget[" + this.keyPrefix + ", " + this.limit + " per window]";
	}

}
