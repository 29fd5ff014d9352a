package dev.llmclient.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.PropertyMapper;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.util.ClassUtils;

import dev.llmclient.LlmClient;
import dev.llmclient.LlmClientBuilder;
import dev.llmclient.LlmClientSettingException;
import dev.llmclient.LlmClientSettings;
import dev.llmclient.cluster.ClusterLimits;
import dev.llmclient.cluster.ClusterSettings;

/**
 * Auto-configuration of limits shared by every instance of the application through Redis,
 * when {@code llm.client.cluster.enabled=true}: a {@link ClusterLimits} bean,
 * {@code llmClientClusterLimits}, put in front of the auto-configured client's own limits
 * (and of no other client's), on the application's Redis ({@code spring.data.redis.*}
 * through Spring Data Redis's Lettuce connection factory) or on a connection of its own
 * to {@code llm.client.cluster.redis.url}. Without Lettuce and Bucket4j's Lettuce module
 * on the class path, enabling it fails start-up naming them. A client of
 * {@code llm.clients.<name>.*} that enables them gets limits of its own,
 * {@code <name>ClusterLimits}.
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

	private static final String PREFIX = "llm.client.";

	private static final String BEAN_NAME = LlmClientAutoConfiguration.BEAN_NAME + "ClusterLimits";

	/**
	 * Fails start-up when a library the cluster mode needs is missing; the configuration
	 * below then does not apply.
	 */
	@Bean
	LlmClusterDependencies llmClientClusterDependencies(ApplicationContext context) {
		checkDependencies(context.getClassLoader());
		return new LlmClusterDependencies();
	}

	private static void checkDependencies(ClassLoader classLoader) {
		List<String> missing = new ArrayList<>();
		REQUIRED.forEach((className, dependency) -> {
			if (!ClassUtils.isPresent(className, classLoader)) {
				missing.add(dependency);
			}
		});
		if (!missing.isEmpty()) {
			throw new LlmClusterDependencyException(missing.stream().sorted().toList());
		}
	}

	/**
	 * Returns the name of the bean holding a client's cluster-wide limits.
	 * @param clientName the client's name: {@code llmClient}, or a named client's
	 * @return {@code <clientName>ClusterLimits}
	 */
	static String limitsBeanName(String clientName) {
		return clientName + "ClusterLimits";
	}

	/**
	 * Returns the details of a client's cluster-wide limits for health, or {@code null}
	 * when it has none; never loads a Redis class when it has none.
	 * @param clientName the client's name
	 */
	static Supplier<Map<String, Object>> healthDetails(ListableBeanFactory beanFactory, String clientName) {
		String beanName = limitsBeanName(clientName);
		if (!beanFactory.containsBean(beanName)) {
			return null;
		}
		return () -> beanFactory.getBean(beanName, ClusterLimits.class).details();
	}

	/**
	 * Puts a client's cluster-wide limits, when it has them, in front of its own.
	 * @param clientName the client's name
	 * @param builder the client's builder
	 */
	static void applyClusterLimits(ListableBeanFactory beanFactory, String clientName, LlmClientBuilder builder) {
		String beanName = limitsBeanName(clientName);
		if (beanFactory.containsBean(beanName)) {
			beanFactory.getBean(beanName, ClusterLimits.class).applyTo(builder);
		}
	}

	/**
	 * Registers the cluster-wide limits of a client of {@code llm.clients.<name>.*}, when
	 * its {@code cluster.enabled} is set: on a Redis connection of its own
	 * ({@code cluster.redis.url}) or the application's, under its {@code cluster.key} or
	 * one derived from its name, endpoint and model.
	 * @param name the client's name
	 * @param properties its properties
	 * @param classLoader where the Redis libraries must be
	 */
	static void registerClusterLimits(BeanDefinitionRegistry registry, String name, LlmClientProperties properties,
			ClassLoader classLoader) {
		if (properties.getCluster().isEnabled()) {
			checkDependencies(classLoader);
			if (properties.getCluster().getRedis().getUrl() != null) {
				RootBeanDefinition redis = LlmClientsRegistrar.factoryMethod(NamedClusterLimits.class, "ownRedis",
						name);
				redis.setDestroyMethodName("close");
				registry.registerBeanDefinition(NamedClusterLimits.redisBeanName(name), redis);
			}
			RootBeanDefinition limits = LlmClientsRegistrar.factoryMethod(NamedClusterLimits.class, "create", name);
			limits.setDestroyMethodName("close");
			registry.registerBeanDefinition(limitsBeanName(name), limits);
		}
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
			return new OwnRedis(PREFIX, cluster.getRedis().getUrl(), settings(cluster, PREFIX).commandTimeout());
		}

		@Bean(BEAN_NAME)
		@ConditionalOnMissingBean
		ClusterLimits llmClientClusterLimits(LlmClusterDependencies dependencies, LlmClientProperties properties,
				LlmClientConnectionDetails connectionDetails, ObjectProvider<OwnRedis> ownRedis,
				ObjectProvider<ApplicationRedis> applicationRedis) {
			return limits(settings(properties.getCluster(), PREFIX),
					clientSettings(LlmClientAutoConfiguration.BEAN_NAME, PREFIX, connectionDetails),
					ownRedis.getIfAvailable(), applicationRedis.getIfAvailable(), PREFIX);
		}

		/**
		 * Creates a client's limits on its own Redis when it has one, else on the
		 * application's, each with the pub/sub connection on which releases by other
		 * instances wake this one's waiting calls.
		 * @throws InvalidConfigurationPropertyValueException when there is neither
		 */
		static ClusterLimits limits(ClusterSettings settings, LlmClientSettings client, OwnRedis own,
				ApplicationRedis application, String prefix) {
			if (own != null) {
				return ClusterLimits.create(settings, client, own, own::connectPubSub);
			}
			if (application != null) {
				return ClusterLimits.create(settings, client, application, application::connectPubSub);
			}
			throw new InvalidConfigurationPropertyValueException(prefix + "cluster.redis.url", null,
					"is required when the application has no Redis of its own (spring.data.redis.* with "
							+ "spring-boot-starter-data-redis): set it, e.g. redis://localhost:6379");
		}

		static ClusterSettings settings(LlmClientProperties.Cluster properties, String prefix) {
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
				throw new InvalidConfigurationPropertyValueException(prefix + ex.setting(), ex.value(), ex.reason());
			}
		}

		/**
		 * The client's name, prefix, endpoint and model: what the default key and the
		 * messages are made of.
		 */
		static LlmClientSettings clientSettings(String name, String prefix,
				LlmClientConnectionDetails connectionDetails) {
			try {
				return LlmClient.builder()
					.name(name)
					.propertyPrefix(prefix)
					.endpoint(connectionDetails.endpoint())
					.model(connectionDetails.model())
					.settings();
			}
			catch (LlmClientSettingException ex) {
				throw new InvalidConfigurationPropertyValueException(prefix + ex.setting(), ex.value(), ex.reason());
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

	/**
	 * The cluster-wide limits of a client of {@code llm.clients.<name>.*}, and its own
	 * Redis client: a class of its own so that no Redis class loads unless such a client
	 * enables them.
	 */
	static final class NamedClusterLimits {

		private NamedClusterLimits() {
		}

		static String redisBeanName(String name) {
			return name + "ClusterRedis";
		}

		static OwnRedis ownRedis(String name, Environment environment) {
			String prefix = LlmClientsRegistrar.prefix(name);
			LlmClientProperties.Cluster cluster = LlmClientsRegistrar.properties(Binder.get(environment), name)
				.getCluster();
			return new OwnRedis(prefix, cluster.getRedis().getUrl(),
					RedisLimitsConfiguration.settings(cluster, prefix).commandTimeout());
		}

		static ClusterLimits create(String name, Environment environment, ListableBeanFactory beanFactory) {
			String prefix = LlmClientsRegistrar.prefix(name);
			LlmClientProperties properties = LlmClientsRegistrar.properties(Binder.get(environment), name);
			OwnRedis own = beanFactory.containsBean(redisBeanName(name))
					? beanFactory.getBean(redisBeanName(name), OwnRedis.class) : null;
			LlmClientSettings client = RedisLimitsConfiguration.clientSettings(name, prefix,
					new PropertiesLlmClientConnectionDetails(properties));
			ClusterSettings settings = RedisLimitsConfiguration.settings(properties.getCluster(), prefix);
			if (settings.key() == null) {
				settings = settings.withKey(name + "|" + ClusterLimits.defaultKey(client));
			}
			return RedisLimitsConfiguration.limits(settings, client, own,
					(own != null) ? null : applicationRedis(beanFactory), prefix);
		}

		private static ApplicationRedis applicationRedis(ListableBeanFactory beanFactory) {
			if (!ClassUtils.isPresent("org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory",
					NamedClusterLimits.class.getClassLoader())) {
				return null;
			}
			LettuceConnectionFactory factory = beanFactory.getBeanProvider(LettuceConnectionFactory.class)
				.getIfAvailable();
			return (factory != null) ? new ApplicationRedis(factory) : null;
		}

	}

}
