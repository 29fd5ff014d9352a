package dev.llmclient.internal.recording;

import java.net.URI;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import dev.llmclient.Cost;
import dev.llmclient.LlmClientSettingException;
import dev.llmclient.LlmClientSettings;
import dev.llmclient.RequestClass;
import dev.llmclient.Usage;
import dev.llmclient.internal.http.HttpTransport;
import dev.llmclient.internal.limits.Bulkhead;
import dev.llmclient.traffic.ConcurrencyLimiter;

/**
 * Records calls with the OpenTelemetry GenAI client metric names and tags. Every series
 * of a metric carries the same tag keys, as Prometheus requires, and every tag value
 * comes from a bounded set: at most {@value #MAX_MODELS} model names (later ones are
 * tagged {@value #OTHER_MODEL}), and error types that are HTTP statuses or a few fixed
 * words.
 * <p>
 * Meters are registered once per tag combination and kept, by {@link OperationMeters} and
 * {@link ModelMeters}, in plain fields and maps keyed by the operation, model and error
 * type themselves, so recording a call builds no tags and allocates nothing: the registry
 * is only consulted the first time a combination is seen. Chat and embeddings calls share
 * the meter names and are told apart by {@code gen_ai.operation.name}, as the GenAI
 * conventions do; embeddings only have input tokens.
 */
public final class MicrometerCallMetrics implements CallMetrics {

	public static final String DURATION = "gen_ai.client.operation.duration";

	public static final String TOKEN_USAGE = "gen_ai.client.token.usage";

	public static final String RETRIES = "llm.client.retries";

	/** What priced calls cost, in the currency tagged {@code currency}. */
	public static final String COST = "llm.client.cost";

	/**
	 * The {@code gen_ai.token.type} of prompt tokens served from the cache: a part of
	 * {@code input}, named as the GenAI conventions name the span attribute
	 * ({@code gen_ai.usage.cache_read.input_tokens}).
	 */
	public static final String CACHE_READ = "cache_read";

	/** The {@code gen_ai.token.type} of prompt tokens written to the cache. */
	public static final String CACHE_CREATION = "cache_creation";

	/** The {@code gen_ai.token.type} of output tokens spent on reasoning. */
	public static final String REASONING = "reasoning";

	static final String THROTTLED = "llm.client.throttled";

	/** Tag naming the client, so several clients in one application keep apart. */
	static final String CLIENT_NAME = "llm.client.name";

	static final String FAILOVERS = "llm.client.routing.failovers";

	static final String COOLDOWNS = "llm.client.routing.cooldowns";

	/**
	 * The {@code server.address} of what a client with several endpoints records as a
	 * whole: its bulkhead, and calls that reached no endpoint.
	 */
	static final String ROUTED_ADDRESS = "routed";

	static final String TIME_TO_FIRST_CHUNK = "gen_ai.client.operation.time_to_first_chunk";

	/**
	 * Distinct {@code gen_ai.request.model} values before further models share one
	 * series.
	 */
	public static final int MAX_MODELS = 100;

	/** Model tag of calls made without a model, leaving the choice to the server. */
	static final String UNKNOWN_MODEL = "unknown";

	/** Model tag of calls to models beyond the first {@value #MAX_MODELS}. */
	static final String OTHER_MODEL = "_OTHER";

	private final MeterRegistry registry;

	/** The tags of every meter but the operation's name. */
	private final Tags commonTags;

	/** Keyed by {@code gen_ai.operation.name}: a few fixed words. */
	private final ConcurrentHashMap<OperationName, OperationMeters> operations = new ConcurrentHashMap<>();

	private final ConcurrentHashMap<String, Counter> throttled = new ConcurrentHashMap<>();

	private final PoolGauges poolGauges;

	private final BulkheadGauges bulkheadGauges;

	private volatile Counter failovers;

	private volatile Counter cooldowns;

	/**
	 * The meters of the latest call's operation and model: most clients use one model for
	 * one operation, so this is a hit.
	 */
	private volatile ModelMeters latest;

	public MicrometerCallMetrics(MeterRegistry registry, Tags commonTags, PoolGauges poolGauges) {
		this(registry, commonTags, poolGauges, null);
	}

	public MicrometerCallMetrics(MeterRegistry registry, Tags commonTags, PoolGauges poolGauges,
			BulkheadGauges bulkheadGauges) {
		this.registry = registry;
		this.commonTags = commonTags;
		this.poolGauges = poolGauges;
		this.bulkheadGauges = bulkheadGauges;
	}

	/**
	 * Creates the metrics of one client and registers its pool and bulkhead gauges.
	 * @param settings the client's settings, for the provider and server tags
	 * @param registry where the meters go
	 * @param transport whose connection pool the gauges read
	 * @param bulkhead the client's bulkhead
	 * @return the metrics; close them with the client
	 */
	public static MicrometerCallMetrics create(LlmClientSettings settings, MeterRegistry registry,
			HttpTransport transport, Bulkhead bulkhead) {
		URI endpoint = settings.endpoint();
		int port = (endpoint.getPort() != -1) ? endpoint.getPort()
				: ("https".equalsIgnoreCase(endpoint.getScheme()) ? 443 : 80);
		String host = endpoint.getHost();
		requireUnusedName(registry, settings);
		Tags clientTags = Tags.of(CLIENT_NAME, settings.name(), "server.address", host, "server.port",
				Integer.toString(port));
		Tags commonTags = clientTags.and("gen_ai.provider.name", providerName(host));
		return new MicrometerCallMetrics(registry, commonTags, PoolGauges.register(registry, clientTags, transport),
				BulkheadGauges.register(registry, clientTags, bulkhead));
	}

	/**
	 * Creates what a client with several endpoints records as a whole, tagged
	 * {@code server.address} {@value #ROUTED_ADDRESS} and {@code server.port} 0: its
	 * bulkhead gauges, and calls that reached no endpoint (refused by the bulkhead, or
	 * finding every endpoint cooling down).
	 * @param settings the client's settings
	 * @param registry where the meters go
	 * @param bulkhead the client's bulkhead
	 * @return the metrics; close them with the client
	 */
	public static MicrometerCallMetrics createRouted(LlmClientSettings settings, MeterRegistry registry,
			Bulkhead bulkhead) {
		requireUnusedName(registry, settings);
		Tags clientTags = Tags.of(CLIENT_NAME, settings.name(), "server.address", ROUTED_ADDRESS, "server.port", "0");
		Tags commonTags = clientTags.and("gen_ai.operation.name", "chat", "gen_ai.provider.name",
				providerName(ROUTED_ADDRESS));
		return new MicrometerCallMetrics(registry, commonTags, null,
				BulkheadGauges.register(registry, clientTags, bulkhead));
	}

	/**
	 * Creates the metrics of one endpoint of a client with several, tagged with its
	 * address, and registers its pool gauges and the gauge of its own limit.
	 * @param settings the endpoint's settings (see
	 * {@link LlmClientSettings#perEndpoint()})
	 * @param registry where the meters go
	 * @param transport the endpoint's transport, whose pool the gauges read
	 * @param limiter the endpoint's own limit of calls in flight
	 * @return the metrics; close them with the client
	 */
	public static MicrometerCallMetrics createEndpoint(LlmClientSettings settings, MeterRegistry registry,
			HttpTransport transport, ConcurrencyLimiter limiter) {
		URI endpoint = settings.endpoint();
		int port = (endpoint.getPort() != -1) ? endpoint.getPort()
				: ("https".equalsIgnoreCase(endpoint.getScheme()) ? 443 : 80);
		String host = endpoint.getHost();
		Tags clientTags = Tags.of(CLIENT_NAME, settings.name(), "server.address", host, "server.port",
				Integer.toString(port));
		Tags commonTags = clientTags.and("gen_ai.operation.name", "chat", "gen_ai.provider.name", providerName(host));
		return new MicrometerCallMetrics(registry, commonTags, PoolGauges.register(registry, clientTags, transport),
				BulkheadGauges.registerEndpoint(registry, clientTags, limiter));
	}

	/**
	 * Refuses a second open client of the same name in one registry: its gauges would
	 * silently read the first client's pool and bulkhead.
	 */
	private static void requireUnusedName(MeterRegistry registry, LlmClientSettings settings) {
		if (registry.find(BulkheadGauges.MAX).tag(CLIENT_NAME, settings.name()).gauge() != null) {
			throw new LlmClientSettingException("name", settings.name(),
					"another open client with this name already reports to this MeterRegistry: give each client "
							+ "its own name (LlmClientBuilder.name), which tags its meters " + CLIENT_NAME);
		}
	}

	/**
	 * The {@code gen_ai.provider.name}: OpenAI's own API, or any other server speaking
	 * it.
	 */
	static String providerName(String host) {
		return (host.equals("openai.com") || host.endsWith(".openai.com")) ? "openai" : "openai_compatible";
	}

	@Override
	public void record(OperationName operation, String model, long nanos, String errorType, Usage usage) {
		ModelMeters meters = meters(operation, model);
		meters.timer(errorType).record(nanos, TimeUnit.NANOSECONDS);
		if (usage != null) {
			meters.inputTokens().record(usage.inputTokens());
			if (meters.operation.generates) {
				meters.outputTokens().record(usage.outputTokens());
			}
			if (usage.cachedInputTokens() != null) {
				meters.cacheReadTokens().record(usage.cachedInputTokens());
			}
			if (usage.cacheWriteInputTokens() != null) {
				meters.cacheCreationTokens().record(usage.cacheWriteInputTokens());
			}
			if (usage.reasoningTokens() != null) {
				meters.reasoningTokens().record(usage.reasoningTokens());
			}
		}
	}

	@Override
	public void cost(OperationName operation, String model, Cost cost) {
		meters(operation, model).cost(cost.currency()).increment(cost.amount().doubleValue());
	}

	@Override
	public void firstChunk(String model, long nanos, String errorType) {
		meters(OperationName.CHAT, model).firstChunkTimer(errorType).record(nanos, TimeUnit.NANOSECONDS);
	}

	@Override
	public void retry(OperationName operation, String reason) {
		operation(operation).retry(reason).increment();
	}

	@Override
	public void throttled(String reason) {
		this.throttled
			.computeIfAbsent(reason,
					(key) -> Counter.builder(THROTTLED)
						.description("LLM client calls that waited, or were refused, for a limit, by reason")
						.tags(this.commonTags)
						.tag("reason", key)
						.register(this.registry))
			.increment();
	}

	@Override
	public void permitWait(RequestClass requestClass, long nanos) {
		if (this.bulkheadGauges != null) {
			this.bulkheadGauges.waited(requestClass, nanos);
		}
	}

	@Override
	public void failover() {
		Counter counter = this.failovers;
		if (counter == null) {
			counter = Counter.builder(FAILOVERS)
				.description("Attempts that failed on an endpoint and moved to another one")
				.tags(this.commonTags)
				.register(this.registry);
			this.failovers = counter;
		}
		counter.increment();
	}

	@Override
	public void cooldown() {
		Counter counter = this.cooldowns;
		if (counter == null) {
			counter = Counter.builder(COOLDOWNS)
				.description("Times an endpoint started cooling down: it receives no calls for a while")
				.tags(this.commonTags)
				.register(this.registry);
			this.cooldowns = counter;
		}
		counter.increment();
	}

	@Override
	public CallMetrics detached() {
		return new MicrometerCallMetrics(new SimpleMeterRegistry(), this.commonTags, null);
	}

	@Override
	public void close() {
		if (this.poolGauges != null) {
			this.poolGauges.remove();
		}
		if (this.bulkheadGauges != null) {
			this.bulkheadGauges.remove();
		}
	}

	private ModelMeters meters(OperationName operation, String model) {
		String name = (model != null) ? model : UNKNOWN_MODEL;
		ModelMeters meters = this.latest;
		if (meters != null && meters.model.equals(name) && meters.operation.name == operation) {
			return meters;
		}
		meters = operation(operation).meters(name);
		this.latest = meters;
		return meters;
	}

	private OperationMeters operation(OperationName operation) {
		OperationMeters meters = this.operations.get(operation);
		return (meters != null) ? meters : this.operations.computeIfAbsent(operation,
				(name) -> new OperationMeters(this.registry, this.commonTags, name));
	}

}
