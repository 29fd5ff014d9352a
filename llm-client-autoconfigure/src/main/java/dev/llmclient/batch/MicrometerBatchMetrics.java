package dev.llmclient.batch;

import java.util.Locale;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Counts batch items on {@code llm.client.batch.items}, tagged {@code outcome}
 * {@code success} or {@code failure} and {@code llm.client.name} with the client's name;
 * and batch jobs that have ended on {@code llm.client.batch.jobs}, tagged {@code status}
 * ({@code completed}, {@code failed}, {@code expired}, {@code cancelled}) and
 * {@code mode} ({@code provider}, {@code live}).
 */
final class MicrometerBatchMetrics implements BatchMetrics {

	static final String ITEMS = "llm.client.batch.items";

	static final String JOBS = "llm.client.batch.jobs";

	private final MeterRegistry registry;

	private final String clientName;

	private final Counter succeeded;

	private final Counter failed;

	MicrometerBatchMetrics(MeterRegistry registry, String clientName) {
		this.registry = registry;
		this.clientName = clientName;
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

	@Override
	public void job(BatchJob.Status status, BatchJob.Mode mode) {
		Counter.builder(JOBS)
			.description("LLM client batch jobs that have ended, by status and mode")
			.tag("llm.client.name", this.clientName)
			.tag("status", status.name().toLowerCase(Locale.ROOT))
			.tag("mode", mode.name().toLowerCase(Locale.ROOT))
			.register(this.registry)
			.increment();
	}

}
