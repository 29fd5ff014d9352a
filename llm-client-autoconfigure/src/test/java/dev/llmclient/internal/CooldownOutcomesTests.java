package dev.llmclient.internal;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.llmclient.ChatRequest;
import dev.llmclient.ChatResponse;
import dev.llmclient.LlmClientBuilder;
import dev.llmclient.LlmClientSettings;
import dev.llmclient.EndpointSettings;
import dev.llmclient.RoutingSettings;
import dev.llmclient.LlmEndpointsUnavailableException;
import dev.llmclient.LlmHttpException;
import dev.llmclient.batch.BatchOptions;
import dev.llmclient.batch.BatchResult;
import dev.llmclient.batch.LlmBatchService;
import dev.llmclient.testsupport.ReplicaServer;
import dev.llmclient.testsupport.TestClients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Which attempts decide an endpoint's cooldown, against two replicas on loopback: LLM
 * calls outlast the cooldown, so answers to calls sent before it began arrive while it
 * runs or during the half-open trial, and calls are cancelled by their callers. The
 * replica under test is {@code endpoints[1]}; {@code endpoints[0]} takes one call at a
 * time and is kept busy, so every other call goes to the replica under test. Time, as
 * cooling down reads it, is the test's clock.
 */
class CooldownOutcomesTests {

	private static final Duration COOLDOWN = Duration.ofSeconds(5);

	private static final String OCCUPY = "occupy";

	private static final Duration WITHIN = Duration.ofSeconds(5);

	private final AtomicLong clock = new AtomicLong();

	private ReplicaServer other;

	private ReplicaServer replica;

	private DefaultLlmClient client;

	@BeforeEach
	void start() {
		this.other = ReplicaServer.start();
		this.replica = ReplicaServer.start();
		LlmClientBuilder builder = TestClients.builder()
			.endpoints(List.of(EndpointSettings.of(this.other.endpoint()).withMaxConcurrent(1),
					EndpointSettings.of(this.replica.endpoint())))
			.routing((routing) -> routing.withStrategy(RoutingSettings.Strategy.ROUND_ROBIN).withCooldown(COOLDOWN))
			.limits((limits) -> limits.withMaxConcurrent(20).withMaxWait(Duration.ofMillis(300)))
			.retry((retry) -> retry.withEnabled(false))
			.lifecycle((lifecycle) -> lifecycle.withEagerInit(false).withShutdownTimeout(Duration.ofMillis(200)));
		this.client = DefaultLlmClient.create(builder, null, this.clock::get);
		// round-robin sends the first call to endpoints[0], which then takes no other
		this.other.hold(OCCUPY);
		generateAsync(OCCUPY);
		await().atMost(WITHIN).until(() -> this.other.received(OCCUPY) == 1);
	}

	@AfterEach
	void stop() {
		this.other.close();
		this.replica.close();
		this.client.close();
	}

	@Test
	void lateSuccessOfACallSentBeforeTheCooldownLeavesTheEndpointHalfOpenUntilItsTrialSucceeds() {
		CompletableFuture<ChatResponse> late = held("late", 1).get(0);
		coolDownTheReplica();
		this.clock.addAndGet(COOLDOWN.toNanos());
		assertThat(state()).isEqualTo("half-open");
		CompletableFuture<ChatResponse> trial = held("trial", 1).get(0);
		this.replica.release("late");
		assertThat(late).succeedsWithin(WITHIN).extracting(ChatResponse::content).isEqualTo("echo: late");
		assertThat(state()).as("only the trial's success ends the cooldown").isEqualTo("half-open");
		this.replica.release("trial");
		assertThat(trial).succeedsWithin(WITHIN).extracting(ChatResponse::content).isEqualTo("echo: trial");
		assertThat(state()).isEqualTo("active");
	}

	@Test
	void lateFailureOfACallSentBeforeTheCooldownNeitherCoolsTheEndpointAgainNorLetsASecondTrialRun() {
		CompletableFuture<ChatResponse> late = held("late", 1).get(0);
		coolDownTheReplica();
		this.clock.addAndGet(COOLDOWN.toNanos());
		CompletableFuture<ChatResponse> trial = held("trial", 1).get(0);
		this.replica.fail(500);
		this.replica.release("late");
		assertFailsWith500(late);
		assertThat(state()).as("the trial still decides").isEqualTo("half-open");
		this.clock.addAndGet(COOLDOWN.toNanos());
		assertThatExceptionOfType(LlmEndpointsUnavailableException.class)
			.isThrownBy(() -> this.client.generate("second trial"));
		assertThat(this.replica.received("second trial")).isZero();
		this.replica.release("trial");
		assertFailsWith500(trial);
		assertThat(state()).as("the trial failed").isEqualTo("cooling-down");
	}

	@Test
	void lateFailuresOfCallsSentBeforeTheCooldownDoNotCountOnceTheTrialReopensTheEndpoint() {
		List<CompletableFuture<ChatResponse>> late = held("late", 5);
		coolDownTheReplica();
		this.replica.fail(500);
		this.replica.release("late");
		late.forEach(CooldownOutcomesTests::assertFailsWith500);
		this.replica.fail(0);
		this.clock.addAndGet(COOLDOWN.toNanos());
		assertThat(this.client.generate("trial")).isEqualTo("echo: trial");
		assertThat(state()).isEqualTo("active");
		this.replica.fail(500);
		assertThatExceptionOfType(LlmHttpException.class).isThrownBy(() -> this.client.generate("one failure"));
		assertThat(state()).as("one failure after the trial's success").isEqualTo("active");
	}

	@Test
	void cancelledCallsInFlightDoNotCoolTheEndpoint() {
		List<CompletableFuture<ChatResponse>> cancelled = held("cancelled", 3);
		cancelled.forEach((call) -> call.cancel(true));
		await().atMost(WITHIN).until(() -> inFlight() == 0);
		assertThat(state()).isEqualTo("active");
		assertThat(this.client.health().endpoints().get(1).health().lastError()).isNull();
	}

	@Test
	void cancelledHalfOpenTrialGivesTheTrialBackSoTheNextCallTriesTheEndpoint() {
		coolDownTheReplica();
		this.clock.addAndGet(COOLDOWN.toNanos());
		CompletableFuture<ChatResponse> trial = held("trial", 1).get(0);
		trial.cancel(true);
		await().atMost(WITHIN).until(() -> inFlight() == 0);
		assertThat(state()).isEqualTo("half-open");
		assertThat(this.client.generate("next")).isEqualTo("echo: next");
		assertThat(state()).isEqualTo("active");
	}

	@Test
	void batchDeadlineCancellingItsCallsInFlightDoesNotCoolTheEndpoint() {
		this.replica.hold("item");
		BatchResult result = new LlmBatchService(this.client).generateAll(List.of("item", "item", "item", "item"),
				BatchOptions.defaults().withDeadline(Duration.ofMillis(500)));
		assertThat(result.succeeded()).isZero();
		await().atMost(WITHIN).until(() -> inFlight() == 0);
		assertThat(this.replica.received("item")).isEqualTo(4);
		assertThat(state()).isEqualTo("active");
	}

	@Test
	void closeCuttingOffCallsInFlightDoesNotCoolTheEndpoint() {
		held("cut off", 3);
		this.client.close();
		await().atMost(WITHIN).until(() -> inFlight() == 0);
		assertThat(state()).isEqualTo("active");
	}

	/** Sends {@code count} calls with this prompt, whose answers the replica holds. */
	private List<CompletableFuture<ChatResponse>> held(String prompt, int count) {
		this.replica.hold(prompt);
		List<CompletableFuture<ChatResponse>> calls = IntStream.range(0, count)
			.mapToObj((i) -> generateAsync(prompt))
			.toList();
		await().atMost(WITHIN).until(() -> this.replica.received(prompt) == count);
		return calls;
	}

	/**
	 * Refused credentials cool the replica down at once (a 429 with {@code Retry-After}
	 * pauses it instead, see {@code EndpointTrafficControlTests}).
	 */
	private void coolDownTheReplica() {
		this.replica.requireKey("another-key");
		assertThatExceptionOfType(LlmHttpException.class).isThrownBy(() -> this.client.generate("refused"))
			.satisfies((ex) -> assertThat(ex.statusCode()).isEqualTo(401));
		this.replica.requireKey(null);
		assertThat(state()).isEqualTo("cooling-down");
	}

	private static void assertFailsWith500(CompletableFuture<ChatResponse> call) {
		assertThat(call).failsWithin(WITHIN)
			.withThrowableOfType(ExecutionException.class)
			.havingCause()
			.isInstanceOfSatisfying(LlmHttpException.class, (ex) -> assertThat(ex.statusCode()).isEqualTo(500));
	}

	private CompletableFuture<ChatResponse> generateAsync(String prompt) {
		return this.client.chatAsync(ChatRequest.of(prompt));
	}

	private String state() {
		return this.client.health().endpoints().get(1).state();
	}

	private int inFlight() {
		return this.client.health().endpoints().get(1).health().bulkhead().inFlight();
	}

}
