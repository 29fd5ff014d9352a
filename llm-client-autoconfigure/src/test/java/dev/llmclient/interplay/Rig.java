package dev.llmclient.interplay;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.springframework.boot.health.contributor.Health;

import dev.llmclient.ChatRequest;
import dev.llmclient.LlmClient;
import dev.llmclient.LlmClientBuilder;
import dev.llmclient.PricingSettings.ModelPrice;
import dev.llmclient.RoutingSettings;
import dev.llmclient.LlmClientHealth;
import dev.llmclient.EndpointSettings;
import dev.llmclient.LlmClientSettings;
import dev.llmclient.RequestClass;
import dev.llmclient.cluster.ClusterLimits;
import dev.llmclient.cluster.ClusterSettings;
import dev.llmclient.health.LlmClientHealthIndicator;
import dev.llmclient.testsupport.RedisServerProcess;
import dev.llmclient.testsupport.TestClients;
import dev.llmclient.traffic.RateBudget;

/**
 * One cell's world: the slow servers of a {@link SetUp}, the client under test (built
 * through {@link LlmClient#builder()} with a meter registry of its own), other instances
 * on the same servers when an ending needs them, and what the assertions read: health,
 * metrics, budgets and the Redis keys of the cluster limits. Closes everything it made,
 * clients before their cluster limits, servers last.
 */
final class Rig implements AutoCloseable {

	static final int MAX_CONCURRENT = 12;

	/** Below {@link #MAX_CONCURRENT}, so that the leases are the limit that binds. */
	static final int CLUSTER_MAX_CONCURRENT = 8;

	/** Every prompt has this length, so every call reserves the same token estimate. */
	static final int PROMPT_LENGTH = 40;

	static final int ESTIMATED_OUTPUT_TOKENS = 90;

	/** What a call reserves from the token budget before it is sent. */
	static final long TOKEN_ESTIMATE = PROMPT_LENGTH / 4 + ESTIMATED_OUTPUT_TOKENS;

	/**
	 * The period of the local budgets. A per-minute budget refills its whole burst every
	 * second, so what it holds after a storm says nothing exact; over ten years the
	 * refill during a cell stays below one unit, and the budget holds exactly its burst
	 * less what the calls took.
	 */
	static final Duration BUDGET_PERIOD = Duration.ofDays(3650);

	/** Requests the local request budget holds at first: its burst, 1/60 of its limit. */
	static final long REQUEST_BURST = 1_000;

	/** Tokens the local token budget holds at first. */
	static final long TOKEN_BURST = 100_000;

	/**
	 * The daily spend budget of the set-ups with budgets, in USD: the model is priced at
	 * 1 USD a token, so what a call reserves and spends reads as its tokens.
	 */
	static final long SPEND_CAP = 10_000_000;

	private static final Duration SHUTDOWN_TIMEOUT = Duration.ofMillis(40);

	private final SetUp setUp;

	private final List<SlowChatServer> servers = new ArrayList<>();

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final Deque<AutoCloseable> closing = new ArrayDeque<>();

	private final String clusterKey;

	private RedisClient redis;

	private StatefulRedisConnection<String, String> redisConnection;

	private LlmClient client;

	private ClusterLimits clusterLimits;

	private RateBudget requestBudget;

	private RateBudget tokenBudget;

	private final AtomicInteger highestLimit = new AtomicInteger();

	private Rig(SetUp setUp, String clusterKey) {
		this.setUp = setUp;
		this.clusterKey = clusterKey;
	}

	/**
	 * Starts the servers of a set-up, and for {@link SetUp#CLUSTER} connects to Redis.
	 * @param setUp the set-up
	 * @param redis the Redis server, started on first use
	 * @param cell names the cell, so that its cluster keys are its own
	 */
	static Rig start(SetUp setUp, Supplier<RedisServerProcess> redis, String cell) throws IOException {
		Rig rig = new Rig(setUp, "interplay-" + cell);
		try {
			for (int i = 0; i < setUp.servers(); i++) {
				SlowChatServer server = new SlowChatServer();
				rig.closing.push(server);
				rig.servers.add(server);
			}
			if (setUp == SetUp.CLUSTER) {
				rig.redis = RedisClient.create(redis.get().url());
				rig.closing.push(rig.redis::shutdown);
				rig.redisConnection = rig.redis.connect();
				rig.closing.push(rig.redisConnection);
			}
			return rig;
		}
		catch (IOException | RuntimeException ex) {
			rig.close();
			throw ex;
		}
	}

	/**
	 * A prompt of {@link #PROMPT_LENGTH} characters naming its call; every other call is
	 * of the batch class, so that both classes wait in line together in every cell.
	 */
	static ChatRequest request(String kind, int number) {
		StringBuilder prompt = new StringBuilder(String.format("%s-%04d ", kind, number));
		while (prompt.length() < PROMPT_LENGTH) {
			prompt.append('.');
		}
		// a few prompt cache keys: cache-affinity keeps each on its endpoint, the other
		// set-ups send the key along and route as they would without it; interactive and
		// batch calls in turn
		return ChatRequest.builder()
			.user(prompt.toString())
			.promptCacheKey("matrix-" + number % 4)
			.requestClass((number % 2 == 0) ? RequestClass.INTERACTIVE : RequestClass.BATCH)
			.build();
	}

	static List<String> prompts(int count) {
		List<String> prompts = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			prompts.add(request("call", i).messages().get(0).content());
		}
		return prompts;
	}

	SetUp setUp() {
		return this.setUp;
	}

	/**
	 * Builds the client under test: the set-up's settings, this cell's meter registry
	 * and, with budgets, local budgets this rig can read.
	 * @param change what the ending changes, applied before the cluster limits
	 */
	LlmClient client(UnaryOperator<LlmClientBuilder> change) {
		LlmClientBuilder builder = base("matrix").meterRegistry(this.registry);
		if (this.setUp.hasBudgets()) {
			builder.requestBudget(
					(configured) -> this.requestBudget = RateBudget.perPeriod(REQUEST_BURST * 60, BUDGET_PERIOD));
			builder
				.tokenBudget((configured) -> this.tokenBudget = RateBudget.perPeriod(TOKEN_BURST * 60, BUDGET_PERIOD));
			BigDecimal perToken = BigDecimal.valueOf(1_000_000);
			builder.pricing((pricing) -> pricing.withModel("matrix-model", new ModelPrice(perToken, null, perToken)))
				.budget((budget) -> budget.withCostPerDay(BigDecimal.valueOf(SPEND_CAP)));
		}
		builder = change.apply(builder);
		this.clusterLimits = applyClusterLimits(builder);
		this.client = builder.build();
		this.closing.push(this.client);
		this.highestLimit.set(limit(this.client.health()));
		return this.client;
	}

	/**
	 * Builds another instance on the same servers (and, in a cluster, the same shared
	 * limits), without metrics or budgets of its own.
	 * @param change what the ending changes, applied before the cluster limits
	 */
	LlmClient otherInstance(String name, UnaryOperator<LlmClientBuilder> change) {
		LlmClientBuilder builder = change.apply(base(name));
		applyClusterLimits(builder);
		LlmClient other = builder.build();
		this.closing.push(other);
		return other;
	}

	private LlmClientBuilder base(String name) {
		LlmClientBuilder builder = TestClients.builder()
			.name(name)
			.model("matrix-model")
			.lifecycle((lifecycle) -> lifecycle.withEagerInit(false).withShutdownTimeout(SHUTDOWN_TIMEOUT))
			.limits((limits) -> limits.withMaxConcurrent(MAX_CONCURRENT))
			.retry(TestClients::fastBackoff)
			.rateLimit((rateLimit) -> rateLimit.withEstimatedOutputTokens(ESTIMATED_OUTPUT_TOKENS));
		if (this.servers.size() == 1) {
			builder.endpoint(this.servers.get(0).endpoint());
		}
		else if (this.setUp == SetUp.ROUTED_ADAPTIVE) {
			builder.endpoints(this.servers.stream()
				.map((server) -> EndpointSettings.of(server.endpoint())
					.withRequestsPerMinute(REQUEST_BURST * 60)
					.withTokensPerMinute(TOKEN_BURST * 60))
				.toList());
		}
		else {
			builder.endpoints(this.servers.stream().map((server) -> EndpointSettings.of(server.endpoint())).toList());
		}
		if (this.setUp.isAdaptive()) {
			builder.adaptive((adaptive) -> adaptive.withEnabled(true));
		}
		if (this.setUp == SetUp.CACHE_AFFINITY) {
			builder.routing((routing) -> routing.withStrategy(RoutingSettings.Strategy.CACHE_AFFINITY));
		}
		return builder;
	}

	private ClusterLimits applyClusterLimits(LlmClientBuilder builder) {
		if (this.setUp != SetUp.CLUSTER) {
			return null;
		}
		ClusterSettings settings = ClusterSettings.DEFAULTS.withKey(this.clusterKey)
			.withMaxConcurrent(CLUSTER_MAX_CONCURRENT)
			.withRequestsPerMinute(600_000L)
			.withTokensPerMinute(60_000_000L);
		ClusterLimits limits = ClusterLimits.create(settings, builder.settings(), this.redis);
		this.closing.push(limits);
		limits.applyTo(builder);
		return limits;
	}

	/** Notes the limit of calls in flight as a call ends, to see whether it shrank. */
	void callEnded() {
		if (this.setUp.isAdaptive()) {
			try {
				this.highestLimit.accumulateAndGet(limit(this.client.health()), Math::max);
			}
			catch (RuntimeException ex) {
				// a closed client may not answer: the limit is read again at the end
			}
		}
	}

	/**
	 * The adaptive limit of the moment: the client's, or with several endpoints the sum
	 * of theirs.
	 */
	int limit(LlmClientHealth health) {
		if (this.setUp != SetUp.ROUTED_ADAPTIVE) {
			return health.bulkhead().limit();
		}
		return health.endpoints().stream().mapToInt((endpoint) -> endpoint.health().bulkhead().limit()).sum();
	}

	int highestLimit() {
		return this.highestLimit.get();
	}

	/** Lets the servers answer the requests they hold. */
	void releaseHeld() {
		this.servers.forEach(SlowChatServer::release);
	}

	int held() {
		return this.servers.stream().mapToInt(SlowChatServer::held).sum();
	}

	/** Chat requests the servers received, retries included, held ones not. */
	int requests() {
		return this.servers.stream().mapToInt(SlowChatServer::requests).sum();
	}

	/** Distinct calls the servers received. */
	int calls() {
		return this.servers.stream().mapToInt(SlowChatServer::calls).sum();
	}

	/** Answers the servers wrote whole, held ones not. */
	int answered() {
		return this.servers.stream().mapToInt(SlowChatServer::answered).sum();
	}

	LlmClientHealth health() {
		return this.client.health();
	}

	/** The Actuator indicator over the client, with its cluster details in a cluster. */
	Health indicatorHealth() {
		LlmClientHealthIndicator indicator = (this.clusterLimits != null)
				? new LlmClientHealthIndicator(this.client, this.clusterLimits::details)
				: new LlmClientHealthIndicator(this.client);
		return indicator.health(true);
	}

	/** The cluster limits' details for health, or {@code null} outside a cluster. */
	Map<String, Object> clusterDetails() {
		return (this.clusterLimits != null) ? this.clusterLimits.details() : null;
	}

	/**
	 * The leases held in Redis under this cell's key: every lease of every instance, and
	 * here of the instances of this cell only; 0 outside a cluster.
	 */
	long leases() {
		if (this.redisConnection == null) {
			return 0;
		}
		return this.redisConnection.sync().zcard("llm-client:{" + this.clusterKey + "}:leases");
	}

	/**
	 * The requests the client's local request budget holds: read through health when they
	 * are the client's budget, from the local budget under the cluster's otherwise
	 * (health then shows the shared bucket, which refills every second). {@code null}
	 * without budgets.
	 */
	Long requestsRemaining() {
		if (this.setUp == SetUp.LOCAL_BUDGETS) {
			return health().rateLimit().requestsRemaining();
		}
		return (this.requestBudget != null) ? this.requestBudget.available() : null;
	}

	/**
	 * What is left of the daily spend budget, as health shows it (shared through Redis in
	 * a cluster, where only this instance spends); {@code null} without budgets.
	 */
	BigDecimal spendRemaining() {
		return health().rateLimit().costPerDayRemaining();
	}

	/** As {@link #requestsRemaining()}, for tokens. */
	Long tokensRemaining() {
		if (this.setUp == SetUp.LOCAL_BUDGETS) {
			return health().rateLimit().tokensRemaining();
		}
		return (this.tokenBudget != null) ? this.tokenBudget.available() : null;
	}

	/** How many calls {@code gen_ai.client.operation.duration} timed, by error type. */
	Map<String, Long> durationsByErrorType() {
		Map<String, Long> counts = new TreeMap<>();
		for (Timer timer : this.registry.find("gen_ai.client.operation.duration").timers()) {
			if (timer.count() > 0) {
				counts.merge(timer.getId().getTag("error.type"), timer.count(), Long::sum);
			}
		}
		return counts;
	}

	@Override
	public void close() {
		while (!this.closing.isEmpty()) {
			try {
				this.closing.pop().close();
			}
			catch (Exception ex) {
				// closes the rest anyway
			}
		}
	}

}
