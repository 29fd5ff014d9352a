package dev.llmclient.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import io.github.bucket4j.BlockingStrategy;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.micrometer.core.instrument.MeterRegistry;

import dev.llmclient.LlmClientSettings;
import dev.llmclient.testsupport.RedisServerProcess;
import dev.llmclient.testsupport.TestClients;
import dev.llmclient.traffic.ConcurrencyLimiter;

/**
 * Cluster limits of several simulated instances on one real Redis, each with a Redis
 * client of its own (as separate JVMs would have), closed together.
 */
final class RedisFixture implements AutoCloseable {

	static final LlmClientSettings CLIENT = TestClients.lazy("http://127.0.0.1:9/v1").model("test-model").settings();

	private final RedisServerProcess redis;

	private final List<AutoCloseable> closing = new ArrayList<>();

	private StatefulRedisConnection<String, String> raw;

	RedisFixture(RedisServerProcess redis) {
		this.redis = redis;
	}

	/**
	 * One instance's limits, with budgets over the given period instead of a minute.
	 */
	ClusterLimits instance(ClusterSettings settings, Duration period, MeterRegistry registry) {
		return instance(settings, CLIENT, period, registry);
	}

	/**
	 * One instance's limits for a client of the given settings.
	 */
	ClusterLimits instance(ClusterSettings settings, LlmClientSettings clientSettings, Duration period,
			MeterRegistry registry) {
		RedisClient client = client();
		return instance(settings, clientSettings, period, registry, () -> client.connectPubSub(ByteArrayCodec.INSTANCE),
				ClusterLimits.FALLBACK_POLL, client);
	}

	/**
	 * One instance's limits whose first waiting call polls every given interval while
	 * releases wake it, subscribed through the given pub/sub connections ({@code null}
	 * for none).
	 */
	ClusterLimits instance(ClusterSettings settings,
			Supplier<StatefulRedisPubSubConnection<byte[], byte[]>> subscriptions, Duration fallbackPoll,
			MeterRegistry registry) {
		return instance(settings, CLIENT, Duration.ofMinutes(1), registry, subscriptions, fallbackPoll, client());
	}

	/**
	 * Returns a Redis client of its own for one instance, shut down on close.
	 */
	RedisClient client() {
		RedisClient client = RedisClient.create(RedisURI.create(this.redis.url()));
		client.setOptions(ClientOptions.builder()
			.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
			.socketOptions(SocketOptions.builder().connectTimeout(Duration.ofMillis(500)).build())
			.build());
		this.closing.add(client::shutdown);
		return client;
	}

	private ClusterLimits instance(ClusterSettings settings, LlmClientSettings clientSettings, Duration period,
			MeterRegistry registry, Supplier<StatefulRedisPubSubConnection<byte[], byte[]>> subscriptions,
			Duration fallbackPoll, RedisClient client) {
		ClusterLimits limits = new ClusterLimits(settings, clientSettings,
				() -> client.connect(ByteArrayCodec.INSTANCE), subscriptions, registry, period, fallbackPoll);
		this.closing.add(limits);
		return limits;
	}

	/**
	 * Returns a connection of the test's own to the same Redis, closed on close.
	 */
	StatefulRedisConnection<String, String> raw() {
		if (this.raw == null) {
			RedisClient client = RedisClient.create(RedisURI.create(this.redis.url()));
			this.closing.add(client::shutdown);
			this.raw = client.connect();
		}
		return this.raw;
	}

	/**
	 * Holds every client's commands for the given time ({@code CLIENT PAUSE}): they are
	 * sent, and Redis runs them when the pause ends.
	 */
	void pauseRedis(Duration pause) {
		raw().sync().clientPause(pause.toMillis());
	}

	/**
	 * Answers whether the thread is parked by a Bucket4j bucket, waiting for the units it
	 * reserved to refill.
	 */
	static boolean isParkedByBucket4j(Thread thread) {
		return thread.getState() == Thread.State.TIMED_WAITING && Arrays.stream(thread.getStackTrace())
			.anyMatch((frame) -> frame.getClassName().startsWith(BlockingStrategy.class.getName()));
	}

	@Override
	public void close() throws Exception {
		for (int i = this.closing.size() - 1; i >= 0; i--) {
			this.closing.get(i).close();
		}
	}

	/**
	 * An instance's own limit, as the client's fixed limiter is.
	 */
	static final class LocalLimiter implements ConcurrencyLimiter {

		private final int limit;

		private final Semaphore permits;

		private final AtomicInteger inFlight = new AtomicInteger();

		LocalLimiter(int limit) {
			this.limit = limit;
			this.permits = new Semaphore(limit);
		}

		@Override
		public Permit tryAcquire(Duration wait) throws InterruptedException {
			if (!this.permits.tryAcquire(wait.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS)) {
				return null;
			}
			this.inFlight.incrementAndGet();
			return () -> {
				this.inFlight.decrementAndGet();
				this.permits.release();
			};
		}

		@Override
		public int limit() {
			return this.limit;
		}

		@Override
		public int inFlight() {
			return this.inFlight.get();
		}

	}

}
