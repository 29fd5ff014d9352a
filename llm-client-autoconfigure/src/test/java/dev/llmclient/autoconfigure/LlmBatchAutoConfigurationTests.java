package dev.llmclient.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.llmclient.LlmClientCustomizer;
import dev.llmclient.batch.LlmBatchService;
import dev.llmclient.testsupport.TestClients;

import static org.assertj.core.api.Assertions.assertThat;

class LlmBatchAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RestClientAutoConfiguration.class, LlmClientAutoConfiguration.class,
				LlmClientMetricsAutoConfiguration.class, LlmBatchAutoConfiguration.class))
		.withPropertyValues("llm.client.endpoint=http://127.0.0.1:1/v1", "llm.client.eager-init=false");

	@Test
	void batchServiceKeepsAsManyItemsInFlightAsTheClientAllows() {
		this.contextRunner.withPropertyValues("llm.client.max-concurrent=12").run((context) -> {
			assertThat(context).hasSingleBean(LlmBatchService.class);
			assertThat(context.getBean(LlmBatchService.class).maxConcurrent()).isEqualTo(12);
		});
	}

	@Test
	void batchServiceFollowsTheLimitACustomizerSets() {
		this.contextRunner.withPropertyValues("llm.client.max-concurrent=12")
			.withBean(LlmClientCustomizer.class,
					() -> (builder) -> builder.limits((limits) -> limits.withMaxConcurrent(3)))
			.run((context) -> assertThat(context.getBean(LlmBatchService.class).maxConcurrent()).isEqualTo(3));
	}

	@Test
	void backsOffWhenTheApplicationDefinesItsOwnBatchService() {
		this.contextRunner
			.withBean("myBatch", LlmBatchService.class,
					() -> new LlmBatchService(TestClients.builder()
						.endpoint("http://127.0.0.1:1/v1")
						.lifecycle((lifecycle) -> lifecycle.withEagerInit(false))
						.build(), 2, null))
			.run((context) -> {
				assertThat(context).hasSingleBean(LlmBatchService.class);
				assertThat(context.getBean(LlmBatchService.class)).isSameAs(context.getBean("myBatch"));
			});
	}

	@Test
	void absentWhenTheClientIsDisabled() {
		this.contextRunner.withPropertyValues("llm.client.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(LlmBatchService.class));
	}

	@Test
	void batchItemsAndBulkheadAreMeteredWhenARegistryIsPresent() {
		this.contextRunner.withPropertyValues("llm.client.max-concurrent=5")
			.withBean(SimpleMeterRegistry.class)
			.run((context) -> {
				assertThat(context).hasSingleBean(LlmBatchService.class);
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(registry.get("llm.client.batch.items").tag("outcome", "success").counter().count()).isZero();
				assertThat(registry.get("llm.client.batch.items").tag("outcome", "failure").counter().count()).isZero();
				assertThat(registry.get("llm.client.bulkhead.max").gauge().value()).isEqualTo(5);
				assertThat(registry.get("llm.client.bulkhead.in-flight").gauge().value()).isZero();
				assertThat(registry.get("llm.client.bulkhead.waiting").gauge().value()).isZero();
			});
	}

	@Test
	void worksWithoutMicrometer() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(MeterRegistry.class)).run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(LlmBatchService.class);
			assertThat(context.getBean(LlmBatchService.class).maxConcurrent()).isEqualTo(10);
		});
	}

}
