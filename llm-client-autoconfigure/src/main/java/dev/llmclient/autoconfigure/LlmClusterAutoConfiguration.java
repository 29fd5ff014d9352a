package dev.llmclient.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.PropertyMapper;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.util.ClassUtils;

import dev.llmclient.LlmClient;
import dev.llmclient.LlmClientCustomizer;
import dev.llmclient.LlmClientSettingException;
import dev.llmclient.LlmClientSettings;
import dev.llmclient.cluster.ClusterLimits;
import dev.llmclient.cluster.ClusterSettings;

/**
 * Auto-configuration of limits shared by every instance of the application through Redis,
 * when {@code llm.client.cluster.enabled=true}: a {@link ClusterLimits} bean put in front
 * of the client's own limits by an {@link LlmClientCustomizer}, on the application's
 * Redis ({@code spring.data.redis.*} through Spring Data Redis's Lettuce connection
 * factory) or on a connection of its own to {@code llm.client.cluster.redis.url}. Without
 * Lettuce and Bucket4j's Lettuce module on the class path, enabling it fails start-up
 * naming them.
 *
 * @since 0.1.0
 */
@AutoConfiguration(before = LlmClientAutoConfiguration.class,
		afterName = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration")
@ConditionalOnBooleanProperty("llm.client.cluster.enabled")
@EnableConfigurationProperties(LlmClientProperties.class)
public final class LlmClusterAutoConfiguration {

	/** The classes the cluster mode needs, with the dependency that brings each. */
	private static final Map<String, String> REQUIRED = Map.of("io.lettuce.core.RedisClient",
			"io.lettuce:lettuce-core (or spring-boot-starter-data-redis)",
			"io.github.bucket4j.redis.lettuce.Bucket4jLettuce", "com.bucket4j:bucket4j_jdk17-lettuce");

	private static final String BEAN_NAME = "llmClientClusterLimits";

	/**
	 * Fails start-up when a library the cluster mode needs is missing; the configuration
	 * below then does not apply.
	 */
	@Bean
	LlmClusterDependencies llmClientClusterDependencies(ApplicationContext context) {
		List<String> missing = new ArrayList<>();
		REQUIRED.forEach((className, dependency) -> {
			if (!ClassUtils.isPresent(className, context.getClassLoader())) {
				missing.add(dependency);
			}
		});
		if (!missing.isEmpty()) {
			throw new LlmClusterDependencyException(missing.stream().sorted().toList());
		}
		return new LlmClusterDependencies();
	}

	/**
	 * Returns the details of the cluster-wide limits for health, or {@code null} when
	 * there are none; never loads a Redis class when there are none.
	 */
	static Supplier<Map<String, Object>> healthDetails(ListableBeanFactory beanFactory) {
		if (!beanFactory.containsBean(BEAN_NAME)) {
			return null;
		}
		return () -> beanFactory.getBean(BEAN_NAME, ClusterLimits.class).details();
	}

	/**
	 * Proof that the libraries are there, so that the configuration below waits for the
	 * check.
	 */
	static final class LlmClusterDependencies {

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = { "io.lettuce.core.RedisClient", "io.github.bucket4j.redis.lettuce.Bucket4jLettuce" })
	static class RedisLimitsConfiguration {

		@Bean(destroyMethod = "close")
		@ConditionalOnProperty("llm.client.cluster.redis.url")
		OwnRedis llmClientClusterRedis(LlmClientProperties properties) {
			LlmClientProperties.Cluster cluster = properties.getCluster();
			return new OwnRedis(cluster.getRedis().getUrl(), settings(cluster).commandTimeout());
		}

		@Bean(BEAN_NAME)
		@ConditionalOnMissingBean
		ClusterLimits llmClientClusterLimits(LlmClusterDependencies dependencies, LlmClientProperties properties,
				LlmClientConnectionDetails connectionDetails, ObjectProvider<OwnRedis> ownRedis,
				ObjectProvider<ApplicationRedis> applicationRedis) {
			ClusterSettings settings = settings(properties.getCluster());
			LlmClientSettings client = clientSettings(connectionDetails);
			OwnRedis own = ownRedis.getIfAvailable();
			if (own != null) {
				return ClusterLimits.create(settings, client, own, own::connectPubSub);
			}
			ApplicationRedis application = applicationRedis.getIfAvailable();
			if (application != null) {
				return ClusterLimits.create(settings, client, application, application::connectPubSub);
			}
			throw new InvalidConfigurationPropertyValueException("llm.client.cluster.redis.url", null,
					"is required when the application has no Redis of its own (spring.data.redis.* with "
							+ "spring-boot-starter-data-redis): set it, e.g. redis://localhost:6379");
		}

		@Bean
		@ConditionalOnMissingBean(name = "llmClientClusterCustomizer")
		LlmClientCustomizer llmClientClusterCustomizer(ClusterLimits llmClientClusterLimits) {
			return llmClientClusterLimits::applyTo;
		}

		private static ClusterSettings settings(LlmClientProperties.Cluster properties) {
			PropertyMapper map = PropertyMapper.get();
			ClusterSettings settings = ClusterSettings.DEFAULTS;
			try {
				settings = map.from(properties::getKey).to(settings, ClusterSettings::withKey);
				settings = map.from(properties::getMaxConcurrent).to(settings, ClusterSettings::withMaxConcurrent);
				settings = map.from(properties::getLeaseTtl).to(settings, ClusterSettings::withLeaseTtl);
				settings = map.from(properties::getCommandTimeout).to(settings, ClusterSettings::withCommandTimeout);
				settings = map.from(properties::getOnRedisFailure).to(settings, ClusterSettings::withOnRedisFailure);
				settings = map.from(properties::getRequestsPerMinute)
					.to(settings, ClusterSettings::withRequestsPerMinute);
				return map.from(properties::getTokensPerMinute).to(settings, ClusterSettings::withTokensPerMinute);
			}
			catch (LlmClientSettingException ex) {
				throw new InvalidConfigurationPropertyValueException("llm.client." + ex.setting(), ex.value(),
						ex.reason());
			}
		}

		/**
		 * The client's name, prefix, endpoint and model: what the default key and the
		 * messages are made of.
		 */
		private static LlmClientSettings clientSettings(LlmClientConnectionDetails connectionDetails) {
			try {
				return LlmClient.builder()
					.name(LlmClientAutoConfiguration.BEAN_NAME)
					.propertyPrefix("llm.client.")
					.endpoint(connectionDetails.endpoint())
					.model(connectionDetails.model())
					.settings();
			}
			catch (LlmClientSettingException ex) {
				throw new InvalidConfigurationPropertyValueException("llm.client." + ex.setting(), ex.value(),
						ex.reason());
			}
		}

	}

	/**
	 * The application's Redis, through Spring Data Redis's Lettuce connection factory:
	 * the factory's own native connection (shared, unless the application turned that
	 * off), whose lifecycle stays the factory's.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory")
	@ConditionalOnBean(type = "org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory")
	static class ApplicationRedisConfiguration {

		@Bean
		ApplicationRedis llmClientClusterApplicationRedis(LettuceConnectionFactory connectionFactory) {
			return new ApplicationRedis(connectionFactory);
		}

	}

}
