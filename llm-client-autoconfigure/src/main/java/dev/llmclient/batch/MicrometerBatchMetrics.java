package dev.llmclient.batch;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Counts batch items on {@code llm.client.batch.items}, tagged {@code outcome}
 * {@code success} or {@code failure} and {@code llm.client.name} with the client's name.
 */
final class MicrometerBatchMetrics implements BatchMetrics {

	static final String ITEMS = "llm.client.batch.items";

	private final Counter succeeded;

	private final Counter failed;

	MicrometerBatchMetrics(MeterRegistry registry, String clientName) {
		this.succeeded = counter(registry, clientName, "success");
		this.failed = counter(registry, clientName, "failure");
	}

	private static Counter counter(MeterRegistry registry, String clientName, String outcome) {
		return Counter.builder(ITEMS)
			.description("Items of LLM client batches, by outcome")
			.tag("llm.client.name", clientName)
			.tag("outcome", outcome)
			.register(registry);
	}

	@Override
	public void items(int succeeded, int failed) {
		if (succeeded > 0) {
			this.succeeded.increment(succeeded);
		}
		if (failed > 0) {
			this.failed.increment(failed);
		}
	}

}
