package dev.llmclient.cluster;

import java.math.BigDecimal;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.llmclient.ChatRequest;
import dev.llmclient.LlmClient;
import dev.llmclient.LlmClientBuilder;
import dev.llmclient.LlmRateLimitedException;
import dev.llmclient.PricingSettings.ModelPrice;
import dev.llmclient.testsupport.LimitedChatServer;
import dev.llmclient.testsupport.RedisServerProcess;
import dev.llmclient.testsupport.TestClients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Two clients, as two application instances would hold, sharing one spend budget through
 * one real Redis. The model {@code limited} is priced at 1 USD a token: a call is
 * estimated at 4 and settled to the 3 tokens the server reports.
 */
class ClusterSpendBudgetTests {

	private static final ChatRequest REQUEST = ChatRequest.builder().user("abcd").maxTokens(3).build();

	private static RedisServerProcess redis;

	@BeforeAll
	static void startRedis() {
		redis = RedisServerProcess.start();
	}

	@AfterAll
	static void stopRedis() {
		redis.close();
	}

	@Test
	void twoInstancesShareTheDailyBudget() throws Exception {
		try (LimitedChatServer server = new LimitedChatServer(); RedisFixture fixture = new RedisFixture(redis)) {
			ClusterSettings cluster = ClusterSettings.DEFAULTS.withKey("spend-shared")
				.withCommandTimeout(Duration.ofSeconds(1));
			try (LlmClient first = client(fixture, server, cluster);
					LlmClient second = client(fixture, server, cluster)) {
				first.chat(REQUEST);
				first.chat(REQUEST);
				second.chat(REQUEST);
				assertThat(second.health().rateLimit().costPerDayRemaining()).as("left of 10 after three calls of 3")
					.isEqualByComparingTo("1");
				assertThat(first.health().rateLimit().costPerDayRemaining()).isEqualByComparingTo("1");
				for (LlmClient client : new LlmClient[] { first, second }) {
					assertThatExceptionOfType(LlmRateLimitedException.class).isThrownBy(() -> client.chat(REQUEST))
						.satisfies((ex) -> {
							assertThat(ex.budget()).isEqualTo(LlmRateLimitedException.Budget.SPEND);
							assertThat(ex.property()).isEqualTo("llm.client.budget.cost-per-day");
						})
						.withMessageContaining("has 1 USD left");
				}
				assertThat(server.requests()).isEqualTo(3);
				assertThat(fixture.raw().sync().keys("llm-client:{spend-shared}:spend-day:*")).singleElement()
					.satisfies((key) -> assertThat(fixture.raw().sync().pttl(key)).isPositive());
			}
		}
	}

	@Test
	void instancesOfAnotherKeyHaveABudgetOfTheirOwn() throws Exception {
		try (LimitedChatServer server = new LimitedChatServer(); RedisFixture fixture = new RedisFixture(redis)) {
			ClusterSettings settings = ClusterSettings.DEFAULTS.withCommandTimeout(Duration.ofSeconds(1));
			try (LlmClient first = client(fixture, server, settings.withKey("spend-a"));
					LlmClient second = client(fixture, server, settings.withKey("spend-b"))) {
				first.chat(REQUEST);
				first.chat(REQUEST);
				first.chat(REQUEST);
				second.chat(REQUEST);
				assertThat(second.health().rateLimit().costPerDayRemaining()).isEqualByComparingTo("7");
			}
		}
	}

	private static LlmClient client(RedisFixture fixture, LimitedChatServer server, ClusterSettings cluster) {
		LlmClientBuilder builder = TestClients.lazy(server.endpoint())
			.model("limited")
			.pricing((pricing) -> pricing.withModel("limited",
					new ModelPrice(new BigDecimal("1000000"), null, new BigDecimal("1000000"))))
			.budget((budget) -> budget.withCostPerDay(BigDecimal.TEN));
		fixture.instance(cluster, builder.settings(), Duration.ofMinutes(1), null).applyTo(builder);
		return builder.build();
	}

}
