package dev.llmclient.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.llmclient.ChatRequest;
import dev.llmclient.LlmClient;
import dev.llmclient.LlmClientBuilder;
import dev.llmclient.LlmClientClosedException;
import dev.llmclient.LlmClientHealth;
import dev.llmclient.LlmConnectionException;
import dev.llmclient.WarmUpSettings;
import dev.llmclient.testsupport.LoopbackLlmServer;
import dev.llmclient.testsupport.TestClients;
import dev.llmclient.testsupport.RawHttpServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Eager and lazy initialisation, close and drain of a client built with
 * {@link LlmClient#builder()}, counted in real TCP connections at a loopback server.
 */
@ExtendWith(OutputCaptureExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ClientLifecycleTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private static final String API_KEY = "sk-lifecycle-secret-42";

	private LoopbackLlmServer server;

	private final List<LlmClient> clients = new ArrayList<>();

	private final ExecutorService threads = Executors.newCachedThreadPool();

	@BeforeEach
	void startServer() {
		this.server = LoopbackLlmServer.start();
	}

	@AfterEach
	void stop() {
		this.server.releaseChatCompletions();
		this.clients.forEach(LlmClient::close);
		this.threads.shutdownNow();
		this.server.close();
	}

	private LlmClientBuilder builder() {
		return TestClients.builder().endpoint(this.server.endpoint()).apiKey(API_KEY).model("m");
	}

	private LlmClient build(LlmClientBuilder builder) {
		LlmClient client = builder.build();
		this.clients.add(client);
		return client;
	}

	@Test
	void eagerBuildOpensDistinctConnectionsBeforeTheFirstCallAndTheFirstCallOpensNone(CapturedOutput output) {
		LlmClient client = build(builder().warmUp((warmUp) -> warmUp.withConnections(3)));
		assertThat(this.server.acceptedConnections()).isEqualTo(3);
		// one GET /models per connection, then the warm-up requests on those connections
		assertThat(this.server.modelsRequests()).isEqualTo(3 + WarmUpSettings.DEFAULTS.requests());
		assertThat(this.server.chatRequests()).isZero();
		assertThat(client.health().pool().available()).isEqualTo(3);
		assertThat(client.generate("Hi")).isEqualTo("Hello from loopback");
		assertThat(this.server.acceptedConnections()).isEqualTo(3);
		assertThat(output).contains("LLM client 'default' warm-up: opened 3 connections to " + this.server.endpoint())
			.doesNotContain(API_KEY);
	}

	@Test
	void eagerBuildOpensTwoConnectionsByDefault() {
		build(builder());
		assertThat(this.server.acceptedConnections()).isEqualTo(2);
	}

	@Test
	void warmUpNeverExceedsMaxConcurrent() {
		build(builder().limits((limits) -> limits.withMaxConcurrent(1)));
		assertThat(this.server.acceptedConnections()).isEqualTo(1);
	}

	@Test
	void anyHttpAnswerToWarmUpProvesTheConnection(CapturedOutput output) {
		this.server.answerModelsWith(404);
		LlmClient client = build(builder());
		assertThat(client.health().up()).isTrue();
		assertThat(client.health().pool().available()).isEqualTo(2);
		assertThat(output).contains("GET /models answered HTTP 404").doesNotContain("WARN");
		client.generate("Hi");
		assertThat(this.server.acceptedConnections()).isEqualTo(2);
	}

	@Test
	void warmUpAnsweredUnauthorizedWarnsNamingTheKeySettingAndIsDownUntilACallSucceeds(CapturedOutput output) {
		this.server.answerModelsWith(401);
		LlmClient client = build(builder());
		LlmClientHealth health = client.health();
		assertThat(health.up()).isFalse();
		assertThat(health.reason()).contains("answered HTTP 401", "rejected the key in llm.client.api-key")
			.doesNotContain(API_KEY);
		assertThat(output)
			.contains("WARN",
					"LLM client 'default' warm-up: GET " + this.server.endpoint() + "/models answered "
							+ "HTTP 401: the server rejected the key in llm.client.api-key. Check llm.client.api-key")
			.doesNotContain(API_KEY);
		client.generate("Hi");
		assertThat(client.health().up()).isTrue();
	}

	@Test
	void warmUpAnsweredForbiddenWithoutAKeySaysNoKeyWasSet(CapturedOutput output) {
		this.server.answerModelsWith(403);
		LlmClient client = build(TestClients.builder().endpoint(this.server.endpoint()).model("m"));
		assertThat(client.health().up()).isFalse();
		assertThat(output).contains("answered HTTP 403: the server rejected a request without llm.client.api-key");
	}

	@Test
	void lazyBuildOpensNoConnectionUntilTheFirstCall() {
		LlmClient client = build(builder().lifecycle((lifecycle) -> lifecycle.withEagerInit(false)));
		assertThat(client.health().pool().available()).isZero();
		assertThat(this.server.acceptedConnections()).isZero();
		client.generate("Hi");
		assertThat(this.server.acceptedConnections()).isEqualTo(1);
		assertThat(this.server.modelsRequests()).isZero();
	}

	@Test
	void unreachableEndpointIsLoggedAndHealthIsDownUntilACallSucceeds(CapturedOutput output) {
		String endpoint = LoopbackLlmServer.refusingEndpoint();
		LlmClient client = build(builder().endpoint(endpoint));
		LlmClientHealth health = client.health();
		assertThat(health.up()).isFalse();
		assertThat(health.reason()).contains("could not be reached at start-up");
		assertThat(output).contains("WARN")
			.contains("Could not reach llm.client.endpoint=" + endpoint)
			.contains("Connection refused");
	}

	@Test
	void unreachableEndpointWithFailFastFailsTheBuildNamingTheEndpointAndTheCause() {
		String endpoint = LoopbackLlmServer.refusingEndpoint();
		assertThatExceptionOfType(LlmConnectionException.class)
			.isThrownBy(() -> build(builder().endpoint(endpoint).warmUp((warmUp) -> warmUp.withFailFast(true))))
			.withMessageContaining("llm.client.endpoint=" + endpoint)
			.withMessageContaining("Connection refused")
			.withMessageContaining("llm.client.warm-up.fail-fast");
	}

	@Test
	void warmUpGivesUpAfterItsTimeoutWhenTheServerNeverAnswers() throws IOException {
		// The kernel completes the handshake for the backlog: connected, but nobody ever
		// answers.
		try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
			long start = System.nanoTime();
			LlmClient client = build(builder().endpoint("http://127.0.0.1:" + silent.getLocalPort() + "/v1")
				.warmUp((warmUp) -> warmUp.withTimeout(Duration.ofMillis(300))));
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
			assertThat(client.health().up()).isFalse();
			assertThat(client.health().reason()).contains("llm.client.warm-up.timeout");
		}
	}

	@Test
	void closeLetsACallInFlightFinishAndRefusesNewCalls(CapturedOutput output) throws Exception {
		LlmClient client = build(builder().warmUp((warmUp) -> warmUp.withConnections(1)));
		this.server.holdChatCompletions();
		Future<String> inFlight = this.threads.submit(() -> client.generate("slow"));
		assertThat(this.server.awaitHeldChatCompletions(1, WAIT)).isTrue();
		Future<?> closing = this.threads.submit(client::close);
		await().atMost(WAIT).until(() -> output.toString().contains("waiting up to llm.client.shutdown-timeout"));
		assertThatIllegalStateException().isThrownBy(() -> client.generate("late")).withMessageContaining("is closed");
		assertThatIllegalStateException().isThrownBy(() -> client.chatAsync(ChatRequest.of("late")))
			.withMessageContaining("is closed");
		assertThat(closing).isNotDone();
		this.server.releaseChatCompletions();
		assertThat(inFlight.get(10, TimeUnit.SECONDS)).isEqualTo("Hello from loopback");
		closing.get(10, TimeUnit.SECONDS);
		assertThat(this.server.chatRequests()).isEqualTo(1);
		await().atMost(WAIT).until(() -> this.server.openConnections() == 0);
	}

	@Test
	void callWaitingForAPermitWhenCloseBeginsIsRefused(CapturedOutput output) throws Exception {
		LlmClient client = build(builder().limits((limits) -> limits.withMaxConcurrent(1)));
		this.server.holdChatCompletions();
		Future<String> inFlight = this.threads.submit(() -> client.generate("first"));
		assertThat(this.server.awaitHeldChatCompletions(1, WAIT)).isTrue();
		Future<String> waiting = this.threads.submit(() -> client.generate("second"));
		await().atMost(WAIT).until(() -> client.health().bulkhead().waiting() == 1);
		Future<?> closing = this.threads.submit(client::close);
		await().atMost(WAIT).until(() -> output.toString().contains("waiting up to llm.client.shutdown-timeout"));
		this.server.releaseChatCompletions();
		assertThat(inFlight.get(10, TimeUnit.SECONDS)).isEqualTo("Hello from loopback");
		closing.get(10, TimeUnit.SECONDS);
		assertThat(waiting).failsWithin(WAIT)
			.withThrowableThat()
			.havingCause()
			.isInstanceOf(IllegalStateException.class)
			.withMessageContaining("is closed");
		assertThat(this.server.chatRequests()).isEqualTo(1);
	}

	@Test
	void callStillRunningAfterTheShutdownTimeoutFailsSayingTheClientWasClosed(CapturedOutput output) throws Exception {
		LlmClient client = build(
				builder().lifecycle((lifecycle) -> lifecycle.withShutdownTimeout(Duration.ofMillis(200))));
		this.server.holdChatCompletions();
		CompletableFuture<String> inFlight = CompletableFuture.supplyAsync(() -> client.generate("never answered"),
				this.threads);
		assertThat(this.server.awaitHeldChatCompletions(1, WAIT)).isTrue();
		client.close();
		assertThat(inFlight).failsWithin(WAIT)
			.withThrowableThat()
			.havingCause()
			.isExactlyInstanceOf(LlmClientClosedException.class)
			.withMessageContaining("the LLM client was closed while the call was in flight")
			.withMessageContaining("llm.client.shutdown-timeout=PT0.2S")
			.withMessageNotContaining(API_KEY);
		assertThat(output).contains("Cancelling 1 call to " + this.server.endpoint());
		// closing is the application's choice, not the server's failure
		assertThat(client.health().calls().cancelled()).isEqualTo(1);
		assertThat(client.health().calls().failed()).isZero();
	}

	@Test
	void closeEndsEveryCallItCutsOffAtOnceAndStartsNoRetryAfterTheCutOff() throws Exception {
		CountDownLatch serverClosing = new CountDownLatch(1);
		try (RawHttpServer busy = new RawHttpServer((exchange) -> {
			if (exchange.body().contains("hold")) {
				serverClosing.await();
				return false;
			}
			exchange.respondUnavailable("5", "overloaded");
			return true;
		})) {
			// held calls are cut off on the wire; the others sleep before a retry, as the
			// server's Retry-After asks; a retry after an I/O failure would wait the
			// 3 s backoff
			LlmClient client = build(builder().endpoint(busy.baseUrl() + "/v1")
				.lifecycle((lifecycle) -> lifecycle.withEagerInit(false).withShutdownTimeout(Duration.ofMillis(300)))
				.limits((limits) -> limits.withMaxConcurrent(10))
				.retry((retry) -> retry.withInitialBackoff(Duration.ofSeconds(3))
					.withMaxBackoff(Duration.ofSeconds(3))));
			List<CompletableFuture<?>> calls = new ArrayList<>();
			for (String prompt : new String[] { "hold", "busy" }) {
				calls.add(CompletableFuture.supplyAsync(() -> client.generate(prompt), this.threads));
				calls.add(client.chatAsync(ChatRequest.of(prompt)));
				calls.add(CompletableFuture.supplyAsync(() -> client.stream(ChatRequest.of(prompt), (chunk) -> {
				}), this.threads));
			}
			await().atMost(WAIT).until(() -> busy.requests() == calls.size());
			Map<CompletableFuture<?>, Long> ended = new ConcurrentHashMap<>();
			calls.forEach((call) -> call.whenComplete((result, failure) -> ended.put(call, System.nanoTime())));

			long closeStarted = System.nanoTime();
			client.close();
			int requestsAtCutOff = busy.requests();

			await().atMost(WAIT).until(() -> ended.size() == calls.size());
			for (CompletableFuture<?> call : calls) {
				assertThat(Duration.ofNanos(ended.get(call) - closeStarted))
					.as("time from close() to the caller's return")
					.isLessThan(Duration.ofSeconds(2));
				assertThat(call).isCompletedExceptionally();
				assertThatExceptionOfType(CompletionException.class).isThrownBy(call::join)
					.havingCause()
					.withMessageContaining("client was closed");
			}
			assertThat(busy.requests()).as("attempts the server saw after the cut-off").isEqualTo(requestsAtCutOff);
			serverClosing.countDown();
		}
	}

	@Test
	void tryWithResourcesClosesThePool() {
		try (LlmClient client = builder().warmUp((warmUp) -> warmUp.withConnections(3)).build()) {
			client.generate("Hi");
			assertThat(this.server.openConnections()).isEqualTo(3);
		}
		await().atMost(WAIT).until(() -> this.server.openConnections() == 0);
		assertThat(this.server.acceptedConnections()).isEqualTo(3);
	}

	@Test
	void closeIsIdempotentAndThreadSafe() throws Exception {
		LlmClient client = build(builder());
		int closers = 8;
		CyclicBarrier barrier = new CyclicBarrier(closers);
		List<Future<?>> closes = new ArrayList<>();
		for (int i = 0; i < closers; i++) {
			closes.add(this.threads.submit(() -> {
				barrier.await();
				client.close();
				return null;
			}));
		}
		for (Future<?> close : closes) {
			close.get(10, TimeUnit.SECONDS);
		}
		client.close();
		assertThatIllegalStateException().isThrownBy(() -> client.generate("Hi")).withMessageContaining("is closed");
		await().atMost(WAIT).until(() -> this.server.openConnections() == 0);
	}

}
