package dev.llmclient.autoconfigure;

import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

import dev.llmclient.AdaptiveSettings;
import dev.llmclient.BatchJobSettings;
import dev.llmclient.ChatSettings;
import dev.llmclient.EmbeddingSettings;
import dev.llmclient.EndpointSettings;
import dev.llmclient.LlmClient;
import dev.llmclient.LlmClientCustomizer;
import dev.llmclient.LlmClientSettings;
import dev.llmclient.RateLimitSettings;
import dev.llmclient.RetrySettings;
import dev.llmclient.RoutingSettings;
import dev.llmclient.WarmUpSettings;
import dev.llmclient.internal.DefaultLlmClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

class LlmClientAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RestClientAutoConfiguration.class, LlmClientAutoConfiguration.class))
		.withPropertyValues("llm.client.endpoint=http://127.0.0.1:1/v1", "llm.client.eager-init=false");

	@Test
	void defaultsGiveOneClientWithDocumentedSettings() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(LlmClient.class);
			var settings = context.getBean(DefaultLlmClient.class).settings();
			assertThat(settings.endpoint()).hasToString("http://127.0.0.1:1/v1");
			assertThat(settings.limits().maxConcurrent()).isEqualTo(10);
			assertThat(settings.health().maxLatencyRecords()).isEqualTo(1000);
			assertThat(settings.connection().connectTimeout()).hasSeconds(5);
			assertThat(settings.connection().readTimeout()).hasSeconds(120);
			assertThat(settings.limits().maxWait()).hasSeconds(30);
			assertThat(settings.limits().timeout()).isNull();
			assertThat(settings.connection().maxResponseSize()).isEqualTo(4L * 1024 * 1024);
			assertThat(settings.connection().validateAfterInactivity()).hasSeconds(1);
			assertThat(settings.streamUsage()).isTrue();
			assertThat(settings.apiKey()).isNull();
			assertThat(settings.retry()).isEqualTo(new RetrySettings(true, 3, Duration.ofMillis(500),
					Duration.ofSeconds(8), 2.0, 0.25, Duration.ofSeconds(60)));
			assertThat(settings.warmUpConnections()).isEqualTo(2);
			assertThat(settings.warmUp().timeout()).hasSeconds(10);
			assertThat(settings.warmUp().failFast()).isFalse();
			assertThat(settings.lifecycle().shutdownTimeout()).hasSeconds(30);
			assertThat(context.getBean(LlmClient.class).health().pool().max()).isEqualTo(10);
		});
	}

	@Test
	void trafficControlPropertiesReachTheClient() {
		this.contextRunner
			.withPropertyValues("llm.client.adaptive.enabled=true", "llm.client.adaptive.min-concurrent=2",
					"llm.client.adaptive.backoff-ratio=0.75", "llm.client.rate-limit.requests-per-minute=500",
					"llm.client.rate-limit.tokens-per-minute=200000",
					"llm.client.rate-limit.estimated-output-tokens=256")
			.run((context) -> {
				var client = context.getBean(DefaultLlmClient.class);
				assertThat(client.settings().adaptive()).isEqualTo(new AdaptiveSettings(true, 2, 0.75));
				assertThat(client.settings().rateLimit()).isEqualTo(new RateLimitSettings(500L, 200_000L, 256));
				assertThat(client.health().bulkhead().limit()).as("the adaptive limit starts at its minimum")
					.isEqualTo(2);
				assertThat(client.health().rateLimit().requestsRemaining()).isPositive();
				assertThat(client.health().rateLimit().tokensRemaining()).isPositive();
			});
	}

	@Test
	void propertiesReachTheClient() {
		this.contextRunner
			.withPropertyValues("llm.client.endpoint=https://llm.example.com/v1/", "llm.client.model=llama3.2",
					"llm.client.max-concurrent=32", "llm.client.read-timeout=45s", "llm.client.timeout=2m",
					"llm.client.max-wait=0s", "llm.client.max-response-size=1MB", "llm.client.max-latency-records=50",
					"llm.client.api-key=sk-abc", "llm.client.retry.max-attempts=5", "llm.client.retry.enabled=false",
					"llm.client.retry.initial-backoff=1s", "llm.client.retry.max-backoff=20s",
					"llm.client.retry.multiplier=3", "llm.client.retry.jitter=0",
					"llm.client.retry.max-retry-after=10s", "llm.client.warm-up.connections=5",
					"llm.client.warm-up.timeout=3s", "llm.client.warm-up.fail-fast=true",
					"llm.client.warm-up.requests=7", "llm.client.shutdown-timeout=45s", "llm.client.stream-usage=false",
					"llm.client.validate-after-inactivity=3s")
			.run((context) -> {
				var settings = context.getBean(DefaultLlmClient.class).settings();
				assertThat(settings.endpoint()).hasToString("https://llm.example.com/v1");
				assertThat(settings.model()).isEqualTo("llama3.2");
				assertThat(settings.limits().maxConcurrent()).isEqualTo(32);
				assertThat(settings.connection().readTimeout()).hasSeconds(45);
				assertThat(settings.limits().timeout()).hasMinutes(2);
				assertThat(settings.limits().maxWait()).isZero();
				assertThat(settings.connection().maxResponseSize()).isEqualTo(1024 * 1024);
				assertThat(settings.connection().validateAfterInactivity()).hasSeconds(3);
				assertThat(settings.streamUsage()).isFalse();
				assertThat(settings.health().maxLatencyRecords()).isEqualTo(50);
				assertThat(settings.apiKey()).isEqualTo("sk-abc");
				assertThat(settings.warmUp()).isEqualTo(new WarmUpSettings(5, Duration.ofSeconds(3), true, 7));
				assertThat(settings.lifecycle().shutdownTimeout()).hasSeconds(45);
				assertThat(settings.toString()).doesNotContain("sk-abc");
				assertThat(settings.retry()).isEqualTo(new RetrySettings(false, 5, Duration.ofSeconds(1),
						Duration.ofSeconds(20), 3.0, 0.0, Duration.ofSeconds(10)));
				assertThat(context.getBean(LlmClient.class).health().pool().max()).isEqualTo(32);
			});
	}

	@Test
	void embeddingPropertiesReachTheClient() {
		this.contextRunner
			.withPropertyValues("llm.client.embedding-model=text-embedding-3-small",
					"llm.client.embedding-batch-size=64")
			.run((context) -> {
				assertThat(context.getBean(DefaultLlmClient.class).settings().embeddings())
					.isEqualTo(new EmbeddingSettings("text-embedding-3-small", 64));
				assertThat(context.getBean(LlmClient.class).embeddingBatchSize()).isEqualTo(64);
			});
	}

	@Test
	void embeddingsDefaultToTheServersModelAnd256TextsPerRequest() {
		this.contextRunner.run((context) -> assertThat(context.getBean(DefaultLlmClient.class).settings().embeddings())
			.isEqualTo(EmbeddingSettings.DEFAULTS)
			.isEqualTo(new EmbeddingSettings(null, 256)));
	}

	@Test
	void backsOffWhenTheApplicationDefinesItsOwnClient() {
		this.contextRunner.withUserConfiguration(UserClientConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(LlmClient.class);
			assertThat(context).getBean(LlmClient.class).isSameAs(context.getBean("myClient"));
		});
	}

	@Test
	void backsOffFromTheLifecycleWhenTheApplicationDefinesItsOwnClient() {
		this.contextRunner.withUserConfiguration(UserClientConfiguration.class)
			.run((context) -> assertThat(context).doesNotHaveBean(LlmClientLifecycle.class));
	}

	@Test
	void disabledByProperty() {
		this.contextRunner.withPropertyValues("llm.client.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(LlmClient.class)
				.doesNotHaveBean(LlmClientLifecycle.class));
	}

	@Test
	void customizersWinOverPropertiesAndRunInOrder() {
		this.contextRunner.withPropertyValues("llm.client.max-concurrent=4", "llm.client.model=from-properties")
			.withUserConfiguration(CustomizerConfiguration.class)
			.run((context) -> {
				var settings = context.getBean(DefaultLlmClient.class).settings();
				assertThat(settings.limits().maxConcurrent()).isEqualTo(7);
				assertThat(settings.model()).isEqualTo("second");
			});
	}

	@Test
	void chatSettingsAreBoundWithTheirDefaults() {
		this.contextRunner.run((context) -> {
			var chat = context.getBean(DefaultLlmClient.class).settings().chat();
			assertThat(chat.maxTokensField()).isEqualTo(ChatSettings.TokenLimitField.MAX_TOKENS);
			assertThat(chat.structuredOutputRepair()).isFalse();
		});
		this.contextRunner
			.withPropertyValues("llm.client.chat.max-tokens-field=max-completion-tokens",
					"llm.client.chat.structured-output-repair=true")
			.run((context) -> {
				var chat = context.getBean(DefaultLlmClient.class).settings().chat();
				assertThat(chat.maxTokensField()).isEqualTo(ChatSettings.TokenLimitField.MAX_COMPLETION_TOKENS);
				assertThat(chat.structuredOutputRepair()).isTrue();
			});
	}

	@Test
	void batchJobSettingsAreBoundWithTheirDefaults() {
		this.contextRunner.run((context) -> assertThat(context.getBean(DefaultLlmClient.class).settings().batchJobs())
			.isEqualTo(BatchJobSettings.DEFAULTS));
		this.contextRunner
			.withPropertyValues("llm.client.batch-jobs.mode=provider", "llm.client.batch-jobs.poll-interval=1m",
					"llm.client.batch-jobs.max-poll-interval=10m", "llm.client.batch-jobs.keep-files=true",
					"llm.client.batch-jobs.max-requests-per-batch=1000",
					"llm.client.batch-jobs.max-bytes-per-batch=10MB")
			.run((context) -> assertThat(context.getBean(DefaultLlmClient.class).settings().batchJobs())
				.isEqualTo(new BatchJobSettings(BatchJobSettings.Mode.PROVIDER, Duration.ofMinutes(1),
						Duration.ofMinutes(10), true, "24h", 1000, 10L * 1024 * 1024)));
	}

	@Test
	void customizerMaySupplyTheEndpoint() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(LlmClientAutoConfiguration.class))
			.withPropertyValues("llm.client.eager-init=false")
			.withBean(LlmClientCustomizer.class, () -> (builder) -> builder.endpoint("http://127.0.0.1:2/v1"))
			.run((context) -> assertThat(context.getBean(DefaultLlmClient.class).settings().endpoint())
				.hasToString("http://127.0.0.1:2/v1"));
	}

	@Test
	void missingEndpointStopsStartUpNamingTheProperty() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(LlmClientAutoConfiguration.class))
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("llm.client.endpoint")
				.hasMessageContaining("is required"));
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = { "llm.client.max-concurrent=0|llm.client.max-concurrent|at least 1",
			"llm.client.max-latency-records=-5|llm.client.max-latency-records|at least 1",
			"llm.client.endpoint=localhost:11434/v1|llm.client.endpoint|http:// or https://",
			"llm.client.endpoint=http://exa mple.com/v1|llm.client.endpoint|not a valid URL",
			"llm.client.endpoint=http:///v1|llm.client.endpoint|no host",
			"llm.client.connect-timeout=-1s|llm.client.connect-timeout|positive duration",
			"llm.client.read-timeout=0s|llm.client.read-timeout|positive duration",
			"llm.client.timeout=-3s|llm.client.timeout|positive duration",
			"llm.client.max-wait=-1s|llm.client.max-wait|zero or a positive duration",
			"llm.client.max-response-size=0B|llm.client.max-response-size|at least 1 byte",
			"llm.client.validate-after-inactivity=0s|llm.client.validate-after-inactivity|positive duration",
			"llm.client.retry.max-attempts=0|llm.client.retry.max-attempts|at least 1",
			"llm.client.retry.initial-backoff=0s|llm.client.retry.initial-backoff|positive duration",
			"llm.client.retry.max-backoff=100ms|llm.client.retry.max-backoff|not be shorter than retry.initial-backoff",
			"llm.client.retry.multiplier=0.5|llm.client.retry.multiplier|1 or more",
			"llm.client.retry.jitter=1.5|llm.client.retry.jitter|from 0 to 1",
			"llm.client.retry.max-retry-after=-1s|llm.client.retry.max-retry-after|zero or a positive duration",
			"llm.client.warm-up.connections=0|llm.client.warm-up.connections|between 1 and max-concurrent",
			"llm.client.warm-up.connections=11|llm.client.warm-up.connections|between 1 and max-concurrent (10)",
			"llm.client.warm-up.timeout=0s|llm.client.warm-up.timeout|positive duration",
			"llm.client.warm-up.requests=-1|llm.client.warm-up.requests|must be 0 (no warm-up requests) or more",
			"llm.client.shutdown-timeout=-1s|llm.client.shutdown-timeout|zero or a positive duration",
			"llm.client.adaptive.min-concurrent=11|llm.client.adaptive.min-concurrent|not be above max-concurrent (10)",
			"llm.client.adaptive.min-concurrent=0|llm.client.adaptive.min-concurrent|at least 1",
			"llm.client.adaptive.backoff-ratio=1|llm.client.adaptive.backoff-ratio|at least 0.5 and below 1",
			"llm.client.rate-limit.requests-per-minute=0|llm.client.rate-limit.requests-per-minute|at least 1",
			"llm.client.rate-limit.tokens-per-minute=-5|llm.client.rate-limit.tokens-per-minute|at least 1",
			"llm.client.rate-limit.estimated-output-tokens=0|llm.client.rate-limit.estimated-output-tokens|at least 1",
			"llm.client.embedding-batch-size=0|llm.client.embedding-batch-size|between 1 and 2048",
			"llm.client.embedding-batch-size=2049|llm.client.embedding-batch-size|between 1 and 2048",
			"llm.client.batch-jobs.poll-interval=0s|llm.client.batch-jobs.poll-interval|positive duration",
			"llm.client.batch-jobs.max-poll-interval=1s|llm.client.batch-jobs.max-poll-interval|not be shorter than batch-jobs.poll-interval",
			"llm.client.batch-jobs.max-requests-per-batch=50001|llm.client.batch-jobs.max-requests-per-batch|between 1 and 50000",
			"llm.client.batch-jobs.max-bytes-per-batch=201MB|llm.client.batch-jobs.max-bytes-per-batch|between 1KB and 200MB" })
	void invalidValueStopsStartUpNamingTheKeyAndTheFix(String property, String key, String reason) {
		this.contextRunner.withPropertyValues(property).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining(key)
				.hasMessageContaining(reason);
		});
	}

	@Test
	void worksWithoutActuatorAndMicrometer() {
		this.contextRunner
			.withConfiguration(AutoConfigurations.of(LlmClientMetricsAutoConfiguration.class,
					LlmClientHealthContributorAutoConfiguration.class))
			.withClassLoader(new FilteredClassLoader(MeterRegistry.class, HealthIndicator.class))
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(LlmClient.class);
				assertThat(context).doesNotHaveBean("llmClientMetricsCustomizer")
					.doesNotHaveBean("llmClientHealthContributor");
			});
	}

	@Test
	void meterRegistryIsHandedToTheClient() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(LlmClientMetricsAutoConfiguration.class))
			.withBean(SimpleMeterRegistry.class)
			.run((context) -> assertThat(context).hasBean("llmClientMetricsCustomizer"));
	}

	@Configuration(proxyBeanMethods = false)
	static class UserClientConfiguration {

		@Bean
		LlmClient myClient() {
			return mock(LlmClient.class);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CustomizerConfiguration {

		@Bean
		@Order(2)
		LlmClientCustomizer second() {
			return (builder) -> builder.model("second");
		}

		@Bean
		@Order(1)
		LlmClientCustomizer first() {
			return (builder) -> builder.model("first").limits((limits) -> limits.withMaxConcurrent(7));
		}

	}

	@Test
	void endpointAndEndpointsTogetherFailStartUpNamingBothKeys() {
		this.contextRunner
			.withPropertyValues("llm.client.endpoint=http://127.0.0.1:1/v1",
					"llm.client.endpoints[0].url=http://127.0.0.1:2/v1", "llm.client.eager-init=false")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("llm.client.endpoints")
				.hasMessageContaining("llm.client.endpoint (http://127.0.0.1:1/v1)"));
	}

	@Test
	void endpointsAndRoutingAreBoundFromProperties() {
		this.contextRunner
			.withPropertyValues("llm.client.endpoint=", "llm.client.endpoints[0].url=http://127.0.0.1:1/v1",
					"llm.client.endpoints[1].url=http://127.0.0.1:2/v1", "llm.client.endpoints[1].weight=3",
					"llm.client.endpoints[1].max-concurrent=2", "llm.client.endpoints[1].model=other",
					"llm.client.routing.strategy=lowest-latency", "llm.client.routing.cooldown=7s",
					"llm.client.routing.latency-tolerance=0.5", "llm.client.routing.cooldown-after-failures=5",
					"llm.client.eager-init=false")
			.run((context) -> {
				LlmClientSettings settings = context.getBean(DefaultLlmClient.class).settings();
				assertThat(settings.endpoint()).isNull();
				assertThat(settings.endpoints()).extracting(EndpointSettings::url)
					.containsExactly("http://127.0.0.1:1/v1", "http://127.0.0.1:2/v1");
				assertThat(settings.endpoints().get(1))
					.isEqualTo(new EndpointSettings("http://127.0.0.1:2/v1", null, "other", 3, 2));
				assertThat(settings.routing()).isEqualTo(
						new RoutingSettings(RoutingSettings.Strategy.LOWEST_LATENCY, Duration.ofSeconds(7), 0.5, 5));
				assertThat(context.getBean(LlmClient.class).health().endpoints()).hasSize(2);
			});
	}

	@Test
	void endpointBudgetsAreBoundFromProperties() {
		this.contextRunner
			.withPropertyValues("llm.client.endpoint=", "llm.client.endpoints[0].url=http://127.0.0.1:1/v1",
					"llm.client.endpoints[1].url=http://127.0.0.1:2/v1",
					"llm.client.endpoints[1].rate-limit.requests-per-minute=500",
					"llm.client.endpoints[1].rate-limit.tokens-per-minute=30000", "llm.client.eager-init=false")
			.run((context) -> {
				LlmClientSettings settings = context.getBean(DefaultLlmClient.class).settings();
				assertThat(settings.endpoints().get(0).requestsPerMinute()).isNull();
				assertThat(settings.endpoints().get(1).requestsPerMinute()).isEqualTo(500L);
				assertThat(settings.endpoints().get(1).tokensPerMinute()).isEqualTo(30_000L);
			});
	}

	@Test
	void endpointBudgetOfZeroStopsStartUpNamingTheFullProperty() {
		this.contextRunner
			.withPropertyValues("llm.client.endpoint=", "llm.client.endpoints[0].url=http://127.0.0.1:1/v1",
					"llm.client.endpoints[1].url=http://127.0.0.1:2/v1",
					"llm.client.endpoints[1].rate-limit.requests-per-minute=0")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("llm.client.endpoints[1].rate-limit.requests-per-minute")
				.hasMessageContaining("must be at least 1"));
	}

	@Test
	void cooldownAfterNoFailureStopsStartUpNamingTheProperty() {
		this.contextRunner.withPropertyValues("llm.client.routing.cooldown-after-failures=0")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("llm.client.routing.cooldown-after-failures")
				.hasMessageContaining("must be at least 1"));
	}

}
