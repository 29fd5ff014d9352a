package dev.llmclient.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.llmclient.ChatRequest;
import dev.llmclient.EndpointSettings;
import dev.llmclient.LlmClient;
import dev.llmclient.LlmClientBuilder;
import dev.llmclient.LlmClientHealth;
import dev.llmclient.LlmEndpointsUnavailableException;
import dev.llmclient.LlmHttpException;
import dev.llmclient.RoutingSettings;
import dev.llmclient.testsupport.ReplicaServer;
import dev.llmclient.testsupport.TestClients;
import dev.llmclient.traffic.RateBudget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Each endpoint's own traffic control, against two replicas on loopback: its server's
 * pacing (from its own {@code x-ratelimit-*} headers), its own adaptive limit and its own
 * budgets; an endpoint held back by any of them is skipped without waiting, and a call
 * that finds every endpoint held back says why each was.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class EndpointTrafficControlTests {

	private static final Duration WITHIN = Duration.ofSeconds(5);

	private final ReplicaServer first = ReplicaServer.start();

	private final ReplicaServer second = ReplicaServer.start();

	@AfterEach
	void stop() {
		this.first.close();
		this.second.close();
	}

	/**
	 * The retry backoff is far longer than the test's timeout: only a move to the other
	 * endpoint at once, and no wait for the paced one, lets the calls finish.
	 */
	@Test
	void endpointAtItsServersRequestLimitIsSkippedAndCallsGoToTheOtherWithoutWaiting() {
		this.first.requestsExhausted("60s");
		try (LlmClient client = roundRobin(this.first, this.second)
			.retry((retry) -> retry.withInitialBackoff(Duration.ofMinutes(1)).withMaxBackoff(Duration.ofMinutes(1)))
			.build()) {
			for (int i = 0; i < 10; i++) {
				assertThat(client.generate("p" + i)).isEqualTo("echo: p" + i);
			}
			assertThat(this.first.chatRequests()).as("the one request that learnt of the limit").isEqualTo(1);
			assertThat(this.second.chatRequests()).isEqualTo(10);
			LlmClientHealth.EndpointHealth paced = client.health().endpoints().get(0);
			assertThat(paced.state()).as("a server at its rate limit is not failing").isEqualTo("active");
			assertThat(paced.health().rateLimit().pausedByServer()).isTrue();
			assertThat(paced.health().rateLimit().pauseRemainingMs()).isPositive();
			assertThat(client.health().endpoints().get(1).health().rateLimit().pausedByServer()).isFalse();
			assertThat(client.health().rateLimit().pausedByServer()).as("the client as a whole is not paused")
				.isFalse();
		}
	}

	@Test
	void oneEndpointsRefusalsShrinkItsOwnAdaptiveLimitOnly() {
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		try (LlmClient client = roundRobin(this.first, this.second).retry(TestClients::fastBackoff)
			.limits((limits) -> limits.withMaxConcurrent(16))
			.adaptive((adaptive) -> adaptive.withEnabled(true).withMinConcurrent(1))
			.meterRegistry(registry)
			.build()) {
			for (int i = 0; i < 8; i++) {
				client.generate("grow " + i);
			}
			int firstBefore = limit(client, 0);
			int secondBefore = limit(client, 1);
			assertThat(firstBefore).as("slow start on the first endpoint's own answers").isGreaterThan(1);
			this.first.fail(429);
			for (int i = 0; i < 6; i++) {
				assertThat(client.generate("after " + i)).isEqualTo("echo: after " + i);
			}
			assertThat(this.first.chatRequests()).as("the first endpoint refused some").isGreaterThan(4);
			assertThat(limit(client, 0)).as("its own limit shrank").isLessThan(firstBefore);
			assertThat(limit(client, 1)).as("the other's did not").isGreaterThanOrEqualTo(secondBefore);
			assertThat(client.health().bulkhead().limit()).as("client-wide: fixed, caps the sum").isEqualTo(16);
			assertThat(registry.get("llm.client.concurrency.limit")
				.tag("server.port", Integer.toString(this.first.port()))
				.gauge()
				.value()).as("the endpoint's own limit, tagged with its address").isEqualTo(limit(client, 0));
			assertThat(registry.get("llm.client.concurrency.limit").tag("server.address", "routed").gauge().value())
				.isEqualTo(16);
		}
	}

	@Test
	void endpointWhoseOwnBudgetIsSpentIsSkippedForTheOther() {
		try (LlmClient client = TestClients.builder()
			.endpoints(List.of(EndpointSettings.of(this.first.endpoint()).withRequestsPerMinute(1L),
					EndpointSettings.of(this.second.endpoint())))
			.routing((routing) -> routing.withStrategy(RoutingSettings.Strategy.ROUND_ROBIN))
			.limits((limits) -> limits.withMaxWait(Duration.ofMillis(200)))
			.lifecycle((lifecycle) -> lifecycle.withEagerInit(false))
			.build()) {
			for (int i = 0; i < 6; i++) {
				assertThat(client.generate("p" + i)).isEqualTo("echo: p" + i);
			}
			assertThat(this.first.chatRequests()).as("its budget of one request a minute").isEqualTo(1);
			assertThat(this.second.chatRequests()).isEqualTo(5);
			assertThat(client.health().endpoints().get(0).health().rateLimit().requestsRemaining()).isZero();
		}
	}

	@Test
	void callFindingEveryEndpointHeldBackFailsAfterMaxWaitSayingWhyEachWas() {
		this.first.requestsExhausted("60s");
		try (LlmClient client = TestClients.builder()
			.endpoints(List.of(EndpointSettings.of(this.first.endpoint()),
					EndpointSettings.of(this.second.endpoint()).withRequestsPerMinute(1L)))
			.routing((routing) -> routing.withStrategy(RoutingSettings.Strategy.ROUND_ROBIN))
			.limits((limits) -> limits.withMaxWait(Duration.ofMillis(300)))
			.retry((retry) -> retry.withEnabled(false))
			.lifecycle((lifecycle) -> lifecycle.withEagerInit(false))
			.build()) {
			assertThatExceptionOfType(LlmHttpException.class).isThrownBy(() -> client.generate("limited"))
				.satisfies((ex) -> assertThat(ex.statusCode()).isEqualTo(429));
			assertThat(client.generate("spends the budget")).isEqualTo("echo: spends the budget");
			assertThatExceptionOfType(LlmEndpointsUnavailableException.class)
				.isThrownBy(() -> client.generate("held back"))
				.satisfies((ex) -> {
					assertThat(ex.waited()).isEqualTo(Duration.ofMillis(300));
					LlmEndpointsUnavailableException.EndpointState paced = ex.endpoints().get(0);
					assertThat(paced.state()).isEqualTo("active");
					assertThat(paced.pacedUntil()).isNotNull();
					assertThat(paced.budget()).isNull();
					LlmEndpointsUnavailableException.EndpointState spent = ex.endpoints().get(1);
					assertThat(spent.pacedUntil()).isNull();
					assertThat(spent.budget()).contains("llm.client.endpoints[1].rate-limit.requests-per-minute=1");
				})
				.withMessageContaining("paced by its server's rate limit until")
				.withMessageContaining(
						"requests budget spent (llm.client.endpoints[1].rate-limit.requests-per-minute=1)");
			assertThat(this.first.received("held back") + this.second.received("held back")).isZero();
		}
	}

	@Test
	void callFindingEveryEndpointPacedWaitsNoLongerThanItsTimeout() {
		this.first.requestsExhausted("60s");
		this.second.requestsExhausted("60s");
		try (LlmClient client = roundRobin(this.first, this.second).retry((retry) -> retry.withEnabled(false))
			.limits((limits) -> limits.withMaxWait(Duration.ofSeconds(30)).withTimeout(Duration.ofMillis(400)))
			.build()) {
			for (int i = 0; i < 2; i++) {
				assertThatExceptionOfType(LlmHttpException.class).isThrownBy(() -> client.generate("limited"));
			}
			assertThatExceptionOfType(LlmEndpointsUnavailableException.class)
				.isThrownBy(() -> client.generate("held back"))
				.satisfies((ex) -> {
					assertThat(ex.waited()).isPositive().isLessThanOrEqualTo(Duration.ofMillis(400));
					assertThat(ex.endpoints()).allSatisfy((state) -> assertThat(state.pacedUntil()).isNotNull());
				});
			assertThat(this.first.received("held back") + this.second.received("held back")).isZero();
		}
	}

	/**
	 * A budget of 60 tokens a minute refills about one a second: the call's estimate
	 * (over a thousand tokens, with the default {@code estimated-output-tokens}) puts it
	 * deep in debt until the answer's usage (3 tokens) settles it.
	 */
	@Test
	void endpointTokenBudgetIsSettledWithTheUsageTheServerReported() {
		try (LlmClient client = TestClients.builder()
			.endpoints(List.of(EndpointSettings.of(this.first.endpoint()).withTokensPerMinute(60L),
					EndpointSettings.of(this.second.endpoint())))
			.routing((routing) -> routing.withStrategy(RoutingSettings.Strategy.ROUND_ROBIN))
			.lifecycle((lifecycle) -> lifecycle.withEagerInit(false))
			.build()) {
			assertThat(client.generate("p")).isEqualTo("echo: p");
			assertThat(this.first.chatRequests()).isOne();
			assertThat(client.health().endpoints().get(0).health().rateLimit().tokensRemaining())
				.as("one token of burst less the 3 used, give or take a second's refill")
				.isBetween(-2L, 1L);
		}
	}

	/**
	 * The attempt's request never reached the dead replica, so what it took from that
	 * endpoint's budget goes back, and the call succeeds on the other.
	 */
	@Test
	void endpointBudgetTakenByAnAttemptThatWasNeverSentIsGivenBack() {
		this.first.kill();
		try (LlmClient client = TestClients.builder()
			.endpoints(List.of(EndpointSettings.of(this.first.endpoint()).withRequestsPerMinute(1L),
					EndpointSettings.of(this.second.endpoint())))
			.routing((routing) -> routing.withStrategy(RoutingSettings.Strategy.ROUND_ROBIN))
			.retry(TestClients::fastBackoff)
			.lifecycle((lifecycle) -> lifecycle.withEagerInit(false))
			.build()) {
			assertThat(client.generate("p")).isEqualTo("echo: p");
			assertThat(client.health().endpoints().get(0).health().lastError()).isNotNull();
			assertThat(client.health().endpoints().get(0).health().rateLimit().requestsRemaining()).isOne();
		}
	}

	@Test
	void budgetOfACallWaitingForAnEndpointIsGivenBackWhenItIsCancelled() {
		CountingBudget requests = new CountingBudget();
		this.first.hold("busy");
		this.second.hold("busy");
		try (LlmClient client = TestClients.builder()
			.endpoints(List.of(EndpointSettings.of(this.first.endpoint()).withMaxConcurrent(1),
					EndpointSettings.of(this.second.endpoint()).withMaxConcurrent(1)))
			.requestBudget((configured) -> requests)
			.limits((limits) -> limits.withMaxWait(Duration.ofSeconds(30)))
			.lifecycle((lifecycle) -> lifecycle.withEagerInit(false).withShutdownTimeout(Duration.ZERO))
			.build()) {
			List<CompletableFuture<?>> busy = new ArrayList<>();
			busy.add(client.chatAsync(ChatRequest.of("busy")));
			busy.add(client.chatAsync(ChatRequest.of("busy")));
			await().atMost(WITHIN).until(() -> this.first.received("busy") + this.second.received("busy") == 2);
			CompletableFuture<?> waiting = client.chatAsync(ChatRequest.of("waiting"));
			await().atMost(WITHIN).until(() -> requests.taken.get() == 3);
			waiting.cancel(true);
			await().atMost(WITHIN).until(() -> requests.taken.get() == 2);
			this.first.release("busy");
			this.second.release("busy");
			busy.forEach((call) -> assertThat(call).succeedsWithin(WITHIN));
			assertThat(requests.taken.get()).as("the two calls sent keep their request").isEqualTo(2);
		}
	}

	private LlmClientBuilder roundRobin(ReplicaServer... replicas) {
		List<EndpointSettings> endpoints = new ArrayList<>();
		for (ReplicaServer replica : replicas) {
			endpoints.add(EndpointSettings.of(replica.endpoint()));
		}
		return TestClients.builder()
			.endpoints(endpoints)
			.routing((routing) -> routing.withStrategy(RoutingSettings.Strategy.ROUND_ROBIN)
				.withCooldownAfterFailures(100))
			.lifecycle((lifecycle) -> lifecycle.withEagerInit(false));
	}

	private static int limit(LlmClient client, int endpoint) {
		return client.health().endpoints().get(endpoint).health().bulkhead().limit();
	}

	/** A budget without limit that counts the requests taken and not given back. */
	private static final class CountingBudget implements RateBudget {

		final AtomicLong taken = new AtomicLong();

		@Override
		public boolean tryTake(long amount, Duration wait) {
			this.taken.addAndGet(amount);
			return true;
		}

		@Override
		public void charge(long amount) {
			this.taken.addAndGet(amount);
		}

		@Override
		public void refund(long amount) {
			this.taken.addAndGet(-amount);
		}

		@Override
		public long available() {
			return Long.MAX_VALUE;
		}

		@Override
		public long limit() {
			return Long.MAX_VALUE;
		}

	}

}
