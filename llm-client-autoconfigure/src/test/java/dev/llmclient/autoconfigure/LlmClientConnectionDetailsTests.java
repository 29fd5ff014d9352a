package dev.llmclient.autoconfigure;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.llmclient.EndpointSettings;
import dev.llmclient.LlmClientCustomizer;
import dev.llmclient.LlmClientSettings;
import dev.llmclient.internal.DefaultLlmClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where the auto-configured client takes its endpoint, API key and model from: the
 * properties, unless the application (or a Testcontainers or Docker Compose integration)
 * supplies an {@link LlmClientConnectionDetails} bean.
 */
class LlmClientConnectionDetailsTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(LlmClientAutoConfiguration.class))
		.withPropertyValues("llm.client.eager-init=false");

	@Test
	void withoutABeanTheDetailsComeFromTheProperties() {
		this.contextRunner
			.withPropertyValues("llm.client.endpoint=http://127.0.0.1:1/v1", "llm.client.api-key=sk-props",
					"llm.client.model=props-model")
			.run((context) -> {
				assertThat(context).hasSingleBean(LlmClientConnectionDetails.class)
					.getBean(LlmClientConnectionDetails.class)
					.isInstanceOf(PropertiesLlmClientConnectionDetails.class);
				LlmClientSettings settings = context.getBean(DefaultLlmClient.class).settings();
				assertThat(settings.endpoint()).hasToString("http://127.0.0.1:1/v1");
				assertThat(settings.apiKey()).isEqualTo("sk-props");
				assertThat(settings.model()).isEqualTo("props-model");
			});
	}

	@Test
	void aBeanWinsOverThePropertiesWhichStillSetEverythingElse() {
		this.contextRunner
			.withPropertyValues("llm.client.endpoint=http://127.0.0.1:1/v1", "llm.client.api-key=sk-props",
					"llm.client.model=props-model", "llm.client.max-concurrent=3")
			.withBean(LlmClientConnectionDetails.class,
					() -> new Details("http://127.0.0.1:2/v1", "sk-bean", "llama3.2"))
			.run((context) -> {
				assertThat(context).hasSingleBean(LlmClientConnectionDetails.class)
					.doesNotHaveBean(PropertiesLlmClientConnectionDetails.class);
				LlmClientSettings settings = context.getBean(DefaultLlmClient.class).settings();
				assertThat(settings.endpoint()).hasToString("http://127.0.0.1:2/v1");
				assertThat(settings.apiKey()).isEqualTo("sk-bean");
				assertThat(settings.model()).isEqualTo("llama3.2");
				assertThat(settings.limits().maxConcurrent()).isEqualTo(3);
			});
	}

	@Test
	void aBeanReplacesAllThreeSoThePropertiesKeyIsNotSentToItsServer() {
		this.contextRunner
			.withPropertyValues("llm.client.endpoint=https://api.openai.com/v1", "llm.client.api-key=sk-production",
					"llm.client.model=gpt-4o-mini")
			.withBean(LlmClientConnectionDetails.class, () -> () -> "http://127.0.0.1:2/v1")
			.run((context) -> {
				LlmClientSettings settings = context.getBean(DefaultLlmClient.class).settings();
				assertThat(settings.endpoint()).hasToString("http://127.0.0.1:2/v1");
				assertThat(settings.apiKey()).isNull();
				assertThat(settings.model()).isNull();
			});
	}

	@Test
	void customizersStillWinOverABean() {
		this.contextRunner
			.withBean(LlmClientConnectionDetails.class, () -> new Details("http://127.0.0.1:2/v1", null, "bean"))
			.withBean(LlmClientCustomizer.class, () -> (builder) -> builder.model("customized"))
			.run((context) -> assertThat(context.getBean(DefaultLlmClient.class).settings().model())
				.isEqualTo("customized"));
	}

	@Test
	void missingEndpointInBothFailsWithTheAnalyzersMessageNamingTheProperty() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new LlmClientPropertiesFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription())
				.startsWith("Configuration property 'llm.client.endpoint' is required");
			assertThat(analysis.getAction()).contains("'llm.client.endpoint'", "LLM_CLIENT_ENDPOINT");
		});
	}

	@Test
	void badEndpointFromABeanNamesTheBeanNotTheProperty() {
		this.contextRunner.withPropertyValues("llm.client.endpoint=http://127.0.0.1:1/v1")
			.withBean(LlmClientConnectionDetails.class, () -> new Details("localhost:11434/v1", null, null))
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(IllegalStateException.class)
					.hasMessageContaining(
							"Endpoint 'localhost:11434/v1' supplied by the LlmClientConnectionDetails bean "
									+ Details.class.getName())
					.hasMessageContaining("must start with http:// or https://")
					.hasMessageContaining("fix it, or remove it to use the properties");
				assertThat(new LlmClientPropertiesFailureAnalyzer().analyze(context.getStartupFailure())).isNull();
			});
	}

	@Test
	void missingEndpointFromABeanNamesTheBean() {
		this.contextRunner.withPropertyValues("llm.client.endpoint=http://127.0.0.1:1/v1")
			.withBean(LlmClientConnectionDetails.class, () -> new Details(null, null, "m"))
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("Endpoint supplied by the LlmClientConnectionDetails bean "
						+ Details.class.getName() + " is required"));
	}

	@Test
	void endpointsFromThePropertiesBesideABeansEndpointNameTheBeanAndThePropertiesAndTheFix() {
		this.contextRunner
			.withPropertyValues("llm.client.endpoints[0].url=http://127.0.0.1:3/v1",
					"llm.client.endpoints[1].url=http://127.0.0.1:4/v1")
			.withBean("demoConnectionDetails", LlmClientConnectionDetails.class,
					() -> new Details("http://user:secret@127.0.0.1:2/v1", null, null))
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(IllegalStateException.class)
					.hasMessageStartingWith("llm.client.endpoints (2, from the application's properties) must not be "
							+ "set together with an endpoint supplied by the LlmClientConnectionDetails bean "
							+ "'demoConnectionDetails' (" + Details.class.getName()
							+ ") (http://******@127.0.0.1:2/v1)")
					.hasMessageContaining("remove the LlmClientConnectionDetails bean 'demoConnectionDetails'")
					.hasMessageContaining("or remove llm.client.endpoints[i].url to call the one")
					.hasMessageNotContaining("secret");
			});
	}

	@Test
	void endpointsFromACustomizerBesideTheEndpointPropertyNameTheCustomizer() {
		this.contextRunner.withPropertyValues("llm.client.endpoint=http://127.0.0.1:1/v1")
			.withBean(LlmClientCustomizer.class,
					() -> (builder) -> builder.endpoints(List.of(EndpointSettings.of("http://127.0.0.1:3/v1"),
							EndpointSettings.of("http://127.0.0.1:4/v1"))))
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageStartingWith("Endpoints (2 endpoints) set by an LlmClientCustomizer must not be set "
						+ "together with llm.client.endpoint (http://127.0.0.1:1/v1, from the application's properties)")
				.hasMessageContaining("remove llm.client.endpoint to call the several endpoints"));
	}

	@Test
	void endpointsAndEndpointBothFromThePropertiesKeepTheAnalyzersMessage() {
		this.contextRunner
			.withPropertyValues("llm.client.endpoint=http://127.0.0.1:1/v1",
					"llm.client.endpoints[0].url=http://127.0.0.1:3/v1")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new LlmClientPropertiesFailureAnalyzer()
					.analyze(context.getStartupFailure());
				assertThat(analysis).isNotNull();
				assertThat(analysis.getDescription()).contains("'llm.client.endpoints'",
						"must not be set together with llm.client.endpoint (http://127.0.0.1:1/v1)");
			});
	}

	private record Details(String endpoint, String apiKey, String model) implements LlmClientConnectionDetails {

	}

}
