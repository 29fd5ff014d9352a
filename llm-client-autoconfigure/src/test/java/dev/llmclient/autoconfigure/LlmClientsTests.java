package dev.llmclient.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.llmclient.LlmClient;
import dev.llmclient.LlmClientBuilder;
import dev.llmclient.BatchJobSettings;
import dev.llmclient.LlmClientSettings;
import dev.llmclient.internal.DefaultLlmClient;
import dev.llmclient.observation.LlmObservationContext;
import dev.llmclient.testsupport.LoopbackLlmServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Clients beside the auto-configured one: from {@code llm.clients.<name>.*}, inheriting
 * what they leave unset from {@code llm.client.*}, and from the injected
 * {@code llmClientBuilder}; each answers and shows under its own name in health, metrics
 * and traces.
 */
@ExtendWith(OutputCaptureExtension.class)
class LlmClientsTests {

	private static final List<LoopbackLlmServer> servers = new CopyOnWriteArrayList<>();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(LlmClientAutoConfiguration.class,
				LlmClientMetricsAutoConfiguration.class, LlmClientHealthContributorAutoConfiguration.class))
		.withPropertyValues("llm.client.eager-init=false", "llm.client.model=m");

	@BeforeAll
	static void startServers() {
		for (int i = 0; i < 4; i++) {
			servers.add(LoopbackLlmServer.start());
		}
	}

	@AfterAll
	static void stopServers() {
		servers.forEach(LoopbackLlmServer::close);
	}

	private static String endpoint(int server) {
		return servers.get(server).endpoint();
	}

	@Test
	void fourClientsAnswerAndEachShowsUnderItsOwnNameInHealthMetricsAndTraces(CapturedOutput output) {
		PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
		Observed observed = new Observed();
		ObservationRegistry observations = ObservationRegistry.create();
		observations.observationConfig().observationHandler(observed);
		this.contextRunner.withBean(PrometheusMeterRegistry.class, () -> prometheus)
			.withBean(ObservationRegistry.class, () -> observations)
			.withUserConfiguration(BuiltClientConfiguration.class)
			.withPropertyValues("llm.client.endpoint=" + endpoint(0), "llm.clients.fast.endpoint=" + endpoint(1),
					"llm.clients.fast.max-concurrent=3", "llm.clients.large.endpoint=" + endpoint(2),
					"llm.clients.large.model=large-model", "built.endpoint=" + endpoint(3))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				Callers callers = context.getBean(Callers.class);
				int[] before = chatRequests();
				callers.defaultClient.generate("Hello");
				callers.fast.generate("Hello");
				callers.large.generate("Hello");
				callers.built.generate("Hello");
				int[] after = chatRequests();
				for (int i = 0; i < 4; i++) {
					assertThat(after[i] - before[i]).as("calls to server %d", i).isEqualTo(1);
				}
				assertThat(context.getBean(LlmClient.class)).isSameAs(callers.defaultClient);
				assertThat(callers.defaultClient.name()).isEqualTo("llmClient");
				assertThat(callers.fast.name()).isEqualTo("fast");
				assertThat(callers.large.name()).isEqualTo("large");
				assertThat(callers.built.name()).isEqualTo("built");

				assertThat(healthByClient(context.getBean("llmClientHealthContributor", HealthContributor.class)))
					.containsOnlyKeys("llmClient", "fast", "large", "built")
					.allSatisfy((name, status) -> assertThat(status).isEqualTo(Status.UP));

				String scrape = prometheus.scrape();
				for (String name : List.of("llmClient", "fast", "large", "built")) {
					assertThat(scrape).contains("llm_client_name=\"" + name + "\"");
				}
				assertThat(prometheus.get("llm.client.bulkhead.max").tag("llm.client.name", "fast").gauge().value())
					.isEqualTo(3);

				Set<Integer> observedPorts = new TreeSet<>();
				observed.contexts.forEach((call) -> observedPorts.add(call.getServerPort()));
				assertThat(observedPorts)
					.containsExactlyInAnyOrderElementsOf(servers.stream().map(LoopbackLlmServer::port).toList());
			});
		assertThat(output).doesNotContain("Not auto-configuring the LLM client");
	}

	@Test
	void aNamedClientTakesWhatItLeavesUnsetFromLlmClient() {
		this.contextRunner
			.withPropertyValues("llm.client.endpoint=" + endpoint(0), "llm.client.api-key=shared-key",
					"llm.client.max-concurrent=7", "llm.client.read-timeout=42s", "llm.client.retry.max-attempts=5",
					"llm.client.retry.initial-backoff=200ms", "llm.client.cluster.key=only-the-default-clients",
					"llm.clients.fast.model=fast-model", "llm.clients.fast.retry.initial-backoff=1s")
			.run((context) -> {
				LlmClientSettings fast = context.getBean("fast", DefaultLlmClient.class).settings();
				assertThat(fast.name()).isEqualTo("fast");
				assertThat(fast.property("max-concurrent")).isEqualTo("llm.clients.fast.max-concurrent");
				assertThat(fast.endpoint()).hasToString(endpoint(0));
				assertThat(fast.apiKey()).isEqualTo("shared-key");
				assertThat(fast.model()).isEqualTo("fast-model");
				assertThat(fast.limits().maxConcurrent()).isEqualTo(7);
				assertThat(fast.connection().readTimeout()).isEqualTo(Duration.ofSeconds(42));
				assertThat(fast.retry().maxAttempts()).isEqualTo(5);
				assertThat(fast.retry().initialBackoff()).isEqualTo(Duration.ofSeconds(1));
				LlmClientSettings defaults = context.getBean(DefaultLlmClient.class).settings();
				assertThat(defaults.model()).isEqualTo("m");
				assertThat(defaults.retry().initialBackoff()).isEqualTo(Duration.ofMillis(200));
			});
	}

	@Test
	void aNamedClientInheritsTheBatchJobSettings() {
		this.contextRunner
			.withPropertyValues("llm.client.endpoint=" + endpoint(0), "llm.client.batch-jobs.poll-interval=1m",
					"llm.client.batch-jobs.max-poll-interval=1h", "llm.clients.nightly.batch-jobs.keep-files=true",
					"llm.clients.nightly.batch-jobs.mode=provider")
			.run((context) -> {
				BatchJobSettings nightly = context.getBean("nightly", DefaultLlmClient.class).settings().batchJobs();
				assertThat(nightly.pollInterval()).hasMinutes(1);
				assertThat(nightly.maxPollInterval()).hasHours(1);
				assertThat(nightly.keepFiles()).isTrue();
				assertThat(nightly.mode()).isEqualTo(BatchJobSettings.Mode.PROVIDER);
				assertThat(context.getBean(DefaultLlmClient.class).settings().batchJobs().keepFiles()).isFalse();
			});
	}

	@Test
	void aNamedClientsServerReplacesTheInheritedOneWhetherOneEndpointOrSeveral() {
		this.contextRunner
			.withPropertyValues("llm.client.endpoint=" + endpoint(0),
					"llm.clients.spread.endpoints[0].url=" + endpoint(1),
					"llm.clients.spread.endpoints[1].url=" + endpoint(2))
			.run((context) -> {
				LlmClientSettings spread = context.getBean("spread", DefaultLlmClient.class).settings();
				assertThat(spread.endpoint()).isNull();
				assertThat(spread.endpoints()).hasSize(2);
			});
		this.contextRunner
			.withPropertyValues("llm.client.endpoints[0].url=" + endpoint(0),
					"llm.client.endpoints[1].url=" + endpoint(1), "llm.clients.single.endpoint=" + endpoint(2))
			.run((context) -> {
				LlmClientSettings single = context.getBean("single", DefaultLlmClient.class).settings();
				assertThat(single.endpoints()).isEmpty();
				assertThat(single.endpoint()).hasToString(endpoint(2));
				assertThat(context.getBean(DefaultLlmClient.class).settings().endpoints()).hasSize(2);
			});
	}

	@Test
	void anInvalidValueOfANamedClientNamesItsFullKey() {
		this.contextRunner.withPropertyValues("llm.client.endpoint=" + endpoint(0), "llm.clients.fast.max-concurrent=0")
			.run((context) -> {
				assertThat(context).hasFailed();
				Throwable failure = context.getStartupFailure();
				while (!(failure instanceof InvalidConfigurationPropertyValueException) && failure != null) {
					failure = failure.getCause();
				}
				assertThat(failure).isInstanceOf(InvalidConfigurationPropertyValueException.class);
				InvalidConfigurationPropertyValueException invalid = (InvalidConfigurationPropertyValueException) failure;
				assertThat(invalid.getName()).isEqualTo("llm.clients.fast.max-concurrent");
				FailureAnalysis analysis = new LlmClientPropertiesFailureAnalyzer()
					.analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("'llm.clients.fast.max-concurrent'");
				assertThat(analysis.getAction()).contains("llm.clients.fast.enabled=false");
			});
	}

	@Test
	void anUnknownSslBundleOfANamedClientNamesItsFullKey() {
		this.contextRunner.withPropertyValues("llm.client.endpoint=" + endpoint(0), "llm.clients.fast.ssl.bundle=corp")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new LlmClientPropertiesFailureAnalyzer()
					.analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("'llm.clients.fast.ssl.bundle'");
				assertThat(analysis.getAction()).contains("spring.ssl.bundle.pem.corp")
					.contains("'llm.clients.fast.ssl.bundle'");
			});
	}

	@Test
	void aDisabledEntryMakesNoClient() {
		this.contextRunner
			.withPropertyValues("llm.client.endpoint=" + endpoint(0), "llm.clients.fast.enabled=false",
					"llm.clients.large.model=large-model")
			.run((context) -> assertThat(context.getBeansOfType(LlmClient.class)).containsOnlyKeys("llmClient",
					"large"));
	}

	@Test
	void theBuilderBeanIsThereBesideTheApplicationsOwnClientAndTheBackOffIsLogged(CapturedOutput output) {
		this.contextRunner.withUserConfiguration(OwnClientConfiguration.class)
			.withBean(io.micrometer.core.instrument.simple.SimpleMeterRegistry.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBeansOfType(LlmClient.class)).containsOnlyKeys("mine");
				LlmClientBuilder first = context.getBean(LlmClientBuilder.class);
				assertThat(first).isNotSameAs(context.getBean(LlmClientBuilder.class));
				assertThat(first.meterRegistry()).isSameAs(context.getBean(MeterRegistry.class));
			});
		assertThat(output).contains("Not auto-configuring the LLM client from llm.client.*: the application "
				+ "defines its own LlmClient bean mine. If it is meant to sit beside the auto-configured client, "
				+ "declare it with @Bean(defaultCandidate = false)");
	}

	@Test
	void aNamedClientWarmsUpAtStartNamingItselfAndClosesWithTheContext(CapturedOutput output) {
		LlmClient[] fast = new LlmClient[1];
		int modelsBefore = servers.get(1).modelsRequests();
		this.contextRunner
			.withPropertyValues("llm.client.endpoint=" + endpoint(0), "llm.clients.fast.endpoint=" + endpoint(1),
					"llm.clients.fast.eager-init=true")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				fast[0] = context.getBean("fast", LlmClient.class);
				assertThat(servers.get(1).modelsRequests() - modelsBefore).isEqualTo(2);
				assertThat(output).contains("LLM client 'fast' warm-up: opened 2 connections to " + endpoint(1));
			});
		assertThatIllegalStateException().isThrownBy(() -> fast[0].generate("Hi")).withMessageContaining("is closed");
	}

	private int[] chatRequests() {
		return servers.stream().mapToInt(LoopbackLlmServer::chatRequests).toArray();
	}

	private static Map<String, Status> healthByClient(HealthContributor contributor) {
		assertThat(contributor).isInstanceOf(CompositeHealthContributor.class);
		Map<String, Status> statuses = new TreeMap<>();
		((CompositeHealthContributor) contributor).stream()
			.forEach((entry) -> statuses.put(entry.name(),
					((HealthIndicator) entry.contributor()).health(true).getStatus()));
		return statuses;
	}

	/** Records the client's call observations. */
	static final class Observed implements ObservationHandler<LlmObservationContext> {

		final List<LlmObservationContext> contexts = new CopyOnWriteArrayList<>();

		@Override
		public void onStop(LlmObservationContext context) {
			this.contexts.add(context);
		}

		@Override
		public boolean supportsContext(Observation.Context context) {
			return context instanceof LlmObservationContext;
		}

	}

	/** Each client, injected the way an application injects it. */
	record Callers(LlmClient defaultClient, LlmClient fast, LlmClient large, LlmClient built) {
	}

	@Configuration(proxyBeanMethods = false)
	static class BuiltClientConfiguration {

		@Bean(defaultCandidate = false)
		@Qualifier("built")
		LlmClient builtLlmClient(LlmClientBuilder builder, org.springframework.core.env.Environment environment) {
			return builder.name("built")
				.endpoint(environment.getProperty("built.endpoint"))
				.lifecycle((lifecycle) -> lifecycle.withEagerInit(false))
				.build();
		}

		@Bean
		Callers callers(LlmClient defaultClient, @Qualifier("fast") LlmClient fast, @Qualifier("large") LlmClient large,
				@Qualifier("built") LlmClient built) {
			return new Callers(defaultClient, fast, large, built);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnClientConfiguration {

		@Bean
		LlmClient mine(LlmClientBuilder builder) {
			return builder.name("mine")
				.endpoint(endpoint(0))
				.lifecycle((lifecycle) -> lifecycle.withEagerInit(false))
				.build();
		}

	}

}
