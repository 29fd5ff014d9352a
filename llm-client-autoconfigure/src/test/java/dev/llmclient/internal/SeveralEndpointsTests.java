package dev.llmclient.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.llmclient.EndpointSettings;
import dev.llmclient.LlmClient;
import dev.llmclient.LlmClientBuilder;
import dev.llmclient.LlmClientHealth;
import dev.llmclient.LlmEndpointsUnavailableException;
import dev.llmclient.RoutingSettings;
import dev.llmclient.batch.BatchItem;
import dev.llmclient.batch.BatchOptions;
import dev.llmclient.batch.BatchResult;
import dev.llmclient.batch.LlmBatchService;
import dev.llmclient.testsupport.ReplicaServer;
import dev.llmclient.testsupport.TestClients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * One client in front of three replicas on loopback, with real sockets: a replica killed
 * in the middle of a batch, a slow one, a rate-limited one, one with a wrong key, and all
 * of them down.
 */
@ExtendWith(OutputCaptureExtension.class)
class SeveralEndpointsTests {

	private final List<ReplicaServer> replicas = new ArrayList<>();

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	@BeforeEach
	void startReplicas() {
		for (int i = 0; i < 3; i++) {
			this.replicas.add(ReplicaServer.start());
		}
	}

	@AfterEach
	void stopReplicas() {
		this.replicas.forEach(ReplicaServer::close);
	}

	@Test
	void batchLosesNoCallWhenAReplicaIsKilledMidwayAndTheReplicaGetsTrafficAgainAfterItsCooldown() throws Exception {
		this.replicas.forEach((replica) -> replica.delay(Duration.ofMillis(20)));
		ReplicaServer victim = this.replicas.get(1);
		try (LlmClient client = client((routing) -> routing.withCooldown(Duration.ofSeconds(2)))
			.limits((limits) -> limits.withMaxConcurrent(12))
			.build()) {
			List<String> prompts = IntStream.range(0, 600).mapToObj((i) -> "prompt-" + i).toList();
			AtomicInteger done = new AtomicInteger();
			CompletableFuture<BatchResult> batch = CompletableFuture.supplyAsync(() -> new LlmBatchService(client)
				.generateAll(prompts, BatchOptions.defaults().withProgress((finished, total) -> done.set(finished))));
			await().atMost(Duration.ofSeconds(20)).until(() -> done.get() >= 150);
			victim.kill();
			long killed = System.nanoTime();
			await().atMost(Duration.ofSeconds(1))
				.until(() -> client.health().endpoints().get(1).state().equals("cooling-down"));
			BatchResult result = batch.get();
			assertThat(result.items()).filteredOn((item) -> !item.ok())
				.map((item) -> ((BatchItem.Failure) item).error().toString())
				.isEmpty();
			assertThat(result.succeeded()).isEqualTo(600);
			assertThat(result.items()).hasSize(600);
			for (BatchItem item : result.items()) {
				assertThat(((BatchItem.Success) item).response().content())
					.as("each prompt answered once, in its place")
					.isEqualTo("echo: prompt-" + item.index());
			}
			assertThat(this.registry.get("llm.client.routing.failovers")
				.tag("server.port", Integer.toString(victim.port()))
				.counter()
				.count()).isPositive();
			assertThat(this.registry.get("llm.client.routing.cooldowns")
				.tag("server.port", Integer.toString(victim.port()))
				.counter()
				.count()).isPositive();
			victim.revive();
			long revived = System.nanoTime();
			await().atMost(Duration.ofSeconds(10)).until(() -> {
				client.generate("after");
				return victim.chatRequestsSince(revived) > 0;
			});
			assertThat(victim.arrivals()).filteredOn((arrival) -> arrival - killed >= 0)
				.allSatisfy((arrival) -> assertThat(arrival - revived).isNotNegative());
		}
	}

	@Test
	void lowestLatencySendsFewCallsToASlowReplica() {
		this.replicas.forEach((replica) -> replica.delay(Duration.ofMillis(10)));
		this.replicas.get(2).delay(Duration.ofMillis(310));
		try (LlmClient client = client((routing) -> routing.withStrategy(RoutingSettings.Strategy.LOWEST_LATENCY))
			.limits((limits) -> limits.withMaxConcurrent(6))
			.build()) {
			BatchResult result = new LlmBatchService(client).generateAll(prompts(150));
			assertThat(result.succeeded()).isEqualTo(150);
			assertThat(this.replicas.get(2).chatRequests()).isLessThanOrEqualTo(30);
		}
	}

	@Test
	void roundRobinSendsEachReplicaAThirdEvenWhenOneIsSlow() {
		this.replicas.forEach((replica) -> replica.delay(Duration.ofMillis(10)));
		this.replicas.get(2).delay(Duration.ofMillis(310));
		try (LlmClient client = client((routing) -> routing.withStrategy(RoutingSettings.Strategy.ROUND_ROBIN))
			.limits((limits) -> limits.withMaxConcurrent(6))
			.build()) {
			BatchResult result = new LlmBatchService(client).generateAll(prompts(90));
			assertThat(result.succeeded()).isEqualTo(90);
			assertThat(this.replicas).allSatisfy((replica) -> assertThat(replica.chatRequests()).isEqualTo(30));
		}
	}

	@Test
	void weightedRoundRobinFollowsTheWeights() {
		List<EndpointSettings> endpoints = List.of(EndpointSettings.of(this.replicas.get(0).endpoint()).withWeight(2),
				EndpointSettings.of(this.replicas.get(1).endpoint()),
				EndpointSettings.of(this.replicas.get(2).endpoint()));
		try (LlmClient client = TestClients.builder()
			.endpoints(endpoints)
			.routing((routing) -> routing.withStrategy(RoutingSettings.Strategy.ROUND_ROBIN))
			.lifecycle((lifecycle) -> lifecycle.withEagerInit(false))
			.build()) {
			for (int i = 0; i < 40; i++) {
				client.generate("p" + i);
			}
		}
		assertThat(this.replicas.get(0).chatRequests()).isEqualTo(20);
		assertThat(this.replicas.get(1).chatRequests()).isEqualTo(10);
		assertThat(this.replicas.get(2).chatRequests()).isEqualTo(10);
	}

	@Test
	void replicaAnswering429WithRetryAfterGetsNothingForThatLong() {
		ReplicaServer limited = this.replicas.get(0).rateLimit("2");
		try (LlmClient client = client((routing) -> routing.withCooldown(Duration.ofMillis(500))).build()) {
			await().atMost(Duration.ofSeconds(10)).until(() -> {
				client.generate("p");
				return limited.chatRequests() >= 2;
			});
		}
		List<Long> arrivals = limited.arrivals();
		assertThat(Duration.ofNanos(arrivals.get(1) - arrivals.get(0))).isGreaterThanOrEqualTo(Duration.ofMillis(1900));
	}

	@Test
	void replicaRefusingTheKeyIsCooledDownAndLoggedWhileTheBatchSucceedsOnTheOthers(CapturedOutput output) {
		this.replicas.get(2).requireKey("right-key");
		List<EndpointSettings> endpoints = List.of(EndpointSettings.of(this.replicas.get(0).endpoint()),
				EndpointSettings.of(this.replicas.get(1).endpoint()),
				EndpointSettings.of(this.replicas.get(2).endpoint()).withApiKey("wrong-key-0123456789"));
		try (LlmClient client = TestClients.builder()
			.endpoints(endpoints)
			.routing((routing) -> routing.withStrategy(RoutingSettings.Strategy.ROUND_ROBIN))
			.lifecycle((lifecycle) -> lifecycle.withEagerInit(false))
			.build()) {
			BatchResult result = new LlmBatchService(client).generateAll(prompts(60));
			assertThat(result.succeeded()).isEqualTo(60);
			LlmClientHealth.EndpointHealth refused = client.health().endpoints().get(2);
			assertThat(refused.state()).isEqualTo("cooling-down");
			assertThat(refused.health().lastError().message()).contains("401")
				.contains("Check llm.client.endpoints[2].api-key");
			assertThat(client.health().up()).isTrue();
		}
		assertThat(output)
			.containsOnlyOnce(
					"LLM endpoint " + this.replicas.get(2).endpoint() + " refused the client's credentials (401)")
			.contains("llm.client.endpoints[2].api-key")
			.doesNotContain("wrong-key-0123456789");
	}

	@Test
	void whenEveryReplicaIsDownACallFailsAfterMaxWaitListingEachStateAndHealthIsDown() {
		this.replicas.forEach(ReplicaServer::kill);
		try (LlmClient client = client((routing) -> routing.withCooldown(Duration.ofSeconds(30)))
			.limits((limits) -> limits.withMaxWait(Duration.ofMillis(500)))
			.build()) {
			assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
				LlmEndpointsUnavailableException unavailable = null;
				while (unavailable == null) {
					try {
						client.generate("p");
					}
					catch (LlmEndpointsUnavailableException ex) {
						unavailable = ex;
					}
					catch (RuntimeException ex) {
						// each failed call cools the replicas down a little more
					}
				}
				assertThat(unavailable.waited()).isEqualTo(Duration.ofMillis(500));
				assertThat(unavailable.endpoints()).hasSize(3)
					.allSatisfy((state) -> assertThat(state.state()).isEqualTo("cooling-down"));
				assertThat(unavailable).hasMessageContaining("llm.client.max-wait");
				LlmEndpointsUnavailableException failure = unavailable;
				this.replicas.forEach(
						(replica) -> assertThat(failure).hasMessageContaining(replica.endpoint() + " cooling-down"));
			});
			LlmClientHealth health = client.health();
			assertThat(health.up()).isFalse();
			assertThat(health.reason()).startsWith("no endpoint is up");
			assertThat(health.endpoints()).hasSize(3)
				.allSatisfy((endpoint) -> assertThat(endpoint.health().lastError()).isNotNull());
		}
	}

	@Test
	void endpointsGetTheirOwnPoolsAndWarmUpOpensConnectionsToEach() {
		try (LlmClient client = TestClients.builder()
			.endpoints(this.replicas.stream().map((replica) -> EndpointSettings.of(replica.endpoint())).toList())
			.warmUp((warmUp) -> warmUp.withConnections(2))
			.build()) {
			LlmClientHealth health = client.health();
			assertThat(health.endpoints()).hasSize(3)
				.allSatisfy((endpoint) -> assertThat(endpoint.health().pool().available()).isEqualTo(2));
			assertThat(health.pool().available()).isEqualTo(6);
		}
	}

	private LlmClientBuilder client(java.util.function.UnaryOperator<RoutingSettings> routing) {
		return TestClients.builder()
			.endpoints(this.replicas.stream().map((replica) -> EndpointSettings.of(replica.endpoint())).toList())
			.routing(routing)
			.retry(TestClients::fastBackoff)
			.lifecycle((lifecycle) -> lifecycle.withEagerInit(false))
			.meterRegistry(this.registry);
	}

	private static List<String> prompts(int count) {
		return IntStream.range(0, count).mapToObj((i) -> "prompt-" + i).toList();
	}

}
