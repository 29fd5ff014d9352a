package dev.llmclient.cluster;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.micrometer.core.instrument.MeterRegistry;

import dev.llmclient.LlmClientBuilder;
import dev.llmclient.LlmClientSettings;
import dev.llmclient.traffic.ConcurrencyLimiter;
import dev.llmclient.traffic.RateBudget;

/**
 * Limits shared by every instance of an application through Redis, for one client: at
 * most {@code cluster.max-concurrent} calls in flight across all instances, and budgets
 * of {@code cluster.requests-per-minute} and {@code cluster.tokens-per-minute}. Install
 * them with {@link #applyTo(LlmClientBuilder)}; they come in front of the instance's own
 * limits, which keep applying.
 * <p>
 * Permits are leases in a Redis sorted set with a time to live
 * ({@code cluster.lease-ttl}), renewed by one background thread for as long as their
 * calls run, so the permits of an instance that crashed come back by themselves; a call
 * that ends gives its permit back at once and announces it on a Redis pub/sub channel,
 * {@code llm-client:{<key>}:released}, which wakes a call waiting for a permit in each
 * instance; waiting calls also poll, as the fallback for a lost message. Every Redis
 * command is bounded by {@code cluster.command-timeout}; while Redis is unavailable,
 * calls keep to the instance's own limits or fail with
 * {@link dev.llmclient.LlmClusterUnavailableException}
 * ({@code cluster.on-redis-failure}), and the shared limits resume by themselves when it
 * answers again.
 * <p>
 * All keys of one set of limits share a Redis Cluster hash slot:
 * {@code llm-client:{<key>}:leases}, {@code :requests} and {@code :tokens}. The commands
 * connection is the caller's: closing this object stops the renewal thread and closes the
 * pub/sub connection it opened, but leaves the commands connection open.
 *
 * @since 0.1.0
 */
public final class ClusterLimits implements AutoCloseable {

	private static final Duration MINUTE = Duration.ofMinutes(1);

	/**
	 * How often the first waiting call of an instance asks Redis again while releases
	 * wake it: only for the releases no message tells of (a lease that expired, a message
	 * lost while reconnecting, an instance of an older version that does not announce).
	 */
	static final Duration FALLBACK_POLL = Duration.ofMillis(50);

	private final ClusterSettings settings;

	private final String key;

	private final String propertyPrefix;

	private final Duration period;

	private final RedisCommands redis;

	private final RedisOutage outage;

	private final ClusterFallback fallback;

	private final String clientName;

	private volatile ClusterMetrics metrics;

	private final ScheduledExecutorService background;

	private final String instance = UUID.randomUUID().toString();

	/** Numbers the leases of this instance, unique across its limiters. */
	private final AtomicLong leaseSequence = new AtomicLong();

	private final ReleaseSubscription releases;

	private final Duration fallbackPoll;

	private volatile LeaseLimiter limiter;

	/** The leases of batch-class calls: {@code batch-share} of the cluster-wide limit. */
	private volatile LeaseLimiter batchLimiter;

	private final double batchShare;

	private volatile ClusterRateBudget requests;

	private volatile ClusterRateBudget tokens;

	/** The settings of the shared budgets, as messages name them. */
	private final String requestsProperty;

	private final String tokensProperty;

	ClusterLimits(ClusterSettings settings, LlmClientSettings client,
			Supplier<StatefulRedisConnection<byte[], byte[]>> connections,
			Supplier<StatefulRedisPubSubConnection<byte[], byte[]>> subscriptions, MeterRegistry meterRegistry,
			Duration period, Duration fallbackPoll) {
		this.settings = settings;
		this.fallbackPoll = fallbackPoll;
		this.key = (settings.key() != null) ? settings.key() : defaultKey(client);
		this.propertyPrefix = client.propertyPrefix();
		this.requestsProperty = client.property("cluster.requests-per-minute");
		this.tokensProperty = client.property("cluster.tokens-per-minute");
		this.period = period;
		this.clientName = client.name();
		this.batchShare = client.limits().batchShare();
		this.metrics = ClusterMetrics.of(meterRegistry, client.name(), settings.onRedisFailure());
		Duration renewal = settings.leaseTtl().dividedBy(3);
		this.outage = new RedisOutage(client.name(), settings.onRedisFailure(), renewal);
		this.fallback = new ClusterFallback(settings.onRedisFailure(), client.property("cluster.on-redis-failure"),
				this.key, this::metrics);
		this.background = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "llm-client-cluster-" + client.name());
			thread.setDaemon(true);
			return thread;
		});
		this.redis = new RedisCommands(connections, settings.commandTimeout(), this.background);
		this.releases = (subscriptions != null && settings.maxConcurrent() != null) ? new ReleaseSubscription(
				subscriptions, redisKey("released"), this.instance, this::released, settings.commandTimeout()) : null;
		try {
			this.redis.connect();
		}
		catch (RuntimeException ex) {
			this.outage.failed(ex);
		}
		if (this.releases != null && !this.outage.isDown()) {
			this.releases.check();
		}
		this.background.scheduleWithFixedDelay(this::renew, renewal.toMillis(), renewal.toMillis(),
				TimeUnit.MILLISECONDS);
	}

	/**
	 * Creates the limits of one client on a connection the caller opens and closes,
	 * without pub/sub: a call waiting for a permit released by another instance finds it
	 * by polling Redis every few milliseconds.
	 * @param settings the cluster settings
	 * @param client the client's settings: its name, property prefix, and the endpoint
	 * and model the default key is derived from
	 * @param connections opens a connection with byte array keys and values, such as
	 * {@code () -> redisClient.connect(ByteArrayCodec.INSTANCE)}; called once, and again
	 * only if the connection was closed
	 * @return the limits, their renewal thread started; close them when done
	 */
	public static ClusterLimits create(ClusterSettings settings, LlmClientSettings client,
			Supplier<StatefulRedisConnection<byte[], byte[]>> connections) {
		return create(settings, client, connections, null);
	}

	/**
	 * Creates the limits of one client on a connection the caller opens and closes, and a
	 * pub/sub connection of their own on which releases by other instances wake this
	 * one's waiting calls.
	 * @param settings the cluster settings
	 * @param client the client's settings: its name, property prefix, and the endpoint
	 * and model the default key is derived from
	 * @param connections opens a connection with byte array keys and values, such as
	 * {@code () -> redisClient.connect(ByteArrayCodec.INSTANCE)}; called once, and again
	 * only if the connection was closed
	 * @param subscriptions opens a pub/sub connection with byte array keys and values to
	 * the same Redis, such as
	 * {@code () -> redisClient.connectPubSub(ByteArrayCodec.INSTANCE)}, closed by
	 * {@link #close()}; {@code null} to poll only
	 * @return the limits, their renewal thread started; close them when done
	 */
	public static ClusterLimits create(ClusterSettings settings, LlmClientSettings client,
			Supplier<StatefulRedisConnection<byte[], byte[]>> connections,
			Supplier<StatefulRedisPubSubConnection<byte[], byte[]>> subscriptions) {
		return new ClusterLimits(settings, client, connections, subscriptions, null, MINUTE, FALLBACK_POLL);
	}

	/**
	 * Creates the limits of one client on connections of the given Redis client, which
	 * the caller shuts down.
	 * @param settings the cluster settings
	 * @param client the client's settings
	 * @param redis a Redis client created with the URI of the server
	 * @return the limits; close them when done
	 */
	public static ClusterLimits create(ClusterSettings settings, LlmClientSettings client, RedisClient redis) {
		return create(settings, client, () -> redis.connect(ByteArrayCodec.INSTANCE),
				() -> redis.connectPubSub(ByteArrayCodec.INSTANCE));
	}

	/**
	 * Returns the key derived from a client's endpoint (without user-info, query or
	 * fragment) and model, used when {@code cluster.key} is not set: instances calling
	 * the same model at the same endpoint share limits, others do not.
	 * @param client the client's settings
	 * @return the key, such as {@code http://localhost:11434/v1|llama3.2}
	 */
	public static String defaultKey(LlmClientSettings client) {
		return client.displayEndpoint() + "|" + ((client.model() != null) ? client.model() : "");
	}

	/**
	 * Puts the shared limits in front of the ones the builder's settings ask for: the
	 * concurrency limiter when {@code cluster.max-concurrent} is set, the request and
	 * token budgets when their cluster budgets are set. Their meters go to the builder's
	 * meter registry, as it is when the client is built.
	 * @param builder the client's builder
	 */
	public void applyTo(LlmClientBuilder builder) {
		if (this.settings.maxConcurrent() != null) {
			builder.concurrencyLimiter((local) -> limiter(local, builder.meterRegistry()));
		}
		if (this.settings.requestsPerMinute() != null) {
			builder.requestBudget((local) -> {
				useMeters(builder.meterRegistry());
				return this.requests = budget(local, "requests", this.settings.requestsPerMinute());
			});
		}
		if (this.settings.tokensPerMinute() != null) {
			builder.tokenBudget((local) -> {
				useMeters(builder.meterRegistry());
				return this.tokens = budget(local, "tokens", this.settings.tokensPerMinute());
			});
		}
		builder.spendBudget(Duration.ofDays(1), (local) -> spendBudget(local, "spend-day", Duration.ofDays(1)));
		builder.spendBudget(Duration.ofHours(1), (local) -> spendBudget(local, "spend-hour", Duration.ofHours(1)));
	}

	/**
	 * Returns the spend budget shared by every instance in front of the instance's own,
	 * when {@code budget.cost-per-day} or {@code budget.cost-per-hour} sets one.
	 * @param local the instance's own budget, or {@code null} when the cap is not set
	 * @param name the budget's name in its Redis key
	 * @param period one day or one hour
	 * @return the shared budget, or {@code null} without a cap
	 */
	RateBudget spendBudget(RateBudget local, String name, Duration period) {
		if (local == null) {
			return null;
		}
		return new ClusterSpendBudget(local, this.redis, this.settings.commandTimeout(), redisKey(name), local.limit(),
				period, this.outage, this.fallback, System::currentTimeMillis);
	}

	private void useMeters(MeterRegistry meterRegistry) {
		if (meterRegistry != null) {
			this.metrics = ClusterMetrics.of(meterRegistry, this.clientName, this.settings.onRedisFailure());
		}
	}

	private ClusterMetrics metrics() {
		return this.metrics;
	}

	/**
	 * Returns the cluster-wide limiter in front of the given local one.
	 * @param local the instance's own limiter
	 * @param meterRegistry where its meters go, or {@code null} to keep the registry
	 * given at construction
	 * @return the limiter to give the client
	 */
	ConcurrencyLimiter limiter(ConcurrencyLimiter local, MeterRegistry meterRegistry) {
		useMeters(meterRegistry);
		RedisLeases leases = new RedisLeases(this.redis, redisKey("leases"), redisKey("released"), this.instance,
				this.settings.maxConcurrent(), this.settings.leaseTtl().toMillis());
		ReleaseSubscription releases = this.releases;
		LeaseLimiter limiter = new LeaseLimiter(local, leases, this.outage, this.fallback, this::metrics, this.instance,
				this.leaseSequence, (releases != null) ? releases::isActive : () -> false, this.fallbackPoll);
		// batch calls hold at most batch-share of the cluster-wide limit: a second count
		// of leases, taken before the first; releases of batch leases are found by
		// polling
		RedisLeases batchLeases = new RedisLeases(this.redis, redisKey("batch-leases"), redisKey("batch-released"),
				this.instance, batchMax(), this.settings.leaseTtl().toMillis());
		LeaseLimiter batch = new LeaseLimiter(new Unlimited(), batchLeases, this.outage, this.fallback, this::metrics,
				this.instance, this.leaseSequence, () -> false, this.fallbackPoll);
		limiter.batchLeases(batch);
		this.batchLimiter = batch;
		this.limiter = limiter;
		return limiter;
	}

	/** The batch calls' part of the cluster-wide limit: at least 1. */
	private int batchMax() {
		return Math.max(1, (int) (this.batchShare * this.settings.maxConcurrent()));
	}

	/** Another instance released a lease. */
	private void released() {
		LeaseLimiter limiter = this.limiter;
		if (limiter != null) {
			limiter.wake();
		}
	}

	ClusterRateBudget budget(RateBudget local, String name, long limit) {
		String property = "requests".equals(name) ? this.requestsProperty : this.tokensProperty;
		return new ClusterRateBudget(local, this.redis, this.settings.commandTimeout(), redisKey(name), limit,
				this.period, name, property, this.outage, this.fallback);
	}

	private String redisKey(String what) {
		return "llm-client:{" + this.key + "}:" + what;
	}

	/**
	 * Returns the key the instances share their limits under.
	 * @return {@code cluster.key}, or the one derived from endpoint and model
	 */
	public String key() {
		return this.key;
	}

	/**
	 * Describes the shared limits now, for health: {@code state} ({@code active};
	 * {@code degraded} while Redis is unavailable and calls keep to local limits;
	 * {@code unavailable} while they are rejected), {@code key}, {@code inFlight} across
	 * all instances and {@code maxConcurrent}, {@code requestsRemaining} and
	 * {@code tokensRemaining}. Asks Redis, bounded by the command timeout; never throws.
	 * @return the details, in a stable order
	 */
	public Map<String, Object> details() {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("state", state());
		details.put("key", this.key);
		LeaseLimiter limiter = this.limiter;
		if (limiter != null) {
			if (!this.outage.isDown()) {
				try {
					details.put("inFlight", limiter.clusterInFlight());
				}
				catch (RedisException ex) {
					this.outage.failed(ex);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			details.put("maxConcurrent", this.settings.maxConcurrent());
			details.put("batchMaxConcurrent", batchMax());
		}
		putRemaining(details, "requestsRemaining", this.requests);
		putRemaining(details, "tokensRemaining", this.tokens);
		details.put("state", state());
		return details;
	}

	private void putRemaining(Map<String, Object> details, String name, ClusterRateBudget budget) {
		if (budget != null && !this.outage.isDown()) {
			long available = budget.available();
			if (!this.outage.isDown()) {
				details.put(name, available);
			}
		}
	}

	private String state() {
		if (!this.outage.isDown()) {
			return "active";
		}
		return (this.settings.onRedisFailure() == ClusterSettings.OnRedisFailure.LOCAL) ? "degraded" : "unavailable";
	}

	private void renew() {
		try {
			LeaseLimiter limiter = this.limiter;
			if (limiter != null) {
				limiter.renew();
				LeaseLimiter batch = this.batchLimiter;
				if (batch != null) {
					batch.renew();
				}
				if (this.releases != null && !this.outage.isDown()) {
					this.releases.check();
				}
			}
			else if (this.outage.isDown() && this.outage.shouldTry() && this.redis.answers()) {
				this.outage.succeeded();
			}
		}
		catch (RedisException ex) {
			this.outage.failed(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (RuntimeException ex) {
			// the renewal thread must survive whatever happens: the next tick tries again
			this.outage.failed(ex);
		}
	}

	/**
	 * Stops renewing leases, those still held expiring within the lease time to live, and
	 * closes the pub/sub connection. Leaves the commands connection open.
	 */
	@Override
	public void close() {
		this.background.shutdownNow();
		if (this.releases != null) {
			this.releases.close();
		}
	}

	@Override
	public String toString() {
		return "ClusterLimits[key=" + this.key + ", state=" + state() + "]";
	}

}
