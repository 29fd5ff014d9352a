package dev.llmclient.autoconfigure;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.llmclient.cluster.ClusterLimits;
import dev.llmclient.health.LlmClientHealthIndicator;
import dev.llmclient.testsupport.RedisServerProcess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The cluster mode's auto-configuration against a real Redis: off by default, on the
 * application's Redis or its own URL, and failing start-up clearly when it cannot work.
 */
class LlmClusterAutoConfigurationTests {

	private static RedisServerProcess redis;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(LlmClientAutoConfiguration.class, LlmClusterAutoConfiguration.class,
				LlmClientHealthContributorAutoConfiguration.class))
		.withPropertyValues("llm.client.endpoint=http://127.0.0.1:1/v1", "llm.client.model=m",
				"llm.client.eager-init=false", "llm.client.cluster.command-timeout=2s");

	@BeforeAll
	static void startRedis() {
		redis = RedisServerProcess.start();
	}

	@AfterAll
	static void stopRedis() {
		redis.close();
	}

	@Test
	void offByDefault() {
		this.contextRunner.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(ClusterLimits.class));
	}

	@Test
	void usesItsOwnRedisUrlAndReportsInHealth() {
		this.contextRunner
			.withPropertyValues("llm.client.cluster.enabled=true", "llm.client.cluster.redis.url=" + redis.url(),
					"llm.client.cluster.max-concurrent=8", "llm.client.cluster.requests-per-minute=600")
			.run((context) -> {
				assertThat(context).hasSingleBean(ClusterLimits.class).hasSingleBean(OwnRedis.class);
				ClusterLimits limits = context.getBean(ClusterLimits.class);
				assertThat(limits.key()).isEqualTo("http://127.0.0.1:1/v1|m");
				@SuppressWarnings("unchecked")
				Map<String, Object> cluster = (Map<String, Object>) context.getBean(LlmClientHealthIndicator.class)
					.health(true)
					.getDetails()
					.get("cluster");
				assertThat(cluster).containsEntry("state", "active")
					.containsEntry("inFlight", 0L)
					.containsEntry("maxConcurrent", 8)
					.containsKey("requestsRemaining");
				assertThat(subscribers("llm-client:{http://127.0.0.1:1/v1|m}:released"))
					.as("one subscription to releases")
					.isOne();
			});
		await().atMost(Duration.ofSeconds(10))
			.until(() -> subscribers("llm-client:{http://127.0.0.1:1/v1|m}:released") == 0);
	}

	@Test
	void usesTheApplicationsRedisWhenItHasOne() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class))
			.withPropertyValues("llm.client.cluster.enabled=true", "llm.client.cluster.max-concurrent=4",
					"llm.client.cluster.key=shared", "spring.data.redis.url=" + redis.url())
			.run((context) -> {
				assertThat(context).hasSingleBean(ClusterLimits.class).doesNotHaveBean(OwnRedis.class);
				assertThat(context.getBean(ClusterLimits.class).details()).containsEntry("state", "active")
					.containsEntry("key", "shared")
					.containsEntry("inFlight", 0L);
				assertThat(subscribers("llm-client:{shared}:released")).as("one subscription to releases, of its own")
					.isOne();
			});
		await().atMost(Duration.ofSeconds(10)).until(() -> subscribers("llm-client:{shared}:released") == 0);
	}

	/** Counts the connections subscribed to a channel, as Redis sees them. */
	private static long subscribers(String channel) {
		RedisClient client = RedisClient.create(redis.url());
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			return connection.sync().pubsubNumsub(channel).get(channel);
		}
		finally {
			client.shutdown();
		}
	}

	@Test
	void withoutAnyRedisStartUpFailsNamingTheUrlProperty() {
		this.contextRunner.withPropertyValues("llm.client.cluster.enabled=true")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("llm.client.cluster.redis.url")
				.hasMessageContaining("spring.data.redis"));
	}

	@Test
	void invalidValueStopsStartUpNamingTheKey() {
		this.contextRunner
			.withPropertyValues("llm.client.cluster.enabled=true", "llm.client.cluster.redis.url=" + redis.url(),
					"llm.client.cluster.max-concurrent=0")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("llm.client.cluster.max-concurrent")
				.hasMessageContaining("at least 1"));
	}

	@Test
	void withoutLettuceStartUpFailsNamingTheDependency() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(RedisClient.class, Bucket4jLettuce.class))
			.withPropertyValues("llm.client.cluster.enabled=true", "llm.client.cluster.redis.url=" + redis.url())
			.run((context) -> {
				assertThat(context).getFailure().rootCause().isInstanceOf(LlmClusterDependencyException.class);
				FailureAnalysis analysis = new LlmClusterDependencyFailureAnalyzer()
					.analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("io.lettuce:lettuce-core")
					.contains("com.bucket4j:bucket4j_jdk17-lettuce");
				assertThat(analysis.getAction()).contains("llm.client.cluster.enabled=false");
			});
	}

	@Test
	void withoutRedisOnTheClassPathNothingChanges() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(RedisClient.class, Bucket4jLettuce.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(ClusterLimits.class)
				.hasSingleBean(HealthIndicator.class));
	}

	@Test
	void aNamedClientThatEnablesThemGetsLimitsOfItsOwnUnderItsName() {
		this.contextRunner
			.withPropertyValues("llm.clients.fast.model=small", "llm.clients.fast.cluster.enabled=true",
					"llm.clients.fast.cluster.redis.url=" + redis.url(), "llm.clients.fast.cluster.max-concurrent=2")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBeansOfType(ClusterLimits.class)).containsOnlyKeys("fastClusterLimits");
				assertThat(context.getBean("fastClusterLimits", ClusterLimits.class).key())
					.isEqualTo("fast|http://127.0.0.1:1/v1|small");
				Map<String, Map<String, Object>> details = new TreeMap<>();
				((CompositeHealthContributor) context.getBean("llmClientHealthContributor")).stream()
					.forEach((entry) -> details.put(entry.name(),
							((HealthIndicator) entry.contributor()).health(true).getDetails()));
				assertThat(details).containsOnlyKeys("llmClient", "fast");
				assertThat(details.get("llmClient")).doesNotContainKey("cluster");
				@SuppressWarnings("unchecked")
				Map<String, Object> cluster = (Map<String, Object>) details.get("fast").get("cluster");
				assertThat(cluster).containsEntry("state", "active").containsEntry("maxConcurrent", 2);
			});
	}

	@Test
	void anInvalidClusterValueOfANamedClientNamesItsFullKey() {
		this.contextRunner
			.withPropertyValues("llm.clients.fast.cluster.enabled=true",
					"llm.clients.fast.cluster.redis.url=" + redis.url(), "llm.clients.fast.cluster.max-concurrent=0")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("llm.clients.fast.cluster.max-concurrent"));
	}

}
