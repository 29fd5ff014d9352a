package dev.llmclient.cluster;

import java.util.Collection;

import io.lettuce.core.RedisException;

/**
 * A semaphore of leases in one Redis sorted set: a member per permit, scored by when it
 * expires. Each operation is one script, so one round trip, run atomically by Redis;
 * expiry is reckoned by Redis's own clock ({@code TIME}), so instances with skewed clocks
 * agree. Expired leases are dropped by whoever looks next, which is how a crashed
 * instance's permits come back; the set itself expires when no lease is renewed.
 */
final class RedisLeases {

	/** Drops expired leases, then adds one if fewer than the limit remain. */
	private static final RedisCommands.Script ACQUIRE = new RedisCommands.Script("""
			local t = redis.call('TIME')
			local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
			local ttl = tonumber(ARGV[2])
			redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
			if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then
				return 0
			end
			redis.call('ZADD', KEYS[1], now + ttl, ARGV[3])
			if redis.call('PTTL', KEYS[1]) < ttl then
				redis.call('PEXPIRE', KEYS[1], ttl)
			end
			return 1
			""");

	/**
	 * Extends the given leases; one that expired or was lost (Redis restarted empty) is
	 * added back, since its call is still running and so still counts.
	 */
	private static final RedisCommands.Script RENEW = new RedisCommands.Script("""
			local t = redis.call('TIME')
			local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
			local ttl = tonumber(ARGV[1])
			for i = 2, #ARGV do
				redis.call('ZADD', KEYS[1], now + ttl, ARGV[i])
			end
			if redis.call('PTTL', KEYS[1]) < ttl then
				redis.call('PEXPIRE', KEYS[1], ttl)
			end
			return #ARGV - 1
			""");

	/** Drops expired leases and counts the others. */
	private static final RedisCommands.Script COUNT = new RedisCommands.Script("""
			local t = redis.call('TIME')
			local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
			redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
			return redis.call('ZCARD', KEYS[1])
			""");

	/**
	 * Removes a lease and, if it was there, tells the other instances on the release
	 * channel; the message names the releasing instance, which has woken its own waiting
	 * call already.
	 */
	private static final RedisCommands.Script RELEASE = new RedisCommands.Script("""
			if redis.call('ZREM', KEYS[1], ARGV[1]) == 1 then
				redis.call('PUBLISH', ARGV[2], ARGV[3])
				return 1
			end
			return 0
			""");

	private final RedisCommands redis;

	private final byte[][] key;

	private final byte[] max;

	private final byte[] ttlMillis;

	private final byte[] channel;

	private final byte[] instance;

	/**
	 * Creates the leases of one key.
	 * @param redis the commands
	 * @param key the sorted set of leases
	 * @param channel where releases are published
	 * @param instance the releasing instance, as the messages name it
	 * @param max the most leases held at once
	 * @param ttlMillis how long a lease lives unless renewed
	 */
	RedisLeases(RedisCommands redis, String key, String channel, String instance, int max, long ttlMillis) {
		this.redis = redis;
		this.channel = RedisCommands.bytes(channel);
		this.instance = RedisCommands.bytes(instance);
		this.key = new byte[][] { RedisCommands.bytes(key) };
		this.max = RedisCommands.bytes(Integer.toString(max));
		this.ttlMillis = RedisCommands.bytes(Long.toString(ttlMillis));
	}

	/**
	 * Takes a lease when fewer than the limit are held.
	 * @return whether the lease was taken
	 * @throws RedisException when Redis fails or does not answer in time
	 */
	boolean tryAcquire(String leaseId) throws InterruptedException {
		return this.redis.run(ACQUIRE, this.key, this.max, this.ttlMillis, RedisCommands.bytes(leaseId)) == 1;
	}

	/**
	 * Extends the leases, all in one round trip.
	 * @throws RedisException when Redis fails or does not answer in time
	 */
	void renew(Collection<String> leaseIds) throws InterruptedException {
		byte[][] args = new byte[leaseIds.size() + 1][];
		args[0] = this.ttlMillis;
		int i = 1;
		for (String id : leaseIds) {
			args[i++] = RedisCommands.bytes(id);
		}
		this.redis.run(RENEW, this.key, args);
	}

	/**
	 * Gives a lease back without waiting for the answer: the call that held it is over,
	 * and a lease whose removal is lost expires by itself. If the lease was there, the
	 * other instances hear of it on the release channel.
	 * @throws RedisException when there is no connection to send it on
	 */
	void release(String leaseId) {
		this.redis.send(RELEASE, this.key, RedisCommands.bytes(leaseId), this.channel, this.instance);
	}

	/**
	 * Counts the leases held across all instances.
	 * @throws RedisException when Redis fails or does not answer in time
	 */
	long inFlight() throws InterruptedException {
		return this.redis.run(COUNT, this.key);
	}

}
