package dev.llmclient.autoconfigure;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.llmclient.HealthSettings;
import dev.llmclient.health.LlmClientHealthIndicator;
import dev.llmclient.internal.DefaultLlmClient;

import static org.assertj.core.api.Assertions.assertThat;

class LlmClientHealthContributorAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(LlmClientAutoConfiguration.class,
				LlmClientHealthContributorAutoConfiguration.class))
		.withPropertyValues("llm.client.endpoint=http://127.0.0.1:1/v1", "llm.client.eager-init=false");

	@Test
	void registersIndicatorNamedForComponentLlmClient() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(LlmClientHealthIndicator.class).hasBean("llmClientHealthContributor");
			assertThat(context.getBean(LlmClientHealthIndicator.class).health(true).getStatus()).isEqualTo(Status.UP);
		});
	}

	@Test
	void turnedOffByManagementProperty() {
		this.contextRunner.withPropertyValues("management.health.llmclient.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(LlmClientHealthIndicator.class));
	}

	@Test
	void absentWhenTheClientIsDisabled() {
		this.contextRunner.withPropertyValues("llm.client.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(LlmClientHealthIndicator.class));
	}

	@Test
	void absentWithoutActuator() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(HealthIndicator.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(LlmClientHealthIndicator.class));
	}

	@Test
	void healthPropertiesReachTheClient() {
		this.contextRunner
			.withPropertyValues("llm.client.health.down-after-failures=2", "llm.client.health.probe.enabled=true",
					"llm.client.health.probe.ttl=1m")
			.run((context) -> assertThat(context.getBean(DefaultLlmClient.class).settings().health())
				.isEqualTo(new HealthSettings(1000, 2, true, Duration.ofMinutes(1))));
	}

	@Test
	void healthDefaultsMakeNoProbe() {
		this.contextRunner.run((context) -> assertThat(context.getBean(DefaultLlmClient.class).settings().health())
			.isEqualTo(new HealthSettings(1000, 5, false, Duration.ofSeconds(30))));
	}

	@Test
	void invalidHealthValueStopsStartUpNamingTheKey() {
		this.contextRunner.withPropertyValues("llm.client.health.down-after-failures=0").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("llm.client.health.down-after-failures")
				.hasMessageContaining("at least 1");
		});
		this.contextRunner.withPropertyValues("llm.client.health.probe.ttl=0s")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("llm.client.health.probe.ttl"));
	}

	@Test
	void backsOffToTheApplicationsIndicator() {
		this.contextRunner
			.withBean("llmClientHealthIndicator", LlmClientHealthIndicator.class,
					() -> new LlmClientHealthIndicator(null))
			.run((context) -> assertThat(context).hasSingleBean(LlmClientHealthIndicator.class));
	}

}
