package dev.llmclient.internal.recording;

import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

/**
 * The meters of one {@code gen_ai.operation.name} of a {@link MicrometerCallMetrics}: its
 * own {@value MicrometerCallMetrics#MAX_MODELS} models, and its retries.
 */
final class OperationMeters {

	final MeterRegistry registry;

	final OperationName name;

	final Tags tags;

	/** Whether calls of this operation generate tokens: embeddings do not. */
	final boolean generates;

	private final ConcurrentHashMap<String, ModelMeters> models = new ConcurrentHashMap<>();

	private final ConcurrentHashMap<String, Counter> retries = new ConcurrentHashMap<>();

	OperationMeters(MeterRegistry registry, Tags commonTags, OperationName name) {
		this.registry = registry;
		this.name = name;
		this.tags = commonTags.and("gen_ai.operation.name", name.value());
		this.generates = name.generates();
	}

	ModelMeters meters(String model) {
		ModelMeters meters = this.models.get(model);
		if (meters == null) {
			String tag = (this.models.size() < MicrometerCallMetrics.MAX_MODELS) ? model
					: MicrometerCallMetrics.OTHER_MODEL;
			meters = this.models.get(tag);
			if (meters == null) {
				meters = this.models.computeIfAbsent(tag, (key) -> new ModelMeters(this, key));
			}
		}
		return meters;
	}

	Counter retry(String reason) {
		Counter counter = this.retries.get(reason);
		if (counter == null) {
			counter = this.retries.computeIfAbsent(reason,
					(key) -> Counter.builder(MicrometerCallMetrics.RETRIES)
						.description("Retries of LLM client calls, by reason")
						.tags(this.tags)
						.tag("reason", key)
						.register(this.registry));
		}
		return counter;
	}

}
