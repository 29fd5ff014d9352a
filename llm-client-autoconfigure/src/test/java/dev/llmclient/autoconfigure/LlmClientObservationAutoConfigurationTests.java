package dev.llmclient.autoconfigure;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestClientObservationAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.llmclient.LlmClient;
import dev.llmclient.batch.LlmBatchService;
import dev.llmclient.internal.DefaultLlmClient;
import dev.llmclient.observation.DefaultLlmObservationConvention;
import dev.llmclient.observation.LlmObservationContext;
import dev.llmclient.observation.LlmObservationConvention;
import dev.llmclient.testsupport.CannedBodies;
import dev.llmclient.testsupport.LoopbackWireMock;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The client in an application with Spring Boot's metrics and observation set-up: its
 * calls are observed, and its meters stay exactly those it records itself.
 */
class LlmClientObservationAutoConfigurationTests {

	@RegisterExtension
	static WireMockExtension server = LoopbackWireMock.extension();

	/** Boot's metrics, as an application with Actuator has them. */
	private final ApplicationContextRunner withMetrics = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(LlmClientAutoConfiguration.class,
				LlmClientMetricsAutoConfiguration.class, LlmBatchAutoConfiguration.class,
				RestClientAutoConfiguration.class, MetricsAutoConfiguration.class,
				SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class))
		.withPropertyValues("llm.client.eager-init=false", "llm.client.model=m1");

	/** And Boot's observation set-up, with its meter handler. */
	private final ApplicationContextRunner withObservations = this.withMetrics.withConfiguration(
			AutoConfigurations.of(ObservationAutoConfiguration.class, RestClientObservationAutoConfiguration.class));

	@BeforeEach
	void stub() {
		server.stubFor(post("/v1/chat/completions").willReturn(okJson(CannedBodies.completion("m1-2024", "Hi"))));
	}

	private String endpoint() {
		return "llm.client.endpoint=" + server.baseUrl() + "/v1";
	}

	@Test
	void observingCallsAddsNoMeterToTheClientsOwn() {
		Set<String> unobserved = new TreeSet<>();
		this.withMetrics.withPropertyValues(endpoint()).run((context) -> {
			context.getBean(LlmClient.class).generate("Hi");
			context.getBean(LlmBatchService.class).generateAll(List.of("a", "b"));
			unobserved.addAll(clientMeters(context.getBean(MeterRegistry.class)));
		});
		Recorded recorded = new Recorded();
		this.withObservations.withPropertyValues(endpoint()).withBean(Recorded.class, () -> recorded).run((context) -> {
			context.getBean(LlmClient.class).generate("Hi");
			context.getBean(LlmBatchService.class).generateAll(List.of("a", "b"));
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(clientMeters(registry)).isEqualTo(unobserved)
				.contains("gen_ai.client.operation.duration")
				.doesNotContain("gen_ai.client.operation", "gen_ai.client.operation.active", "llm.client.batch",
						"llm.client.batch.active");
			assertThat(registry.get("gen_ai.client.operation.duration").timers())
				.anySatisfy((timer) -> assertThat(timer.count()).isEqualTo(3));
			assertThat(recorded.names).containsSubsequence("gen_ai.client.operation", "http.client.requests",
					"llm.client.batch");
		});
	}

	@Test
	void theAttemptIsAChildOfTheCall() {
		Recorded recorded = new Recorded();
		this.withObservations.withPropertyValues(endpoint()).withBean(Recorded.class, () -> recorded).run((context) -> {
			context.getBean(LlmClient.class).generate("Hi");
			Observation.Context attempt = recorded.contexts.stream()
				.filter((observed) -> "http.client.requests".equals(observed.getName()))
				.findFirst()
				.orElseThrow();
			assertThat(attempt.getParentObservation()).isNotNull();
			assertThat(attempt.getParentObservation().getContextView()).isInstanceOf(LlmObservationContext.class);
		});
	}

	@Test
	void aConventionBeanReplacesTheDefault() {
		Recorded recorded = new Recorded();
		this.withObservations.withPropertyValues(endpoint())
			.withBean(Recorded.class, () -> recorded)
			.withBean(LlmObservationConvention.class, () -> new DefaultLlmObservationConvention() {

				@Override
				public String getContextualName(LlmObservationContext context) {
					return "llm " + context.getOperationName();
				}

			})
			.run((context) -> {
				context.getBean(LlmClient.class).generate("Hi");
				assertThat(recorded.contexts)
					.anySatisfy((observed) -> assertThat(observed.getContextualName()).isEqualTo("llm chat"));
			});
	}

	@Test
	void contentCaptureIsOffByDefaultAndBoundFromProperties() {
		this.withMetrics.withPropertyValues(endpoint()).run((context) -> {
			assertThat(context.getBean(DefaultLlmClient.class).settings().observations().includePrompt()).isFalse();
			assertThat(context.getBean(DefaultLlmClient.class).settings().observations().includeCompletion()).isFalse();
		});
		this.withMetrics
			.withPropertyValues(endpoint(), "llm.client.observations.include-prompt=true",
					"llm.client.observations.include-completion=true", "llm.client.observations.max-content-length=100")
			.run((context) -> assertThat(context.getBean(DefaultLlmClient.class).settings().observations())
				.satisfies((observations) -> {
					assertThat(observations.includePrompt()).isTrue();
					assertThat(observations.includeCompletion()).isTrue();
					assertThat(observations.maxContentLength()).isEqualTo(100);
				}));
	}

	@Test
	void anInvalidMaxContentLengthNamesTheProperty() {
		this.withMetrics.withPropertyValues(endpoint(), "llm.client.observations.max-content-length=0")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("llm.client.observations.max-content-length"));
	}

	private static Set<String> clientMeters(MeterRegistry registry) {
		Set<String> names = new TreeSet<>();
		for (Meter meter : registry.getMeters()) {
			String name = meter.getId().getName();
			if (name.startsWith("gen_ai.") || name.startsWith("llm.")) {
				names.add(name);
			}
		}
		return names;
	}

	/** Sees every observation the application's registry runs, as a tracer would. */
	static class Recorded implements ObservationHandler<Observation.Context> {

		final List<String> names = new CopyOnWriteArrayList<>();

		final List<Observation.Context> contexts = new CopyOnWriteArrayList<>();

		@Override
		public void onStart(Observation.Context context) {
			this.names.add(context.getName());
			this.contexts.add(context);
		}

		@Override
		public boolean supportsContext(Observation.Context context) {
			return true;
		}

	}

}
