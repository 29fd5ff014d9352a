package dev.llmclient.internal;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import dev.llmclient.ChatRequest;
import dev.llmclient.ChatResponse;
import dev.llmclient.EndpointSettings;
import dev.llmclient.LlmClient;
import dev.llmclient.LlmClientBuilder;
import dev.llmclient.LlmClientSettingException;
import dev.llmclient.LlmRateLimitedException;
import dev.llmclient.LlmTimeoutException;
import dev.llmclient.PricingSettings.ModelPrice;
import dev.llmclient.RoutingSettings;
import dev.llmclient.testsupport.LimitedChatServer;
import dev.llmclient.testsupport.TestClients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The spend budget ({@code budget.cost-per-day}, {@code budget.cost-per-hour}) against
 * loopback servers: a call's estimated cost reserved before it is sent, settled to its
 * real cost, given back when it was never sent, kept when the server may have billed it.
 * <p>
 * The model {@code limited} is priced at 1 USD a token, so a cost reads as tokens: the
 * request {@code "abcd"} with {@code max_tokens} 3 is estimated at 1 + 3 = 4, and the
 * server reports 3 tokens used.
 */
class SpendBudgetTests {

	private static final ChatRequest REQUEST = ChatRequest.builder().user("abcd").maxTokens(3).build();

	private static LlmClientBuilder builder(String endpoint) {
		return TestClients.lazy(endpoint)
			.model("limited")
			.pricing((pricing) -> pricing.withModel("limited",
					new ModelPrice(new BigDecimal("1000000"), null, new BigDecimal("1000000"))));
	}

	@Test
	void callsAreRefusedOnceTheDailyBudgetIsSpentNamingTheSetting() throws Exception {
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		try (LimitedChatServer server = new LimitedChatServer();
				LlmClient client = builder(server.endpoint()).budget((budget) -> budget.withCostPerDay(BigDecimal.TEN))
					.meterRegistry(registry)
					.build()) {
			for (int i = 1; i <= 3; i++) {
				client.chat(REQUEST);
				assertThat(client.health().rateLimit().costPerDayRemaining()).as("left after call %d, settled to 3", i)
					.isEqualByComparingTo(BigDecimal.valueOf(10 - 3 * i));
			}
			assertThatExceptionOfType(LlmRateLimitedException.class).isThrownBy(() -> client.chat(REQUEST))
				.satisfies((ex) -> {
					assertThat(ex.budget()).isEqualTo(LlmRateLimitedException.Budget.SPEND);
					assertThat(ex.property()).isEqualTo("llm.client.budget.cost-per-day");
				})
				.withMessageContaining("llm.client.budget.cost-per-day=10 USD has 1 USD left")
				.withMessageContaining("estimated cost of 4 USD");
			assertThat(server.requests()).as("requests sent").isEqualTo(3);
			assertThat(registry.get("llm.client.throttled").tag("reason", "spend").counter().count()).isOne();
			assertThat(client.health().bulkhead().inFlight()).isZero();
			ChatRequest small = ChatRequest.builder().user("").maxTokens(1).build();
			assertThat(client.chat(small).cost()).as("a call that fits in what is left").isPresent();
		}
	}

	@Test
	void hourlyBudgetRefusesAndGivesTheDailyReservationBack() throws Exception {
		try (LimitedChatServer server = new LimitedChatServer();
				LlmClient client = builder(server.endpoint())
					.budget((budget) -> budget.withCostPerDay(BigDecimal.valueOf(100))
						.withCostPerHour(BigDecimal.valueOf(5)))
					.build()) {
			client.chat(REQUEST);
			assertThatExceptionOfType(LlmRateLimitedException.class).isThrownBy(() -> client.chat(REQUEST))
				.satisfies((ex) -> assertThat(ex.property()).isEqualTo("llm.client.budget.cost-per-hour"));
			assertThat(client.health().rateLimit().costPerHourRemaining()).isEqualByComparingTo("2");
			assertThat(client.health().rateLimit().costPerDayRemaining()).isEqualByComparingTo("97");
		}
	}

	@Test
	void callRefusedByAnotherBudgetGivesItsReservationBack() throws Exception {
		try (LimitedChatServer server = new LimitedChatServer();
				LlmClient client = builder(server.endpoint()).budget((budget) -> budget.withCostPerDay(BigDecimal.TEN))
					.rateLimit((rateLimit) -> rateLimit.withRequestsPerMinute(1L))
					.limits((limits) -> limits.withMaxWait(Duration.ofMillis(50)))
					.build()) {
			client.chat(REQUEST);
			assertThatExceptionOfType(LlmRateLimitedException.class).isThrownBy(() -> client.chat(REQUEST))
				.satisfies((ex) -> assertThat(ex.budget()).isEqualTo(LlmRateLimitedException.Budget.REQUESTS));
			assertThat(client.health().rateLimit().costPerDayRemaining()).isEqualByComparingTo("7");
		}
	}

	@Test
	void callCancelledOnTheWireKeepsItsEstimateSpentOnce() throws Exception {
		try (LimitedChatServer server = new LimitedChatServer().latency(Duration.ofSeconds(2));
				LlmClient client = builder(server.endpoint()).budget((budget) -> budget.withCostPerDay(BigDecimal.TEN))
					.build()) {
			CompletableFuture<ChatResponse> call = client.chatAsync(REQUEST);
			await().atMost(Duration.ofSeconds(5)).until(() -> server.requests() == 1);
			assertThat(call.cancel(true)).isTrue();
			await().atMost(Duration.ofSeconds(5)).until(() -> client.health().bulkhead().inFlight() == 0);
			assertThat(client.health().rateLimit().costPerDayRemaining())
				.as("the server may bill a request it read: the estimate stays spent, once")
				.isEqualByComparingTo("6");
		}
	}

	@Test
	void callThatTimesOutKeepsItsEstimateSpentOnce() throws Exception {
		try (LimitedChatServer server = new LimitedChatServer().latency(Duration.ofSeconds(2));
				LlmClient client = builder(server.endpoint()).budget((budget) -> budget.withCostPerDay(BigDecimal.TEN))
					.limits((limits) -> limits.withTimeout(Duration.ofMillis(200)))
					.build()) {
			assertThatExceptionOfType(LlmTimeoutException.class).isThrownBy(() -> client.chat(REQUEST));
			assertThat(client.health().rateLimit().costPerDayRemaining()).isEqualByComparingTo("6");
		}
	}

	@Test
	void callsOverSeveralEndpointsShareOneBudget() throws Exception {
		try (LimitedChatServer first = new LimitedChatServer();
				LimitedChatServer second = new LimitedChatServer();
				LlmClient client = builder(first.endpoint()).endpoint(null)
					.endpoints(List.of(EndpointSettings.of(first.endpoint()), EndpointSettings.of(second.endpoint())))
					.routing((routing) -> routing.withStrategy(RoutingSettings.Strategy.ROUND_ROBIN))
					.budget((budget) -> budget.withCostPerDay(BigDecimal.TEN))
					.build()) {
			for (int i = 0; i < 3; i++) {
				client.chat(REQUEST);
			}
			assertThatExceptionOfType(LlmRateLimitedException.class).isThrownBy(() -> client.chat(REQUEST))
				.satisfies((ex) -> assertThat(ex.budget()).isEqualTo(LlmRateLimitedException.Budget.SPEND));
			assertThat(first.requests() + second.requests()).isEqualTo(3);
			assertThat(first.requests()).isPositive();
			assertThat(second.requests()).isPositive();
		}
	}

	@Test
	void unpricedModelIsNotCounted() throws Exception {
		try (LimitedChatServer server = new LimitedChatServer();
				LlmClient client = builder(server.endpoint()).budget((budget) -> budget.withCostPerDay(BigDecimal.ONE))
					.build()) {
			ChatRequest other = ChatRequest.builder().model("other").user("abcd").maxTokens(3).build();
			client.chat(other);
			client.chat(other);
			assertThat(client.health().rateLimit().costPerDayRemaining()).isEqualByComparingTo("1");
		}
	}

	@Test
	void budgetWithoutPricesIsRefusedNamingWhatToSet() {
		assertThatExceptionOfType(LlmClientSettingException.class)
			.isThrownBy(() -> TestClients.lazy("http://localhost:1/v1")
				.budget((budget) -> budget.withCostPerHour(BigDecimal.ONE))
				.settings())
			.satisfies((ex) -> assertThat(ex.setting()).isEqualTo("budget.cost-per-hour"))
			.withMessageContaining("llm.client.pricing.models[<model>].input");
	}

}
