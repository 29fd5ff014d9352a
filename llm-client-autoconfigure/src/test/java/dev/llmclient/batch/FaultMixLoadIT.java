package dev.llmclient.batch;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import dev.llmclient.LlmClient;
import dev.llmclient.LlmClientException;
import dev.llmclient.testsupport.CannedBodies;
import dev.llmclient.testsupport.RawHttpServer;
import dev.llmclient.testsupport.TestClients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A few thousand calls through the batch service against a loopback server that injects a
 * mix of faults: every call ends with exactly one result, none is lost, and nothing is
 * left leased, in flight or blocked afterwards.
 */
class FaultMixLoadIT {

	private static final int CALLS = 3_000;

	private static final String ANSWER = CannedBodies.contentOnly("ok");

	/**
	 * Threads that are inside the client's or the batch service's code (not this test's).
	 */
	private static List<String> threadsInClientCode() {
		return Thread.getAllStackTraces()
			.entrySet()
			.stream()
			.filter((entry) -> java.util.Arrays.stream(entry.getValue())
				.anyMatch((frame) -> frame.getClassName().startsWith("dev.llmclient.")
						&& !frame.getClassName().startsWith("dev.llmclient.testsupport.")
						&& !frame.getClassName().startsWith(FaultMixLoadIT.class.getName())))
			.map((entry) -> entry.getKey().getName())
			.toList();
	}

	@Test
	void everyCallEndsWithExactlyOneTypedResultUnderMixedFaults() throws IOException {
		SplittableRandom seeds = new SplittableRandom(42);
		double[] draws = IntStream.range(0, CALLS * 4).mapToDouble((i) -> seeds.nextDouble()).toArray();
		try (RawHttpServer server = new RawHttpServer((exchange) -> {
			double draw = draws[(exchange.requestNumber() - 1) % draws.length];
			if (draw < 0.10) {
				exchange.respond(503, "application/json",
						"{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}");
			}
			else if (draw < 0.15) {
				exchange.socket()
					.getOutputStream()
					.write(("HTTP/1.1 429 Too Many Requests\r\nretry-after-ms: 20\r\n"
							+ "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")
						.getBytes());
			}
			else if (draw < 0.17) {
				exchange.reset();
				return false;
			}
			else if (draw < 0.18) {
				exchange.respond(200, "application/json", "{\"choices\": [ {\"mess");
			}
			else {
				exchange.respond(200, "application/json", ANSWER);
			}
			return true;
		})) {
			try (LlmClient client = TestClients.builder()
				.endpoint(server.baseUrl() + "/v1")
				.lifecycle((lifecycle) -> lifecycle.withEagerInit(false))
				.limits((limits) -> limits.withMaxConcurrent(16))
				.retry((retry) -> retry.withInitialBackoff(Duration.ofMillis(5)).withMaxBackoff(Duration.ofMillis(20)))
				.build()) {
				LlmBatchService batch = new LlmBatchService(client);
				List<String> prompts = IntStream.range(0, CALLS).mapToObj((i) -> "prompt " + i).toList();

				BatchResult result = batch.generateAll(prompts);

				assertThat(result.items()).hasSize(CALLS);
				assertThat(result.items()).extracting(BatchItem::index)
					.containsExactlyElementsOf(IntStream.range(0, CALLS).boxed().toList());
				assertThat(result.succeeded() + result.failed()).isEqualTo(CALLS);
				Map<String, Long> outcomes = new TreeMap<>(
						result.items()
							.stream()
							.collect(Collectors.groupingBy(
									(item) -> (item instanceof BatchItem.Failure failure)
											? failure.error().getClass().getSimpleName() : "success",
									Collectors.counting())));
				result.items()
					.stream()
					.filter((item) -> !item.ok())
					.forEach((item) -> assertThat(((BatchItem.Failure) item).error())
						.isInstanceOf(LlmClientException.class));
				assertThat(result.succeeded()).isGreaterThan(CALLS * 9 / 10);
				assertThat(client.health().pool().leased()).isZero();
				assertThat(client.health().bulkhead().inFlight()).isZero();
				assertThat(client.health().bulkhead().waiting()).isZero();
				System.out.printf("fault mix: %d calls, %d server requests, %d connections, %s, %d ms%n", CALLS,
						server.requests(), server.connections(), outcomes, result.elapsed().toMillis());
			}
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(threadsInClientCode()).isEmpty());
		}
	}

}
