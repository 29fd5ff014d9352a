package dev.llmclient.benchmarks;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

import dev.llmclient.LlmClient;
import dev.llmclient.batch.BatchItem;
import dev.llmclient.batch.BatchResult;
import dev.llmclient.batch.LlmBatchService;

/**
 * Measures how close a batch gets to the ideal time against a server with a fixed
 * latency: with N items in flight, {@code items} items cannot take less than
 * {@code ceil(items / N) * latency}. Efficiency is that ideal divided by the measured
 * time. Run it by hand (see the guide's "Batch efficiency" section) and copy the table:
 *
 * <pre>
 * ./mvnw -B -q -Pbench -pl llm-client-benchmarks -am package -DskipTests
 * java -cp llm-client-benchmarks/target/llm-client-benchmarks.jar dev.llmclient.benchmarks.BatchEfficiencyBenchmark [N...]
 * </pre>
 *
 * The loopback {@link StubServer} holds every answer for the latency without a thread per
 * request, so it answers N requests at once in one latency. Every level is run once
 * unreported first (JIT, pooled connections), then measured.
 */
public final class BatchEfficiencyBenchmark {

	private static final int ITEMS = 2_000;

	private static final Duration LATENCY = Duration.ofMillis(50);

	private static final int RUNS = 3;

	private BatchEfficiencyBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		int[] levels = (args.length > 0) ? java.util.Arrays.stream(args).mapToInt(Integer::parseInt).toArray()
				: new int[] { 8, 64, 256 };
		List<String> prompts = IntStream.range(0, ITEMS).mapToObj((i) -> "prompt " + i).toList();
		try (StubServer server = new StubServer()) {
			warmUpJit(server, prompts);
			for (int n : levels) {
				measure(server, prompts, n, false);
			}
			System.out.printf(Locale.ROOT, "java %s, %d cores, %d items, latency %d ms, median of %d runs%n",
					System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), ITEMS,
					LATENCY.toMillis(), RUNS);
			System.out
				.println("| N | ideal (ms) | measured median (ms) | min-max (ms) | efficiency | server max in flight "
						+ "| process CPU per item (µs, client + server) |");
			System.out.println("| --- | --- | --- | --- | --- | --- | --- |");
			for (int n : levels) {
				measure(server, prompts, n, true);
			}
		}
	}

	private static void warmUpJit(StubServer server, List<String> prompts) {
		try (LlmClient client = client(server, "/v1", 64)) {
			LlmBatchService batch = new LlmBatchService(client);
			for (int i = 0; i < 5; i++) {
				batch.generateAll(prompts);
			}
		}
	}

	private static void measure(StubServer server, List<String> prompts, int n, boolean report) {
		try (LlmClient client = client(server, "/l" + LATENCY.toMillis() + "/v1", n)) {
			LlmBatchService batch = new LlmBatchService(client);
			batch.generateAll(prompts.subList(0, 2 * n));
			server.resetMaxInFlight();
			List<Long> millis = new ArrayList<>();
			long cpuBefore = processCpuNanos();
			for (int run = 0; run < RUNS; run++) {
				BatchResult result = batch.generateAll(prompts);
				if (result.failed() > 0) {
					throw new IllegalStateException(result.failed() + " items failed, first: "
							+ result.items()
								.stream()
								.filter((item) -> !item.ok())
								.findFirst()
								.map((item) -> ((BatchItem.Failure) item).error().toString())
								.orElse(""));
				}
				millis.add(result.elapsed().toMillis());
			}
			long cpuPerItem = (processCpuNanos() - cpuBefore) / (RUNS * (long) ITEMS) / 1000;
			Collections.sort(millis);
			long median = millis.get(RUNS / 2);
			long ideal = (long) Math.ceil((double) ITEMS / n) * LATENCY.toMillis();
			if (!report) {
				return;
			}
			System.out.printf(Locale.ROOT, "| %d | %d | %d | %d-%d | %.3f | %d | %d |%n", n, ideal, median,
					millis.get(0), millis.get(RUNS - 1), (double) ideal / median, server.maxInFlight(), cpuPerItem);
		}
	}

	private static long processCpuNanos() {
		return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
			.getProcessCpuTime();
	}

	/** A client whose endpoint path asks the stub for its latency ({@code /l50/v1}). */
	private static LlmClient client(StubServer server, String path, int maxConcurrent) {
		return LlmClient.builder()
			.endpoint("http://127.0.0.1:" + server.port() + path)
			.apiKey(Contender.API_KEY)
			.model(Contender.MODEL)
			.lifecycle((lifecycle) -> lifecycle.withEagerInit(false))
			.limits((limits) -> limits.withMaxConcurrent(maxConcurrent))
			.build();
	}

}
