package dev.llmclient.autoconfigure;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.llmclient.ChatRequest;
import dev.llmclient.LlmClient;
import dev.llmclient.LlmClientSettingException;
import dev.llmclient.batch.LlmBatchService;
import dev.llmclient.testsupport.LoopbackLlmServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * An application with several clients, each against its own loopback server: both answer,
 * health shows one entry per client and meters keep them apart by
 * {@code llm.client.name}, health and meters naming each client alike.
 */
class SeveralClientsTests {

	private static LoopbackLlmServer small;

	private static LoopbackLlmServer large;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(LlmClientAutoConfiguration.class, LlmClientMetricsAutoConfiguration.class,
						LlmClientHealthContributorAutoConfiguration.class, LlmBatchAutoConfiguration.class))
		.withBean(SimpleMeterRegistry.class)
		.withPropertyValues("llm.client.eager-init=false", "llm.client.model=small-model");

	@BeforeAll
	static void startServers() {
		small = LoopbackLlmServer.start();
		large = LoopbackLlmServer.start();
	}

	@AfterAll
	static void stopServers() {
		small.close();
		large.close();
	}

	@Test
	void autoConfiguredClientAndAnExtraOneBothAnswerAndReport() {
		this.contextRunner.withPropertyValues("llm.client.endpoint=" + small.endpoint())
			.withUserConfiguration(ExtraClientConfiguration.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				LlmClient defaultClient = context.getBean(LlmClient.class);
				LlmClient largeClient = context.getBean("largeLlmClient", LlmClient.class);
				assertThat(defaultClient.name()).isEqualTo("llmClient");
				assertThat(largeClient.name()).isEqualTo("large");
				defaultClient.generate("Hello");
				largeClient.generate("Hello");
				largeClient.generate("Hello again");
				assertThat(small.chatRequests()).isEqualTo(1);
				assertThat(large.chatRequests()).isEqualTo(2);

				assertThat(context.getBean(LlmBatchService.class).generateAll(List.of("a", "b")).succeeded())
					.isEqualTo(2);
				assertThat(small.chatRequests()).isEqualTo(3);

				Map<String, Status> health = healthByClient(
						context.getBean("llmClientHealthContributor", HealthContributor.class));
				assertThat(health).containsOnlyKeys("llmClient", "large")
					.allSatisfy((name, status) -> assertThat(status).isEqualTo(Status.UP));

				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(callsOf(registry, "llmClient")).isEqualTo(3);
				assertThat(callsOf(registry, "large")).isEqualTo(2);
				assertThat(registry.get("llm.client.bulkhead.max").tag("llm.client.name", "llmClient").gauge().value())
					.isEqualTo(10);
				assertThat(registry.get("llm.client.bulkhead.max").tag("llm.client.name", "large").gauge().value())
					.isEqualTo(3);
				assertThat(registry.get("llm.client.batch.items")
					.tag("llm.client.name", "llmClient")
					.tag("outcome", "success")
					.counter()
					.count()).isEqualTo(2);
			});
	}

	@Test
	void applicationsOwnClientsReplaceTheAutoConfiguredOne() {
		this.contextRunner.withUserConfiguration(TwoClientsConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBeansOfType(LlmClient.class)).containsOnlyKeys("smallLlmClient", "largeLlmClient");
			assertThat(context).doesNotHaveBean(LlmBatchService.class);
			context.getBean("smallLlmClient", LlmClient.class).generate("Hello");
			Map<String, Status> health = healthByClient(
					context.getBean("llmClientHealthContributor", HealthContributor.class));
			assertThat(health).containsOnlyKeys("small", "large");
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(callsOf(registry, "small")).isEqualTo(1);
			assertThat(registry.find("gen_ai.client.operation.duration").tag("llm.client.name", "large").timer())
				.isNull();
		});
	}

	@Test
	void singleClientKeepsItsOwnIndicatorShape() {
		this.contextRunner.withPropertyValues("llm.client.endpoint=" + small.endpoint())
			.run((context) -> assertThat(context.getBean("llmClientHealthContributor"))
				.isInstanceOf(HealthIndicator.class));
	}

	@Test
	void twoOpenClientsOfOneNameInOneRegistryAreRefused() {
		MeterRegistry registry = new SimpleMeterRegistry();
		try (LlmClient first = client(small, "twin", registry, 2)) {
			assertThatExceptionOfType(LlmClientSettingException.class)
				.isThrownBy(() -> client(large, "twin", registry, 2))
				.withMessageContaining("'twin'")
				.withMessageContaining("give each client its own name");
		}
		try (LlmClient again = client(large, "twin", registry, 2)) {
			assertThat(again.name()).isEqualTo("twin");
		}
	}

	private static Map<String, Status> healthByClient(HealthContributor contributor) {
		assertThat(contributor).isInstanceOf(CompositeHealthContributor.class);
		Map<String, Status> statuses = new TreeMap<>();
		((CompositeHealthContributor) contributor).stream()
			.forEach((entry) -> statuses.put(entry.name(),
					((HealthIndicator) entry.contributor()).health(true).getStatus()));
		return statuses;
	}

	private static long callsOf(MeterRegistry registry, String clientName) {
		return registry.get("gen_ai.client.operation.duration").tag("llm.client.name", clientName).timer().count();
	}

	private static LlmClient client(LoopbackLlmServer server, String name, MeterRegistry registry, int maxConcurrent) {
		return LlmClient.builder()
			.name(name)
			.endpoint(server.endpoint())
			.model(name + "-model")
			.meterRegistry(registry)
			.limits((limits) -> limits.withMaxConcurrent(maxConcurrent))
			.lifecycle((lifecycle) -> lifecycle.withEagerInit(false))
			.build();
	}

	@Configuration(proxyBeanMethods = false)
	static class ExtraClientConfiguration {

		/** Not a default candidate, so the auto-configured client stays. */
		@Bean(defaultCandidate = false)
		@Qualifier("large")
		LlmClient largeLlmClient(MeterRegistry registry) {
			return client(large, "large", registry, 3);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TwoClientsConfiguration {

		@Bean
		LlmClient smallLlmClient(MeterRegistry registry) {
			return client(small, "small", registry, 2);
		}

		@Bean
		LlmClient largeLlmClient(MeterRegistry registry) {
			return client(large, "large", registry, 3);
		}

	}

}
