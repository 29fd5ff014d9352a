package dev.llmclient.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.llmclient.ChatRequest;
import dev.llmclient.ChatResponse;
import dev.llmclient.EndpointSettings;
import dev.llmclient.LlmClient;
import dev.llmclient.LlmClientHealth;

/**
 * A caller cancelling its own calls, against three endpoints: 60 calls to a server that
 * answers after 2 s, all cancelled after 300 ms (a batch deadline, a user who left), then
 * one more call. What a user sees: whether the client stays UP, how many endpoints cool
 * down, and how long the next call waits beyond the server's own 2 s. Issue 24 measured
 * the client before the fix from outside: DOWN, all three endpoints cooling, the next
 * call 4.5 s late. Runs the storm {@code --rounds=N} times (default 3) on a fresh client
 * each.
 */
public final class CancellationStormBenchmark {

	private static final int CALLS = 60;

	private static final Duration CANCEL_AFTER = Duration.ofMillis(300);

	private static final long SERVER_LATENCY_MS = 2000;

	private CancellationStormBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		int rounds = 3;
		for (String arg : args) {
			if (arg.startsWith("--rounds=")) {
				rounds = Integer.parseInt(arg.substring("--rounds=".length()));
			}
		}
		System.out
			.println("| round | health after the storm | endpoints cooling | next call beyond the server's 2 s |");
		System.out.println("| --- | --- | --- | --- |");
		try (StubServer stub = new StubServer()) {
			for (int round = 1; round <= rounds; round++) {
				storm(stub.port(), round);
			}
		}
	}

	private static void storm(int port, int round) throws InterruptedException {
		List<EndpointSettings> endpoints = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			// one stub, three endpoints: the latency is in the path
			endpoints.add(EndpointSettings.of("http://127.0.0.1:" + port + "/l" + (SERVER_LATENCY_MS + i) + "/v1"));
		}
		try (LlmClient client = LlmClient.builder()
			.endpoints(endpoints)
			.apiKey(Contender.API_KEY)
			.model(Contender.MODEL)
			.limits((limits) -> limits.withMaxConcurrent(CALLS))
			.lifecycle((lifecycle) -> lifecycle.withEagerInit(false).withShutdownTimeout(Duration.ZERO))
			.build()) {
			List<CompletableFuture<ChatResponse>> calls = new ArrayList<>();
			for (int i = 0; i < CALLS; i++) {
				calls.add(client.chatAsync(ChatRequest.of(ClosedLoop.PROMPT)));
			}
			// the scenario's own timing: the caller gives up after 300 ms
			TimeUnit.NANOSECONDS.sleep(CANCEL_AFTER.toNanos());
			calls.forEach((call) -> call.cancel(true));
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
			while (client.health().bulkhead().inFlight() > 0 && System.nanoTime() < deadline) {
				TimeUnit.MILLISECONDS.sleep(10);
			}
			LlmClientHealth health = client.health();
			long cooling = health.endpoints()
				.stream()
				.filter((endpoint) -> "cooling-down".equals(endpoint.state()))
				.count();
			long start = System.nanoTime();
			client.chat(ChatRequest.of(ClosedLoop.PROMPT));
			long beyond = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) - SERVER_LATENCY_MS;
			System.out.printf(Locale.ROOT, "| %d | %s (%d cancelled, %d failed) | %d of 3 | %d ms |%n", round,
					health.up() ? "UP" : "DOWN", health.calls().cancelled(), health.calls().failed(), cooling,
					Math.max(0, beyond));
		}
	}

}
