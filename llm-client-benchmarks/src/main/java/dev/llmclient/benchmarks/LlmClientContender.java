package dev.llmclient.benchmarks;

import java.util.List;
import java.util.concurrent.ExecutorService;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import dev.llmclient.LlmClient;
import dev.llmclient.WarmUpSettings;
import dev.llmclient.batch.LlmBatchService;

/**
 * This project's client, as {@code LlmClient.builder()} makes it: pool and bulkhead of
 * {@code poolSize}, retries off, and either Micrometer metrics into a
 * {@link SimpleMeterRegistry} (what a Boot application with Actuator gets) or no metrics
 * at all. Batches go through its {@link LlmBatchService}, which keeps {@code poolSize}
 * items in flight.
 */
final class LlmClientContender implements Contender {

	private final LlmClient client;

	private final LlmBatchService batchService;

	LlmClientContender(String baseUrl, int poolSize, boolean metrics) {
		this(baseUrl, poolSize, metrics, true, 1000);
	}

	LlmClientContender(String baseUrl, int poolSize, boolean metrics, boolean eagerInit, int maxLatencyRecords) {
		this(baseUrl, poolSize, metrics, eagerInit, maxLatencyRecords, WarmUpSettings.DEFAULTS.requests());
	}

	LlmClientContender(String baseUrl, int poolSize, boolean metrics, boolean eagerInit, int maxLatencyRecords,
			int warmUpRequests) {
		SimpleMeterRegistry registry = metrics ? new SimpleMeterRegistry() : null;
		this.client = LlmClient.builder()
			.endpoint(baseUrl)
			.apiKey(API_KEY)
			.model(MODEL)
			.limits((limits) -> limits.withMaxConcurrent(poolSize).withMaxWait(READ_TIMEOUT))
			.connection((connection) -> connection.withConnectTimeout(CONNECT_TIMEOUT).withReadTimeout(READ_TIMEOUT))
			.retry((retry) -> retry.withEnabled(false))
			.lifecycle((lifecycle) -> lifecycle.withEagerInit(eagerInit))
			.warmUp((warmUp) -> warmUp.withRequests(warmUpRequests))
			.health((health) -> health.withMaxLatencyRecords(maxLatencyRecords))
			.meterRegistry(registry)
			.build();
		this.batchService = new LlmBatchService(this.client, registry);
	}

	LlmClient client() {
		return this.client;
	}

	@Override
	public String call(String prompt) {
		return this.client.generate(prompt);
	}

	/**
	 * Runs the prompts through the client's batch service; the pool of the other
	 * contenders is not used.
	 */
	@Override
	public int batch(List<String> prompts, ExecutorService pool) {
		return this.batchService.generateAll(prompts).failed();
	}

	@Override
	public void close() {
		this.client.close();
	}

}
