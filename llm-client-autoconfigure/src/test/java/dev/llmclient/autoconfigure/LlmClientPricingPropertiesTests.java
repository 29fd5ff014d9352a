package dev.llmclient.autoconfigure;

import java.math.BigDecimal;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.llmclient.BudgetSettings;
import dev.llmclient.LlmClientSettings;
import dev.llmclient.PricingSettings.ModelPrice;
import dev.llmclient.internal.DefaultLlmClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code llm.client.pricing.*} and {@code llm.client.budget.*} reach the client, named
 * clients inherit them, and a bad price stops start-up naming the property.
 */
class LlmClientPricingPropertiesTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RestClientAutoConfiguration.class, LlmClientAutoConfiguration.class))
		.withPropertyValues("llm.client.endpoint=http://127.0.0.1:1/v1", "llm.client.eager-init=false");

	@Test
	void pricesAndBudgetReachTheClientAndNamedClientsInheritThem() {
		this.contextRunner
			.withPropertyValues("llm.client.pricing.currency=EUR", "llm.client.pricing.batch-discount=0.5",
					"llm.client.pricing.models.gpt-4o.input=2.50", "llm.client.pricing.models.gpt-4o.cached-input=1.25",
					"llm.client.pricing.models.gpt-4o.output=10", "llm.client.pricing.models[gpt-4.1].input=2",
					"llm.client.pricing.models[gpt-4.1].output=8", "llm.client.budget.cost-per-day=25",
					"llm.clients.fast.endpoint=http://127.0.0.1:2/v1", "llm.clients.fast.budget.cost-per-hour=1")
			.run((context) -> {
				LlmClientSettings settings = context.getBean("llmClient", DefaultLlmClient.class).settings();
				assertThat(settings.pricing().currency()).isEqualTo("EUR");
				assertThat(settings.pricing().batchDiscount()).isEqualByComparingTo("0.5");
				assertThat(settings.pricing().models()).containsOnlyKeys("gpt-4o", "gpt-4.1");
				assertThat(settings.pricing().models().get("gpt-4o"))
					.isEqualTo(new ModelPrice(new BigDecimal("2.50"), new BigDecimal("1.25"), new BigDecimal("10")));
				assertThat(settings.budget()).isEqualTo(new BudgetSettings(new BigDecimal("25"), null));
				LlmClientSettings fast = context.getBean("fast", DefaultLlmClient.class).settings();
				assertThat(fast.pricing()).isEqualTo(settings.pricing());
				assertThat(fast.budget()).isEqualTo(new BudgetSettings(new BigDecimal("25"), BigDecimal.ONE));
			});
	}

	@Test
	void priceWithoutInputStopsStartUpNamingTheProperty() {
		this.contextRunner.withPropertyValues("llm.client.pricing.models.gpt-4o.output=10")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("pricing.models[gpt-4o].input"));
	}

	@Test
	void negativeBudgetStopsStartUpNamingTheProperty() {
		this.contextRunner
			.withPropertyValues("llm.client.pricing.models.m.input=0", "llm.client.budget.cost-per-day=-1")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("budget.cost-per-day"));
	}

}
