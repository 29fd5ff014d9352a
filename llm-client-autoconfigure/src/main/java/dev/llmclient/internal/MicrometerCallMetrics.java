package dev.llmclient.internal;

import java.net.URI;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import dev.llmclient.LlmClientSettingException;
import dev.llmclient.LlmClientSettings;
import dev.llmclient.Usage;

/**
 * Records calls with the OpenTelemetry GenAI client metric names and tags. Every series
 * of a metric carries the same tag keys, as Prometheus requires, and every tag value
 * comes from a bounded set: at most {@value #MAX_MODELS} model names (later ones are
 * tagged {@value #OTHER_MODEL}), and error types that are HTTP statuses or a few fixed
 * words.
 * <p>
 * Meters are registered once per tag combination and kept in plain fields and maps keyed
 * by the model and error type themselves, so recording a call builds no tags and
 * allocates nothing: the registry is only consulted the first time a combination is seen.
 */
final class MicrometerCallMetrics implements CallMetrics {

	static final String DURATION = "gen_ai.client.operation.duration";

	static final String TOKEN_USAGE = "gen_ai.client.token.usage";

	static final String RETRIES = "llm.client.retries";

	static final String THROTTLED = "llm.client.throttled";

	/** Tag naming the client, so several clients in one application keep apart. */
	static final String CLIENT_NAME = "llm.client.name";

	static final String TIME_TO_FIRST_CHUNK = "gen_ai.client.operation.time_to_first_chunk";

	/**
	 * Distinct {@code gen_ai.request.model} values before further models share one
	 * series.
	 */
	static final int MAX_MODELS = 100;

	/** Model tag of calls made without a model, leaving the choice to the server. */
	static final String UNKNOWN_MODEL = "unknown";

	/** Model tag of calls to models beyond the first {@value #MAX_MODELS}. */
	static final String OTHER_MODEL = "_OTHER";

	private final MeterRegistry registry;

	private final Tags commonTags;

	private final ConcurrentHashMap<String, ModelMeters> models = new ConcurrentHashMap<>();

	private final ConcurrentHashMap<String, Counter> retries = new ConcurrentHashMap<>();

	private final ConcurrentHashMap<String, Counter> throttled = new ConcurrentHashMap<>();

	private final PoolGauges poolGauges;

	private final BulkheadGauges bulkheadGauges;

	/**
	 * The meters of the latest call's model: most clients use one model, so this is a
	 * hit.
	 */
	private volatile ModelMeters latest;

	MicrometerCallMetrics(MeterRegistry registry, Tags commonTags, PoolGauges poolGauges) {
		this(registry, commonTags, poolGauges, null);
	}

	MicrometerCallMetrics(MeterRegistry registry, Tags commonTags, PoolGauges poolGauges,
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
	static MicrometerCallMetrics create(LlmClientSettings settings, MeterRegistry registry, HttpTransport transport,
			Bulkhead bulkhead) {
		URI endpoint = settings.endpoint();
		int port = (endpoint.getPort() != -1) ? endpoint.getPort()
				: ("https".equalsIgnoreCase(endpoint.getScheme()) ? 443 : 80);
		String host = endpoint.getHost();
		requireUnusedName(registry, settings);
		Tags clientTags = Tags.of(CLIENT_NAME, settings.name(), "server.address", host, "server.port",
				Integer.toString(port));
		Tags commonTags = clientTags.and("gen_ai.operation.name", "chat", "gen_ai.provider.name", providerName(host));
		return new MicrometerCallMetrics(registry, commonTags, PoolGauges.register(registry, clientTags, transport),
				BulkheadGauges.register(registry, clientTags, bulkhead));
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
	public void record(String model, long nanos, String errorType, Usage usage) {
		ModelMeters meters = meters(model);
		meters.timer(errorType).record(nanos, TimeUnit.NANOSECONDS);
		if (usage != null) {
			meters.inputTokens().record(usage.inputTokens());
			meters.outputTokens().record(usage.outputTokens());
		}
	}

	@Override
	public void firstChunk(String model, long nanos, String errorType) {
		meters(model).firstChunkTimer(errorType).record(nanos, TimeUnit.NANOSECONDS);
	}

	@Override
	public void retry(String reason) {
		Counter counter = this.retries.get(reason);
		if (counter == null) {
			counter = this.retries.computeIfAbsent(reason,
					(key) -> Counter.builder(RETRIES)
						.description("Retries of LLM client calls, by reason")
						.tags(this.commonTags)
						.tag("reason", key)
						.register(this.registry));
		}
		counter.increment();
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

	private ModelMeters meters(String model) {
		String name = (model != null) ? model : UNKNOWN_MODEL;
		ModelMeters meters = this.latest;
		if (meters != null && meters.model.equals(name)) {
			return meters;
		}
		meters = this.models.get(name);
		if (meters == null) {
			String tag = (this.models.size() < MAX_MODELS) ? name : OTHER_MODEL;
			meters = this.models.get(tag);
			if (meters == null) {
				meters = this.models.computeIfAbsent(tag, ModelMeters::new);
			}
		}
		this.latest = meters;
		return meters;
	}

	/** The meters of one {@code gen_ai.request.model} value. */
	private final class ModelMeters {

		final String model;

		final Timer success;

		final ConcurrentHashMap<String, Timer> failures = new ConcurrentHashMap<>();

		/** Only streamed calls have a first chunk: created on the first one. */
		final ConcurrentHashMap<String, Timer> firstChunk = new ConcurrentHashMap<>();

		private volatile DistributionSummary inputTokens;

		private volatile DistributionSummary outputTokens;

		ModelMeters(String model) {
			this.model = model;
			this.success = newTimer(model, SUCCESS);
		}

		Timer timer(String errorType) {
			if (SUCCESS.equals(errorType)) {
				return this.success;
			}
			Timer timer = this.failures.get(errorType);
			if (timer == null) {
				timer = this.failures.computeIfAbsent(errorType, (key) -> newTimer(this.model, key));
			}
			return timer;
		}

		Timer firstChunkTimer(String errorType) {
			Timer timer = this.firstChunk.get(errorType);
			if (timer == null) {
				timer = this.firstChunk.computeIfAbsent(errorType,
						(key) -> Timer.builder(TIME_TO_FIRST_CHUNK)
							.description("Time from the start of a streamed LLM client operation to its first chunk")
							.tags(MicrometerCallMetrics.this.commonTags)
							.tag("gen_ai.request.model", this.model)
							.tag("error.type", key)
							.register(MicrometerCallMetrics.this.registry));
			}
			return timer;
		}

		/**
		 * Created on the first answer that reports usage: no token series for servers
		 * that never do.
		 */
		DistributionSummary inputTokens() {
			DistributionSummary summary = this.inputTokens;
			if (summary == null) {
				summary = newTokens(this.model, "input");
				this.inputTokens = summary;
			}
			return summary;
		}

		DistributionSummary outputTokens() {
			DistributionSummary summary = this.outputTokens;
			if (summary == null) {
				summary = newTokens(this.model, "output");
				this.outputTokens = summary;
			}
			return summary;
		}

	}

	private Timer newTimer(String model, String errorType) {
		return Timer.builder(DURATION)
			.description("Duration of GenAI operations (chat completions) made by the LLM client")
			.tags(this.commonTags)
			.tag("gen_ai.request.model", model)
			.tag("error.type", errorType)
			.register(this.registry);
	}

	/**
	 * No base unit: Prometheus would append it to the name, and GenAI dashboards expect
	 * {@code gen_ai_client_token_usage}. Registering twice gives the same meter, so a
	 * race here costs a lookup, never a duplicate.
	 */
	private DistributionSummary newTokens(String model, String type) {
		return DistributionSummary.builder(TOKEN_USAGE)
			.description("Number of input and output tokens used by the LLM client's operations")
			.tags(this.commonTags)
			.tag("gen_ai.request.model", model)
			.tag("gen_ai.token.type", type)
			.register(this.registry);
	}

}
