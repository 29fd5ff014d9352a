package dev.llmclient.internal.recording;

import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;

/**
 * The meters of one {@code gen_ai.request.model} value of one operation: its durations by
 * {@code error.type}, its times to the first chunk, and its token counts.
 */
final class ModelMeters {

	final OperationMeters operation;

	final String model;

	private final Timer success;

	private final ConcurrentHashMap<String, Timer> failures = new ConcurrentHashMap<>();

	/** Only streamed calls have a first chunk: created on the first one. */
	private final ConcurrentHashMap<String, Timer> firstChunk = new ConcurrentHashMap<>();

	private volatile DistributionSummary inputTokens;

	private volatile DistributionSummary outputTokens;

	/** The details only some servers report, created on the first that does. */
	private volatile DistributionSummary cacheReadTokens;

	private volatile DistributionSummary cacheCreationTokens;

	private volatile DistributionSummary reasoningTokens;

	/** Created on the first priced call; a client prices in one currency. */
	private volatile Counter cost;

	ModelMeters(OperationMeters operation, String model) {
		this.operation = operation;
		this.model = model;
		this.success = newTimer(CallMetrics.SUCCESS);
	}

	Timer timer(String errorType) {
		if (CallMetrics.SUCCESS.equals(errorType)) {
			return this.success;
		}
		Timer timer = this.failures.get(errorType);
		if (timer == null) {
			timer = this.failures.computeIfAbsent(errorType, this::newTimer);
		}
		return timer;
	}

	Timer firstChunkTimer(String errorType) {
		Timer timer = this.firstChunk.get(errorType);
		if (timer == null) {
			timer = this.firstChunk.computeIfAbsent(errorType,
					(key) -> Timer.builder(MicrometerCallMetrics.TIME_TO_FIRST_CHUNK)
						.description("Time from the start of a streamed LLM client operation to its first chunk")
						.tags(this.operation.tags)
						.tag("gen_ai.request.model", this.model)
						.tag("error.type", key)
						.register(this.operation.registry));
		}
		return timer;
	}

	/**
	 * Created on the first answer that reports usage: no token series for servers that
	 * never do.
	 */
	DistributionSummary inputTokens() {
		DistributionSummary summary = this.inputTokens;
		if (summary == null) {
			summary = newTokens("input");
			this.inputTokens = summary;
		}
		return summary;
	}

	DistributionSummary outputTokens() {
		DistributionSummary summary = this.outputTokens;
		if (summary == null) {
			summary = newTokens("output");
			this.outputTokens = summary;
		}
		return summary;
	}

	DistributionSummary cacheReadTokens() {
		DistributionSummary summary = this.cacheReadTokens;
		if (summary == null) {
			summary = newTokens(MicrometerCallMetrics.CACHE_READ);
			this.cacheReadTokens = summary;
		}
		return summary;
	}

	DistributionSummary cacheCreationTokens() {
		DistributionSummary summary = this.cacheCreationTokens;
		if (summary == null) {
			summary = newTokens(MicrometerCallMetrics.CACHE_CREATION);
			this.cacheCreationTokens = summary;
		}
		return summary;
	}

	DistributionSummary reasoningTokens() {
		DistributionSummary summary = this.reasoningTokens;
		if (summary == null) {
			summary = newTokens(MicrometerCallMetrics.REASONING);
			this.reasoningTokens = summary;
		}
		return summary;
	}

	Counter cost(String currency) {
		Counter counter = this.cost;
		if (counter == null) {
			counter = Counter.builder(MicrometerCallMetrics.COST)
				.description("What the LLM client's calls cost, priced from their usage with llm.client.pricing.*")
				.tags(this.operation.tags)
				.tag("gen_ai.request.model", this.model)
				.tag("currency", currency)
				.register(this.operation.registry);
			this.cost = counter;
		}
		return counter;
	}

	private Timer newTimer(String errorType) {
		return Timer.builder(MicrometerCallMetrics.DURATION)
			.description("Duration of GenAI operations (chat completions, embeddings) made by the LLM client")
			.tags(this.operation.tags)
			.tag("gen_ai.request.model", this.model)
			.tag("error.type", errorType)
			.register(this.operation.registry);
	}

	/**
	 * No base unit: Prometheus would append it to the name, and GenAI dashboards expect
	 * {@code gen_ai_client_token_usage}. Registering twice gives the same meter, so a
	 * race here costs a lookup, never a duplicate.
	 */
	private DistributionSummary newTokens(String type) {
		return DistributionSummary.builder(MicrometerCallMetrics.TOKEN_USAGE)
			.description("Number of input and output tokens used by the LLM client's operations (cache_read, "
					+ "cache_creation and reasoning are parts of input and output)")
			.tags(this.operation.tags)
			.tag("gen_ai.request.model", this.model)
			.tag("gen_ai.token.type", type)
			.register(this.operation.registry);
	}

}
