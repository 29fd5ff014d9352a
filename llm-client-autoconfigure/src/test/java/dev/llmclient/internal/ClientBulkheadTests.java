package dev.llmclient.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.llmclient.ChatRequest;
import dev.llmclient.ChatResponse;
import dev.llmclient.LlmBulkheadFullException;
import dev.llmclient.LlmClient;
import dev.llmclient.testsupport.CountingChatServer;
import dev.llmclient.testsupport.TestClients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ClientBulkheadTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private CountingChatServer server;

	private LlmClient client;

	private final ExecutorService callers = Executors.newCachedThreadPool();

	@BeforeEach
	void startServer() throws IOException {
		this.server = new CountingChatServer();
	}

	@AfterEach
	void stop() throws IOException {
		this.callers.shutdownNow();
		this.server.close();
		if (this.client != null) {
			this.client.close();
		}
	}

	private LlmClient client(int maxConcurrent, Duration maxWait, MeterRegistry registry) {
		this.client = TestClients.lazy(this.server.endpoint())
			.limits((limits) -> limits.withMaxConcurrent(maxConcurrent).withMaxWait(maxWait))
			.meterRegistry(registry)
			.build();
		return this.client;
	}

	@Test
	void callFailsWithBulkheadFullNamingThePropertiesWhenMaxWaitElapses() throws Exception {
		LlmClient client = client(1, Duration.ofMillis(200), null);
		CompletableFuture<ChatResponse> holding = client.chatAsync(ChatRequest.of("hold"));
		this.server.awaitHeld(1);
		long start = System.nanoTime();
		assertThatExceptionOfType(LlmBulkheadFullException.class).isThrownBy(() -> client.generate("waits"))
			.satisfies((ex) -> {
				assertThat(ex.inFlight()).isEqualTo(1);
				assertThat(ex.maxConcurrent()).isEqualTo(1);
				assertThat(ex.maxWait()).isEqualTo(Duration.ofMillis(200));
			})
			.withMessageContaining("1 calls in flight of llm.client.max-concurrent=1")
			.withMessageContaining("llm.client.max-wait=PT0.2S")
			.withMessageContaining("Raise llm.client.max-concurrent");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
		assertThat(this.server.requests()).isEqualTo(1);
		this.server.release();
		assertThat(holding.get(10, TimeUnit.SECONDS).content()).isEqualTo("echo: hold");
		assertThat(client.health().bulkhead().inFlight()).isZero();
		assertThat(client.generate("after")).isEqualTo("echo: after");
	}

	@Test
	void bulkheadGaugesShowCallsInFlightWaitingAndTheLimit() throws Exception {
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		LlmClient client = client(2, Duration.ofSeconds(20), registry);
		assertThat(gauge(registry, "llm.client.bulkhead.max")).isEqualTo(2);
		assertThat(gauge(registry, "llm.client.bulkhead.in-flight")).isZero();
		CompletableFuture<ChatResponse> first = client.chatAsync(ChatRequest.of("hold-1"));
		CompletableFuture<ChatResponse> second = client.chatAsync(ChatRequest.of("hold-2"));
		this.server.awaitHeld(2);
		Future<String> waiting = this.callers.submit(() -> client.generate("third"));
		await().atMost(WAIT).until(() -> gauge(registry, "llm.client.bulkhead.waiting") == 1);
		assertThat(gauge(registry, "llm.client.bulkhead.in-flight")).isEqualTo(2);
		assertThat(client.health().bulkhead().waiting()).isEqualTo(1);
		this.server.release();
		assertThat(waiting.get(10, TimeUnit.SECONDS)).isEqualTo("echo: third");
		first.get(10, TimeUnit.SECONDS);
		second.get(10, TimeUnit.SECONDS);
		assertThat(gauge(registry, "llm.client.bulkhead.in-flight")).isZero();
		assertThat(gauge(registry, "llm.client.bulkhead.waiting")).isZero();
		assertThat(this.server.maxInFlight()).isEqualTo(2);
	}

	@Test
	void bulkheadGaugesCarryTheServerTagsAndGoAwayWhenTheClientCloses() {
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		LlmClient client = client(3, Duration.ofSeconds(1), registry);
		String port = this.server.endpoint().replaceAll(".*:(\\d+)/v1", "$1");
		for (String name : new String[] { "in-flight", "waiting", "max" }) {
			assertThat(registry.get("llm.client.bulkhead." + name)
				.tag("server.address", "127.0.0.1")
				.tag("server.port", port)
				.gauge()).isNotNull();
		}
		client.close();
		assertThat(registry.find("llm.client.bulkhead.in-flight").gauges()).isEmpty();
		assertThat(registry.find("llm.client.bulkhead.max").gauges()).isEmpty();
	}

	@Test
	void waitingCallTakesTheSlotAFinishedCallReleases() throws Exception {
		LlmClient client = client(1, Duration.ofSeconds(20), null);
		CompletableFuture<ChatResponse> holding = client.chatAsync(ChatRequest.of("hold"));
		this.server.awaitHeld(1);
		Future<String> waiting = this.callers.submit(() -> client.generate("next"));
		await().atMost(WAIT).until(() -> client.health().bulkhead().waiting() == 1);
		assertThat(this.server.requests()).isEqualTo(1);
		this.server.release();
		assertThat(waiting.get(10, TimeUnit.SECONDS)).isEqualTo("echo: next");
		assertThat(holding.get(10, TimeUnit.SECONDS).content()).isEqualTo("echo: hold");
		assertThat(this.server.maxInFlight()).isEqualTo(1);
	}

	@Test
	void queuedAsyncCallsCountAsWaitingAndFailAfterMaxWaitOnEveryJava() throws Exception {
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		LlmClient client = client(2, Duration.ofMillis(300), registry);
		List<CompletableFuture<ChatResponse>> holding = List.of(client.chatAsync(ChatRequest.of("hold-1")),
				client.chatAsync(ChatRequest.of("hold-2")));
		this.server.awaitHeld(2);
		List<CompletableFuture<ChatResponse>> queued = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			queued.add(client.chatAsync(ChatRequest.of("queued-" + i)));
		}
		Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(client.health().bulkhead().waiting()).isEqualTo(4));
		assertThat(gauge(registry, "llm.client.bulkhead.waiting")).isEqualTo(4);

		for (CompletableFuture<ChatResponse> call : queued) {
			assertThat(call).failsWithin(Duration.ofSeconds(10))
				.withThrowableThat()
				.havingCause()
				.isInstanceOf(LlmBulkheadFullException.class)
				.withMessageContaining("llm.client.max-wait");
		}
		Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(gauge(registry, "llm.client.bulkhead.waiting")).isZero());
		assertThat(registry.get("gen_ai.client.operation.duration").tag("error.type", "bulkhead_full").timer().count())
			.isEqualTo(4);
		assertThat(client.health().calls().failed()).isEqualTo(4);
		assertThat(this.server.requests()).as("queued calls never sent").isEqualTo(2);
		this.server.release();
		for (CompletableFuture<ChatResponse> call : holding) {
			assertThat(call.get(10, TimeUnit.SECONDS).content()).startsWith("echo: hold");
		}
		assertThat(client.health().calls().total()).isEqualTo(6);
	}

	private static double gauge(MeterRegistry registry, String name) {
		return registry.get(name).gauge().value();
	}

}
