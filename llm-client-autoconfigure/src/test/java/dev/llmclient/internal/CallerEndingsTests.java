package dev.llmclient.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.llmclient.ChatRequest;
import dev.llmclient.ChatResponse;
import dev.llmclient.LlmClient;
import dev.llmclient.LlmClientException;
import dev.llmclient.LlmClientHealth;
import dev.llmclient.EndpointSettings;
import dev.llmclient.LlmClientSettings;
import dev.llmclient.LlmHttpException;
import dev.llmclient.LlmTimeoutException;
import dev.llmclient.testsupport.LoopbackLlmServer;
import dev.llmclient.testsupport.LoopbackWireMock;
import dev.llmclient.testsupport.ReplicaServer;
import dev.llmclient.testsupport.TestClients;
import dev.llmclient.traffic.RateBudget;
import dev.llmclient.internal.recording.MicrometerCallMetrics;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * A caller's choice is never the server's failure: a cancelled future, a stream its
 * consumer stopped (whatever it threw), an interrupted thread, a deadline that passed
 * before anything was sent. None of them cools an endpoint, shrinks an adaptive limit,
 * becomes health's latest error or counts as failed; each ends counted under
 * {@code error.type} {@code cancelled} (or, never sent, as a refusal), and everything the
 * call took is given back.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CallerEndingsTests {

	private static final String PATH = "/v1/chat/completions";

	private static final String COMPLETION = "{\"id\":\"c\",\"model\":\"m\",\"choices\":[{\"index\":0,"
			+ "\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},\"finish_reason\":\"stop\"}],"
			+ "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2}}";

	@RegisterExtension
	static WireMockExtension server = LoopbackWireMock.extension();

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final List<AutoCloseable> closeables = new ArrayList<>();

	private final ExecutorService callers = Executors.newCachedThreadPool();

	@AfterEach
	void close() throws Exception {
		this.callers.shutdownNow();
		for (AutoCloseable closeable : this.closeables) {
			closeable.close();
		}
	}

	private <T extends AutoCloseable> T closeLater(T closeable) {
		this.closeables.add(0, closeable);
		return closeable;
	}

	private static ResponseDefinitionBuilder sse(String... contents) {
		StringBuilder body = new StringBuilder();
		for (String content : contents) {
			body.append("data: {\"id\":\"s\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"")
				.append(content)
				.append("\"},\"finish_reason\":null}]}\n\n");
		}
		body.append("data: {\"id\":\"s\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n");
		body.append("data: [DONE]\n\n");
		return aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream").withBody(body.toString());
	}

	/** Calls timed as cancelled, summed over endpoints. */
	private long cancelledCalls() {
		return this.registry.find(MicrometerCallMetrics.DURATION)
			.tag("error.type", "cancelled")
			.timers()
			.stream()
			.mapToLong(Timer::count)
			.sum();
	}

	/** Runs a blocking call on a thread of its own, as another caller would. */
	private <T> CompletableFuture<T> onAnotherThread(Supplier<T> call) {
		return CompletableFuture.supplyAsync(call, this.callers);
	}

	/** Throws a checked exception where the compiler does not let one be thrown. */
	@SuppressWarnings("unchecked")
	private static <E extends Throwable> void sneakyThrow(Throwable failure) throws E {
		throw (E) failure;
	}

	@Test
	void aConsumerThrowingACheckedExceptionStopsTheStreamOnceAndFreesEveryEndpointSlot() {
		server.stubFor(post(urlEqualTo(PATH)).willReturn(sse("Hel", "lo")));
		// two endpoints on the same server, one call each at most
		LlmClient client = closeLater(TestClients.builder()
			.endpoints(List.of(EndpointSettings.of("http://127.0.0.1:" + server.getPort() + "/v1").withMaxConcurrent(1),
					EndpointSettings.of("http://localhost:" + server.getPort() + "/v1").withMaxConcurrent(1)))
			.lifecycle((lifecycle) -> lifecycle.withEagerInit(false))
			.limits((limits) -> limits.withMaxWait(Duration.ofSeconds(2)))
			.retry(TestClients::fastBackoff)
			.meterRegistry(this.registry)
			.build());
		IOException browserLeft = new IOException("Broken pipe");
		for (int i = 0; i < 3; i++) {
			assertThatExceptionOfType(LlmClientException.class)
				.isThrownBy(() -> client.stream(ChatRequest.of("hi"), (chunk) -> sneakyThrow(browserLeft)))
				.withMessageContaining("stopped by its consumer")
				.havingCause()
				.isSameAs(browserLeft);
		}
		server.verify(3, postRequestedFor(urlEqualTo(PATH))); // never retried
		assertThat(cancelledCalls()).isEqualTo(3);
		// the endpoints' slots came back: two calls at once still find a place
		server.stubFor(post(urlEqualTo(PATH)).willReturn(okJson(COMPLETION)));
		CompletableFuture<ChatResponse> first = client.chatAsync(ChatRequest.of("a"));
		CompletableFuture<ChatResponse> second = client.chatAsync(ChatRequest.of("b"));
		assertThat(first.join().content()).isEqualTo("ok");
		assertThat(second.join().content()).isEqualTo("ok");
		LlmClientHealth health = client.health();
		assertThat(health.up()).isTrue();
		assertThat(health.endpoints()).allSatisfy((endpoint) -> assertThat(endpoint.state()).isEqualTo("active"));
		assertThat(health.calls().failed()).isZero();
	}

	@Test
	void aStreamStoppedByItsConsumerIsCancelledNotFailed() {
		server.stubFor(post(urlEqualTo(PATH)).willReturn(sse("Hel", "lo")));
		LlmClient client = closeLater(
				TestClients.lazy(server.baseUrl() + "/v1").model("m").meterRegistry(this.registry).build());
		IllegalStateException enough = new IllegalStateException("enough");
		assertThatExceptionOfType(IllegalStateException.class)
			.isThrownBy(() -> client.stream(ChatRequest.of("hi"), (chunk) -> {
				throw enough;
			}))
			.isSameAs(enough);
		LlmClientHealth health = client.health();
		assertThat(health.calls()).isEqualTo(new LlmClientHealth.Calls(1, 0, 0, 1));
		assertThat(health.lastError()).isNull();
		assertThat(health.latency().count()).as("a stopped stream is no latency sample").isZero();
		assertThat(cancelledCalls()).isOne();
		assertThat(client.health().bulkhead().inFlight()).isZero();
	}

	@Test
	void interruptingTheThreadStopsAStreamWithoutADeadlineBetweenChunks() {
		server.stubFor(post(urlEqualTo(PATH)).willReturn(sse("a", "b", "c")));
		LlmClient client = closeLater(
				TestClients.lazy(server.baseUrl() + "/v1").model("m").meterRegistry(this.registry).build());
		List<String> seen = new ArrayList<>();
		try {
			assertThatExceptionOfType(LlmClientException.class)
				.isThrownBy(() -> client.stream(ChatRequest.of("hi"), (chunk) -> {
					seen.add(chunk.content());
					Thread.currentThread().interrupt(); // as another thread would
				}))
				.withMessageContaining("interrupted");
			assertThat(Thread.currentThread().isInterrupted()).as("the interrupt is kept for the caller").isTrue();
		}
		finally {
			Thread.interrupted();
		}
		assertThat(seen).containsExactly("a");
		assertThat(client.health().calls().cancelled()).isOne();
		assertThat(client.health().bulkhead().inFlight()).isZero();
	}

	@Test
	void cancelledCallsCoolNoEndpointAndLeaveTheClientUp() throws Exception {
		List<ReplicaServer> replicas = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			replicas.add(closeLater(ReplicaServer.start().delay(Duration.ofSeconds(5))));
		}
		LlmClient client = closeLater(TestClients.builder()
			.endpoints(replicas.stream().map((replica) -> EndpointSettings.of(replica.endpoint())).toList())
			.lifecycle((lifecycle) -> lifecycle.withEagerInit(false).withShutdownTimeout(Duration.ZERO))
			.limits((limits) -> limits.withMaxConcurrent(30))
			.meterRegistry(this.registry)
			.build());
		List<CompletableFuture<ChatResponse>> calls = new ArrayList<>();
		for (int i = 0; i < 30; i++) {
			calls.add(client.chatAsync(ChatRequest.of("slow " + i)));
		}
		await().atMost(Duration.ofSeconds(10))
			.until(() -> replicas.stream().mapToInt(ReplicaServer::chatRequests).sum() == 30);
		calls.forEach((call) -> call.cancel(true));
		await().atMost(Duration.ofSeconds(10)).until(() -> client.health().bulkhead().inFlight() == 0);
		LlmClientHealth health = client.health();
		assertThat(health.up()).isTrue();
		assertThat(health.endpoints()).allSatisfy((endpoint) -> assertThat(endpoint.state()).isEqualTo("active"));
		assertThat(health.calls().failed()).isZero();
		await().atMost(Duration.ofSeconds(10)).until(() -> cancelledCalls() == 30);
		replicas.forEach((replica) -> replica.delay(Duration.ZERO));
		long start = System.nanoTime();
		assertThat(client.generate("fast")).isEqualTo("echo: fast");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).as("no endpoint to wait for")
			.isLessThan(Duration.ofSeconds(2));
	}

	@Test
	void aDeadlineThatPassedBeforeSendingIsARefusalNotADropOfTheAdaptiveLimit() {
		server.stubFor(post(urlEqualTo(PATH)).willReturn(okJson(COMPLETION)));
		LlmClient client = closeLater(TestClients.lazy(server.baseUrl() + "/v1")
			.model("m")
			.adaptive((adaptive) -> adaptive.withEnabled(true))
			.limits((limits) -> limits.withMaxConcurrent(10).withTimeout(Duration.ofNanos(1)))
			.meterRegistry(this.registry)
			.build());
		int limit = client.health().bulkhead().limit();
		for (int i = 0; i < 5; i++) {
			assertThatExceptionOfType(LlmTimeoutException.class).isThrownBy(() -> client.generate("hi"));
		}
		server.verify(0, postRequestedFor(urlEqualTo(PATH)));
		LlmClientHealth health = client.health();
		assertThat(health.bulkhead().limit()).isEqualTo(limit);
		assertThat(health.up()).isTrue();
		assertThat(health.latency().count()).as("refusals are no latency samples").isZero();
		assertThat(health.bulkhead().inFlight()).isZero();
	}

	@Test
	void aThrowingObservationHandlerDuringAdmissionLeaksNoPermit() throws Exception {
		LoopbackLlmServer held = closeLater(LoopbackLlmServer.start());
		ObservationRegistry observations = ObservationRegistry.create();
		observations.observationConfig().observationHandler(new ObservationHandler<>() {

			@Override
			public void onEvent(Observation.Event event, Observation.Context context) {
				if (event.getName().equals("llm.client.bulkhead.wait")) {
					throw new IllegalStateException("handler failed");
				}
			}

			@Override
			public boolean supportsContext(Observation.Context context) {
				return true;
			}

		});
		LlmClient client = closeLater(TestClients.lazy(held.endpoint())
			.limits((limits) -> limits.withMaxConcurrent(1))
			.observationRegistry(observations)
			.build());
		held.holdChatCompletions();
		CompletableFuture<String> first = onAnotherThread(() -> client.generate("first"));
		assertThat(held.awaitHeldChatCompletions(1, Duration.ofSeconds(10))).isTrue();
		CompletableFuture<String> waiting = onAnotherThread(() -> client.generate("waits for a permit"));
		await().atMost(Duration.ofSeconds(10)).until(() -> client.health().bulkhead().waiting() == 1);
		Thread.sleep(20); // a wait long enough to become an event of the observation
		held.releaseChatCompletions();
		first.join();
		assertThatExceptionOfType(Exception.class).isThrownBy(waiting::join)
			.withRootCauseInstanceOf(IllegalStateException.class);
		await().atMost(Duration.ofSeconds(10)).until(() -> client.health().bulkhead().inFlight() == 0);
	}

	@Test
	void aRetryThatGetsNoPermitBackFailsWithTheFailureItWasRetrying() {
		// the first request is refused, the next one (another call's) takes 5 s
		server.stubFor(post(urlEqualTo(PATH)).inScenario("busy")
			.whenScenarioStateIs(Scenario.STARTED)
			.willReturn(aResponse().withStatus(503).withBody("{}"))
			.willSetStateTo("slow"));
		server.stubFor(post(urlEqualTo(PATH)).inScenario("busy")
			.whenScenarioStateIs("slow")
			.willReturn(okJson(COMPLETION).withFixedDelay(5000)));
		// adaptive limits give the permit back during a backoff
		LlmClient client = closeLater(TestClients.lazy(server.baseUrl() + "/v1")
			.model("m")
			.adaptive((adaptive) -> adaptive.withEnabled(true).withMinConcurrent(1))
			.limits((limits) -> limits.withMaxConcurrent(1).withMaxWait(Duration.ofMillis(300)))
			.retry((retry) -> retry.withInitialBackoff(Duration.ofMillis(500))
				.withMaxBackoff(Duration.ofMillis(500))
				.withJitter(0))
			.build());
		CompletableFuture<ChatResponse> retried = client.chatAsync(ChatRequest.of("503, then no permit"));
		await().atMost(Duration.ofSeconds(10))
			.until(() -> server.findAll(postRequestedFor(urlEqualTo(PATH))).size() == 1);
		// during the backoff, the permit goes to a call the server holds
		CompletableFuture<String> holder = onAnotherThread(() -> client.generate("holds the permit"));
		assertThatExceptionOfType(Exception.class).isThrownBy(retried::join)
			.havingCause()
			.isInstanceOfSatisfying(LlmHttpException.class, (http) -> assertThat(http.statusCode()).isEqualTo(503));
		assertThat(holder.join()).isEqualTo("ok");
	}

	record Contact(String name) {
	}

	@Test
	void cancellingAStructuredAsyncCallAlsoCancelsItsRepairCall() {
		String notJson = COMPLETION.replace("\"content\":\"ok\"", "\"content\":\"not json\"");
		server.stubFor(post(urlEqualTo(PATH)).inScenario("repair")
			.whenScenarioStateIs(Scenario.STARTED)
			.willReturn(okJson(notJson))
			.willSetStateTo("repairing"));
		server.stubFor(post(urlEqualTo(PATH)).inScenario("repair")
			.whenScenarioStateIs("repairing")
			.willReturn(okJson(COMPLETION).withFixedDelay(10_000)));
		LlmClient client = closeLater(TestClients.lazy(server.baseUrl() + "/v1")
			.model("m")
			.chat((chat) -> chat.withStructuredOutputRepair(true))
			.meterRegistry(this.registry)
			.build());
		CompletableFuture<Contact> answer = client.chatAsync(ChatRequest.of("who?"), Contact.class);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> server.findAll(postRequestedFor(urlEqualTo(PATH))).size() == 2);
		answer.cancel(true);
		await().atMost(Duration.ofSeconds(3)).until(() -> client.health().bulkhead().inFlight() == 0);
		assertThat(cancelledCalls()).isOne();
	}

	@Test
	void budgetsComeBackWhenClosingRefusesACallThatWasAdmitted() throws Exception {
		LoopbackLlmServer held = closeLater(LoopbackLlmServer.start());
		CountingBudget requests = new CountingBudget(1000);
		DefaultLlmClient client = (DefaultLlmClient) TestClients.lazy(held.endpoint())
			.limits((limits) -> limits.withMaxConcurrent(1))
			.requestBudget((configured) -> requests)
			.lifecycle((lifecycle) -> lifecycle.withEagerInit(false).withShutdownTimeout(Duration.ofSeconds(20)))
			.build();
		held.holdChatCompletions();
		CompletableFuture<String> first = onAnotherThread(() -> client.generate("first"));
		assertThat(held.awaitHeldChatCompletions(1, Duration.ofSeconds(10))).isTrue();
		CompletableFuture<String> second = onAnotherThread(() -> client.generate("waits, then is refused"));
		await().atMost(Duration.ofSeconds(10)).until(() -> client.health().bulkhead().waiting() == 1);
		CompletableFuture<Void> closing = CompletableFuture.runAsync(client::close, this.callers);
		// warming up checks first that the client is open, and waits for no permit
		await().atMost(Duration.ofSeconds(10)).until(() -> {
			try {
				client.warmUp();
				return false;
			}
			catch (IllegalStateException ex) {
				return true;
			}
		});
		held.releaseChatCompletions();
		first.join();
		assertThatExceptionOfType(Exception.class).isThrownBy(second::join)
			.withRootCauseInstanceOf(IllegalStateException.class);
		closing.join();
		assertThat(requests.available()).as("only the first call spent a request").isEqualTo(999);
	}

	/**
	 * A budget that neither refills nor bursts: what is taken stays taken until refunded.
	 */
	private static final class CountingBudget implements RateBudget {

		private final AtomicLong available;

		private final long limit;

		CountingBudget(long limit) {
			this.limit = limit;
			this.available = new AtomicLong(limit);
		}

		@Override
		public boolean tryTake(long amount, Duration wait) {
			this.available.addAndGet(-amount);
			return true;
		}

		@Override
		public void charge(long amount) {
			this.available.addAndGet(-amount);
		}

		@Override
		public void refund(long amount) {
			this.available.addAndGet(amount);
		}

		@Override
		public long available() {
			return this.available.get();
		}

		@Override
		public long limit() {
			return this.limit;
		}

	}

}
