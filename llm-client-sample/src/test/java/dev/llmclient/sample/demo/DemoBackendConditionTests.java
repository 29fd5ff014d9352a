package dev.llmclient.sample.demo;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.web.server.ResponseStatusException;

import dev.llmclient.autoconfigure.LlmClientAutoConfiguration;
import dev.llmclient.autoconfigure.LlmClientConnectionDetails;
import dev.llmclient.internal.DefaultLlmClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * When the sample starts its demo backend: only when neither {@code llm.client.endpoint}
 * nor {@code llm.client.endpoints} is set and the application supplies no
 * {@link LlmClientConnectionDetails} of its own, so that what the user configured is what
 * the client calls.
 */
class DemoBackendConditionTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DemoBackendConfiguration.class, LlmClientAutoConfiguration.class))
		.withBean(DemoControls.class, () -> new DemoControls(Duration.ZERO))
		.withBean(ProviderLimits.class, () -> ProviderLimits.NONE)
		.withPropertyValues("llm.client.eager-init=false");

	@Test
	void withNothingConfiguredTheClientCallsTheDemoBackend() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(DemoBackend.class);
			assertThat(context).getBean(LlmClientConnectionDetails.class).isInstanceOf(DemoConnectionDetails.class);
			assertThat(context.getBean(DefaultLlmClient.class).settings().endpoint())
				.hasToString(context.getBean(DemoBackend.class).baseUrl());
		});
	}

	@Test
	void anEndpointKeepsTheDemoBackendFromStarting() {
		this.contextRunner.withPropertyValues("llm.client.endpoint=http://127.0.0.1:1/v1").run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean(DemoBackend.class);
			assertThat(context.getBean(DefaultLlmClient.class).settings().endpoint())
				.hasToString("http://127.0.0.1:1/v1");
		});
	}

	@Test
	void endpointsKeepTheDemoBackendFromStartingAndAreAllCalled() {
		this.contextRunner
			.withPropertyValues("llm.client.endpoints[0].url=http://127.0.0.1:1/v1",
					"llm.client.endpoints[1].url=http://127.0.0.1:2/v1",
					"llm.client.endpoints[2].url=http://127.0.0.1:3/v1")
			.run((context) -> {
				assertThat(context).hasNotFailed().doesNotHaveBean(DemoBackend.class);
				assertThat(context.getBean(DefaultLlmClient.class).settings().endpoints()).hasSize(3);
			});
	}

	@Test
	void connectionDetailsOfTheApplicationKeepTheDemoBackendFromStarting() {
		this.contextRunner
			.withBean("ollamaConnectionDetails", LlmClientConnectionDetails.class, () -> () -> "http://127.0.0.1:4/v1")
			.run((context) -> {
				assertThat(context).hasNotFailed().doesNotHaveBean(DemoBackend.class);
				assertThat(context.getBean(DefaultLlmClient.class).settings().endpoint())
					.hasToString("http://127.0.0.1:4/v1");
			});
	}

	@Test
	void withConnectionDetailsOfTheApplicationTheDemoKnobsAnswer404() {
		DefaultListableBeanFactory beanFactory = new DefaultListableBeanFactory();
		DemoController controller = new DemoController(new DemoControls(Duration.ZERO),
				beanFactory.getBeanProvider(DemoBackend.class), beanFactory.getBeanProvider(DemoReplicas.class));
		assertThatExceptionOfType(ResponseStatusException.class).isThrownBy(controller::settings)
			.satisfies((ex) -> assertThat(ex.getStatusCode().value()).isEqualTo(404));
		assertThatExceptionOfType(ResponseStatusException.class)
			.isThrownBy(() -> controller.change(new DemoController.Settings(0L, 503, null, null)));
	}

	@Test
	void replicasTakeThePlaceOfTheSingleDemoBackend() {
		this.contextRunner.withUserConfiguration(DemoReplicasConfiguration.class)
			.withPropertyValues("sample.demo.replicas=3")
			.run((context) -> {
				assertThat(context).hasSingleBean(DemoReplicas.class)
					.doesNotHaveBean(DemoBackend.class)
					.doesNotHaveBean(DemoConnectionDetails.class);
				assertThat(context.getBean(DefaultLlmClient.class).settings().endpoints()).hasSize(3);
			});
	}

}
