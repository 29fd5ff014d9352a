package dev.llmclient.autoconfigure;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.llmclient.LlmClient;
import dev.llmclient.internal.recording.GenAiHistogramBuckets;
import dev.llmclient.testsupport.CannedBodies;
import dev.llmclient.testsupport.LoopbackWireMock;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;

class LlmClientMetricsAutoConfigurationTests {

	private static final String ANSWER = CannedBodies.completion("m1", "Hi");

	@RegisterExtension
	static WireMockExtension server = LoopbackWireMock.extension();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(LlmClientAutoConfiguration.class, LlmClientMetricsAutoConfiguration.class))
		.withPropertyValues("llm.client.eager-init=false", "llm.client.model=m1");

	/** Boot's metrics auto-configuration, as an application with Actuator has it. */
	private final ApplicationContextRunner withBootMetrics = this.contextRunner
		.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
				SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class));

	@BeforeEach
	void stub() {
		server.stubFor(post("/v1/chat/completions").willReturn(okJson(ANSWER)));
	}

	private String endpoint() {
		return "llm.client.endpoint=" + server.baseUrl() + "/v1";
	}

	@Test
	void callsAreRecordedInTheApplicationsRegistry() {
		this.contextRunner.withPropertyValues(endpoint()).withBean(SimpleMeterRegistry.class).run((context) -> {
			assertThat(context).hasBean("llmClientMetricsCustomizer");
			context.getBean(LlmClient.class).generate("Hi");
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get("gen_ai.client.operation.duration").timer().count()).isEqualTo(1);
			assertThat(registry.get("llm.client.pool.max").gauge().value()).isEqualTo(10);
		});
	}

	@Test
	void withoutARegistryTheClientWorksAndRecordsNothing() {
		this.contextRunner.withPropertyValues(endpoint()).run((context) -> {
			assertThat(context).doesNotHaveBean("llmClientMetricsCustomizer");
			assertThat(context.getBean(LlmClient.class).generate("Hi")).isEqualTo("Hi");
		});
	}

	@Test
	void withoutMicrometerTheClientWorks() {
		this.contextRunner.withPropertyValues(endpoint())
			.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
			.run((context) -> {
				assertThat(context).hasNotFailed()
					.doesNotHaveBean("llmClientMetricsCustomizer")
					.doesNotHaveBean(GenAiHistogramBuckets.class);
				assertThat(context.getBean(LlmClient.class).generate("Hi")).isEqualTo("Hi");
				assertThat(context.getBean(LlmClient.class).health().calls().succeeded()).isEqualTo(1);
			});
	}

	@Test
	void histogramsUseTheOpenTelemetryBucketsWhenTheApplicationTurnsThemOn() {
		this.withBootMetrics
			.withPropertyValues(endpoint(), "management.metrics.distribution.percentiles-histogram.gen_ai.client=true")
			.run((context) -> {
				context.getBean(LlmClient.class).generate("Hi");
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				Timer timer = registry.get("gen_ai.client.operation.duration").timer();
				assertThat(Arrays.stream(timer.takeSnapshot().histogramCounts()).map((b) -> b.bucket(TimeUnit.SECONDS)))
					.containsExactly(0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96,
							81.92);
				CountAtBucket[] tokens = registry.get("gen_ai.client.token.usage")
					.summary()
					.takeSnapshot()
					.histogramCounts();
				assertThat(Arrays.stream(tokens).map(CountAtBucket::bucket)).containsExactly(1.0, 4.0, 16.0, 64.0,
						256.0, 1024.0, 4096.0, 16384.0, 65536.0, 262144.0, 1048576.0, 4194304.0, 16777216.0,
						67108864.0);
			});
	}

	@Test
	void histogramsStayOffUnlessTheApplicationTurnsThemOn() {
		this.withBootMetrics.withPropertyValues(endpoint()).run((context) -> {
			context.getBean(LlmClient.class).generate("Hi");
			Timer timer = context.getBean(MeterRegistry.class).get("gen_ai.client.operation.duration").timer();
			assertThat(timer.takeSnapshot().histogramCounts()).isEmpty();
		});
	}

	@Test
	void applicationServiceLevelObjectivesAreKeptAsExtraBuckets() {
		this.withBootMetrics
			.withPropertyValues(endpoint(), "management.metrics.distribution.percentiles-histogram.gen_ai.client=true",
					"management.metrics.distribution.slo.gen_ai.client.operation.duration=3s")
			.run((context) -> {
				context.getBean(LlmClient.class).generate("Hi");
				Timer timer = context.getBean(MeterRegistry.class).get("gen_ai.client.operation.duration").timer();
				assertThat(Arrays.stream(timer.takeSnapshot().histogramCounts()).map((b) -> b.bucket(TimeUnit.SECONDS)))
					.hasSize(15)
					.contains(2.56, 3.0, 5.12);
			});
	}

	@Test
	void prometheusScrapeCarriesTheOpenTelemetryNames() {
		this.contextRunner
			.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
					PrometheusMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class))
			.withPropertyValues(endpoint(), "management.metrics.distribution.percentiles-histogram.gen_ai.client=true")
			.run((context) -> {
				context.getBean(LlmClient.class).generate("Hi");
				String scrape = context.getBean(PrometheusMeterRegistry.class).scrape();
				assertThat(scrape).contains("gen_ai_client_operation_duration_seconds_bucket{")
					.contains("gen_ai_client_operation_duration_seconds_count{")
					.contains("le=\"81.92\"")
					.contains("gen_ai_client_token_usage_bucket{")
					.contains("gen_ai_token_type=\"input\"")
					.contains("error_type=\"none\"")
					.contains("gen_ai_request_model=\"m1\"")
					.contains("llm_client_pool_max{")
					.contains("llm_client_pool_leased{");
			});
	}

}
