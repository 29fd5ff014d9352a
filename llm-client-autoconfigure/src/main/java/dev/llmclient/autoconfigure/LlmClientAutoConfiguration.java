package dev.llmclient.autoconfigure;

import java.util.List;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.PropertyMapper;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.ssl.SslOptions;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Scope;
import org.springframework.util.unit.DataSize;
import org.springframework.web.client.RestClient;

import dev.llmclient.AdaptiveSettings;
import dev.llmclient.BatchJobSettings;
import dev.llmclient.ChatSettings;
import dev.llmclient.ConnectionSettings;
import dev.llmclient.EmbeddingSettings;
import dev.llmclient.EndpointSettings;
import dev.llmclient.HealthSettings;
import dev.llmclient.LifecycleSettings;
import dev.llmclient.LimitsSettings;
import dev.llmclient.LlmClient;
import dev.llmclient.LlmClientBuilder;
import dev.llmclient.LlmClientCustomizer;
import dev.llmclient.LlmClientSettingException;
import dev.llmclient.ObservationSettings;
import dev.llmclient.ProxySettings;
import dev.llmclient.RateLimitSettings;
import dev.llmclient.RetrySettings;
import dev.llmclient.RoutingSettings;
import dev.llmclient.SslSettings;
import dev.llmclient.WarmUpSettings;
import dev.llmclient.internal.DefaultLlmClient;
import dev.llmclient.observation.LlmObservationConvention;

/**
 * Auto-configuration of the {@link LlmClient}: binds {@code llm.client.*}, takes the
 * endpoint, API key and model from the {@link LlmClientConnectionDetails} bean (the
 * properties unless the application supplies one), applies {@link LlmClientCustomizer}
 * beans and builds the client on Spring Boot's {@link RestClient.Builder}, with the TLS
 * material of the {@link SslBundles SSL bundle} named by {@code llm.client.ssl.bundle},
 * observed in the application's {@link ObservationRegistry} (when there is one) with the
 * {@link LlmObservationConvention} bean, if any; {@link LlmClientLifecycle} warms it at
 * start-up and drains it on shutdown. It backs off, saying so in an INFO line, when the
 * application defines an {@code LlmClient} bean that is a default candidate.
 * <p>
 * Beside it: a client per entry of {@code llm.clients.<name>.*} (see
 * {@link LlmClientsRegistrar}), and the prototype {@code llmClientBuilder} bean, a new
 * {@link LlmClientBuilder} per injection set up as these clients are.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = { RestClientAutoConfiguration.class, SslAutoConfiguration.class })
@ConditionalOnClass({ RestClient.class, org.apache.hc.client5.http.classic.HttpClient.class })
@ConditionalOnBooleanProperty(name = "llm.client.enabled", matchIfMissing = true)
@EnableConfigurationProperties(LlmClientProperties.class)
@Import(LlmClientsRegistrar.class)
public final class LlmClientAutoConfiguration {

	private static final String PREFIX = "llm.client.";

	/**
	 * Name of the client's bean, and so of the client: its meters carry it as tag
	 * {@code llm.client.name}.
	 */
	static final String BEAN_NAME = "llmClient";

	@Bean
	@ConditionalOnMissingBean(LlmClientConnectionDetails.class)
	PropertiesLlmClientConnectionDetails llmClientConnectionDetails(LlmClientProperties properties) {
		return new PropertiesLlmClientConnectionDetails(properties);
	}

	@Bean
	@ConditionalOnMissingBean
	LlmClientBuilderConfigurer llmClientBuilderConfigurer(ObjectProvider<LlmClientCustomizer> customizers,
			ObjectProvider<RestClient.Builder> restClientBuilder,
			ObjectProvider<ObservationRegistry> observationRegistry,
			ObjectProvider<LlmObservationConvention> observationConvention) {
		return new LlmClientBuilderConfigurer(customizers, restClientBuilder, observationRegistry,
				observationConvention);
	}

	/**
	 * A new builder per injection, configured as the auto-configured client is: there
	 * whether or not the application defines clients of its own.
	 * @param configurer what every client of the application shares
	 * @return the builder
	 */
	@Bean
	@Scope(ConfigurableBeanFactory.SCOPE_PROTOTYPE)
	@ConditionalOnMissingBean
	LlmClientBuilder llmClientBuilder(LlmClientBuilderConfigurer configurer) {
		return configurer.configure(LlmClient.builder());
	}

	/**
	 * Declared before {@link #llmClient}, so its condition sees only the application's
	 * own clients: the ones that make the auto-configured client back off.
	 * @param beanFactory where those clients are
	 * @return the log line's bean
	 */
	@Bean
	@ConditionalOnBean(LlmClient.class)
	static LlmClientBackOffLog llmClientBackOffLog(ConfigurableListableBeanFactory beanFactory) {
		return new LlmClientBackOffLog(beanFactory);
	}

	@Bean(BEAN_NAME)
	@ConditionalOnMissingBean(LlmClient.class)
	DefaultLlmClient llmClient(LlmClientProperties properties, LlmClientConnectionDetails connectionDetails,
			LlmClientBuilderConfigurer configurer, ObjectProvider<SslBundles> sslBundles,
			ListableBeanFactory beanFactory) {
		return create(BEAN_NAME, PREFIX, properties, connectionDetails, configurer, sslBundles.getIfAvailable(),
				beanFactory);
	}

	@Bean
	@ConditionalOnBean(DefaultLlmClient.class)
	@ConditionalOnMissingBean
	LlmClientLifecycle llmClientLifecycle(DefaultLlmClient llmClient) {
		return new LlmClientLifecycle(llmClient);
	}

	/**
	 * Builds a client from its properties, as every client configured by properties is
	 * built: the properties, then what the configurer adds, then its cluster-wide limits
	 * when it has them.
	 * @param name the client's name, which is also its bean name
	 * @param prefix the prefix of its properties, such as {@code llm.client.}
	 * @throws InvalidConfigurationPropertyValueException naming the full property of a
	 * missing or invalid setting
	 */
	static DefaultLlmClient create(String name, String prefix, LlmClientProperties properties,
			LlmClientConnectionDetails connectionDetails, LlmClientBuilderConfigurer configurer, SslBundles sslBundles,
			ListableBeanFactory beanFactory) {
		try {
			LlmClientBuilder builder = builder(name, prefix, properties, connectionDetails, sslBundles);
			configurer.configure(builder);
			LlmClusterAutoConfiguration.applyClusterLimits(beanFactory, name, builder);
			return DefaultLlmClient.create(builder, builder.restClientBuilder());
		}
		catch (LlmClientSettingException ex) {
			IllegalStateException conflict = PREFIX.equals(prefix)
					? EndpointConflict.explain(ex, properties, connectionDetails, beanFactory) : null;
			throw (conflict != null) ? conflict : startUpFailure(ex, prefix, connectionDetails);
		}
	}

	/**
	 * Maps the connection details and the properties onto a builder, one line per
	 * property: a property left unset ({@code null}) keeps the record's default.
	 * @param name the client's name
	 * @param prefix the prefix of the client's properties, such as {@code llm.client.}
	 * @param sslBundles the bundles {@code ssl.bundle} names one of, or {@code null} when
	 * there are none
	 */
	private static LlmClientBuilder builder(String name, String prefix, LlmClientProperties properties,
			LlmClientConnectionDetails connectionDetails, SslBundles sslBundles) {
		PropertyMapper map = PropertyMapper.get();
		LlmClientBuilder builder = LlmClient.builder().name(name).propertyPrefix(prefix);
		map.from(connectionDetails::endpoint).to(builder::endpoint);
		map.from(connectionDetails::apiKey).to(builder::apiKey);
		map.from(connectionDetails::model).to(builder::model);
		map.from(properties::isStreamUsage).to(builder::streamUsage);
		map.from(properties::getEndpoints)
			.as((endpoints) -> endpoints.stream()
				.map((endpoint) -> new EndpointSettings(endpoint.getUrl(), endpoint.getApiKey(), endpoint.getModel(),
						endpoint.getWeight(), endpoint.getMaxConcurrent(),
						endpoint.getRateLimit().getRequestsPerMinute(), endpoint.getRateLimit().getTokensPerMinute()))
				.toList())
			.to(builder::endpoints);
		LlmClientProperties.Routing routingProperties = properties.getRouting();
		builder.routing((routing) -> {
			routing = map.from(routingProperties::getStrategy).to(routing, RoutingSettings::withStrategy);
			routing = map.from(routingProperties::getCooldown).to(routing, RoutingSettings::withCooldown);
			routing = map.from(routingProperties::getLatencyTolerance)
				.to(routing, RoutingSettings::withLatencyTolerance);
			return map.from(routingProperties::getCooldownAfterFailures)
				.to(routing, RoutingSettings::withCooldownAfterFailures);
		});
		builder.connection((connection) -> {
			connection = map.from(properties::getConnectTimeout).to(connection, ConnectionSettings::withConnectTimeout);
			connection = map.from(properties::getReadTimeout).to(connection, ConnectionSettings::withReadTimeout);
			connection = map.from(properties::getValidateAfterInactivity)
				.to(connection, ConnectionSettings::withValidateAfterInactivity);
			return map.from(properties::getMaxResponseSize)
				.as(DataSize::toBytes)
				.to(connection, ConnectionSettings::withMaxResponseSize);
		});
		builder.limits((limits) -> {
			limits = map.from(properties::getMaxConcurrent).to(limits, LimitsSettings::withMaxConcurrent);
			limits = map.from(properties::getMaxWait).to(limits, LimitsSettings::withMaxWait);
			return map.from(properties::getTimeout).to(limits, LimitsSettings::withTimeout);
		});
		LlmClientProperties.Retry retryProperties = properties.getRetry();
		builder.retry((retry) -> {
			retry = map.from(retryProperties::isEnabled).to(retry, RetrySettings::withEnabled);
			retry = map.from(retryProperties::getMaxAttempts).to(retry, RetrySettings::withMaxAttempts);
			retry = map.from(retryProperties::getInitialBackoff).to(retry, RetrySettings::withInitialBackoff);
			retry = map.from(retryProperties::getMaxBackoff).to(retry, RetrySettings::withMaxBackoff);
			retry = map.from(retryProperties::getMultiplier).to(retry, RetrySettings::withMultiplier);
			retry = map.from(retryProperties::getJitter).to(retry, RetrySettings::withJitter);
			return map.from(retryProperties::getMaxRetryAfter).to(retry, RetrySettings::withMaxRetryAfter);
		});
		LlmClientProperties.WarmUp warmUpProperties = properties.getWarmUp();
		builder.warmUp((warmUp) -> {
			warmUp = map.from(warmUpProperties::getConnections).to(warmUp, WarmUpSettings::withConnections);
			warmUp = map.from(warmUpProperties::getTimeout).to(warmUp, WarmUpSettings::withTimeout);
			warmUp = map.from(warmUpProperties::isFailFast).to(warmUp, WarmUpSettings::withFailFast);
			return map.from(warmUpProperties::getRequests).to(warmUp, WarmUpSettings::withRequests);
		});
		builder.lifecycle((lifecycle) -> {
			lifecycle = map.from(properties::isEagerInit).to(lifecycle, LifecycleSettings::withEagerInit);
			return map.from(properties::getShutdownTimeout).to(lifecycle, LifecycleSettings::withShutdownTimeout);
		});
		LlmClientProperties.Ssl sslProperties = properties.getSsl();
		builder.ssl((ssl) -> map.from(sslProperties::getBundle)
			.whenHasText()
			.to(ssl, (current, bundle) -> fromBundle(current, prefix, bundle, sslBundles)));
		LlmClientProperties.Proxy proxyProperties = properties.getProxy();
		builder.proxy((proxy) -> {
			proxy = map.from(proxyProperties::getUrl).to(proxy, ProxySettings::withUrl);
			proxy = map.from(proxyProperties::getUsername).to(proxy, ProxySettings::withUsername);
			proxy = map.from(proxyProperties::getPassword).to(proxy, ProxySettings::withPassword);
			return map.from(proxyProperties::getNonProxyHosts).to(proxy, ProxySettings::withNonProxyHosts);
		});
		LlmClientProperties.Health healthProperties = properties.getHealth();
		builder.health((health) -> {
			health = map.from(properties::getMaxLatencyRecords).to(health, HealthSettings::withMaxLatencyRecords);
			health = map.from(healthProperties::getDownAfterFailures).to(health, HealthSettings::withDownAfterFailures);
			health = map.from(healthProperties.getProbe()::isEnabled).to(health, HealthSettings::withProbeEnabled);
			return map.from(healthProperties.getProbe()::getTtl).to(health, HealthSettings::withProbeTtl);
		});
		LlmClientProperties.Observations observationsProperties = properties.getObservations();
		builder.observations((observations) -> {
			observations = map.from(observationsProperties::isIncludePrompt)
				.to(observations, ObservationSettings::withIncludePrompt);
			observations = map.from(observationsProperties::isIncludeCompletion)
				.to(observations, ObservationSettings::withIncludeCompletion);
			return map.from(observationsProperties::getMaxContentLength)
				.to(observations, ObservationSettings::withMaxContentLength);
		});
		LlmClientProperties.Adaptive adaptiveProperties = properties.getAdaptive();
		builder.adaptive((adaptive) -> {
			adaptive = map.from(adaptiveProperties::isEnabled).to(adaptive, AdaptiveSettings::withEnabled);
			adaptive = map.from(adaptiveProperties::getMinConcurrent).to(adaptive, AdaptiveSettings::withMinConcurrent);
			return map.from(adaptiveProperties::getBackoffRatio).to(adaptive, AdaptiveSettings::withBackoffRatio);
		});
		LlmClientProperties.RateLimit rateLimitProperties = properties.getRateLimit();
		builder.rateLimit((rateLimit) -> {
			rateLimit = map.from(rateLimitProperties::getRequestsPerMinute)
				.to(rateLimit, RateLimitSettings::withRequestsPerMinute);
			rateLimit = map.from(rateLimitProperties::getTokensPerMinute)
				.to(rateLimit, RateLimitSettings::withTokensPerMinute);
			return map.from(rateLimitProperties::getEstimatedOutputTokens)
				.to(rateLimit, RateLimitSettings::withEstimatedOutputTokens);
		});
		builder.embeddings((embeddings) -> {
			embeddings = map.from(properties::getEmbeddingModel).to(embeddings, EmbeddingSettings::withModel);
			return map.from(properties::getEmbeddingBatchSize).to(embeddings, EmbeddingSettings::withBatchSize);
		});
		LlmClientProperties.Chat chatProperties = properties.getChat();
		builder.chat((chat) -> {
			chat = map.from(chatProperties::getMaxTokensField).to(chat, ChatSettings::withMaxTokensField);
			return map.from(chatProperties::isStructuredOutputRepair)
				.to(chat, ChatSettings::withStructuredOutputRepair);
		});
		LlmClientProperties.BatchJobs jobProperties = properties.getBatchJobs();
		builder.batchJobs((jobs) -> {
			jobs = map.from(jobProperties::getMode).to(jobs, BatchJobSettings::withMode);
			jobs = map.from(jobProperties::getPollInterval).to(jobs, BatchJobSettings::withPollInterval);
			jobs = map.from(jobProperties::getMaxPollInterval).to(jobs, BatchJobSettings::withMaxPollInterval);
			jobs = map.from(jobProperties::isKeepFiles).to(jobs, BatchJobSettings::withKeepFiles);
			jobs = map.from(jobProperties::getCompletionWindow).to(jobs, BatchJobSettings::withCompletionWindow);
			jobs = map.from(jobProperties::getMaxRequestsPerBatch).to(jobs, BatchJobSettings::withMaxRequestsPerBatch);
			return map.from(jobProperties::getMaxBytesPerBatch)
				.as(DataSize::toBytes)
				.to(jobs, BatchJobSettings::withMaxBytesPerBatch);
		});
		return builder;
	}

	/**
	 * Names what to fix: the property, or the connection details bean when the bad
	 * endpoint came from one (setting {@code llm.client.endpoint} would not help then).
	 */
	private static RuntimeException startUpFailure(LlmClientSettingException ex, String prefix,
			LlmClientConnectionDetails connectionDetails) {
		if (ex.setting().equals("endpoint") && !(connectionDetails instanceof PropertiesLlmClientConnectionDetails)) {
			String value = (ex.value() != null) ? " '" + ex.value() + "'" : "";
			return new IllegalStateException("Endpoint" + value + " supplied by the LlmClientConnectionDetails bean "
					+ connectionDetails.getClass().getName() + " " + ex.reason() + ". That bean replaces " + PREFIX
					+ "endpoint, api-key and model: fix it, or remove it to use the properties.");
		}
		return new InvalidConfigurationPropertyValueException(prefix + ex.setting(), ex.value(), ex.reason());
	}

	/**
	 * The TLS settings of an SSL bundle, as Spring Boot applies a bundle to HttpClient:
	 * its context, and its protocols and cipher suites when it sets them.
	 */
	private static SslSettings fromBundle(SslSettings ssl, String prefix, String name, SslBundles sslBundles) {
		SslBundle bundle = bundle(prefix, name, sslBundles);
		SslOptions options = bundle.getOptions();
		return ssl.withBundle(name)
			.withSslContext(bundle.createSslContext())
			.withProtocols(names(options.getEnabledProtocols()))
			.withCiphers(names(options.getCiphers()));
	}

	private static SslBundle bundle(String prefix, String name, SslBundles sslBundles) {
		if (sslBundles != null) {
			try {
				return sslBundles.getBundle(name);
			}
			catch (NoSuchSslBundleException ex) {
				// named below, with the bundles there are
			}
		}
		List<String> names = (sslBundles != null) ? sslBundles.getBundleNames() : List.of();
		throw new InvalidConfigurationPropertyValueException(prefix + "ssl.bundle", name,
				"no SSL bundle of that name is configured under spring.ssl.bundle ("
						+ (names.isEmpty() ? "there are none" : "there are: " + String.join(", ", names)) + ")");
	}

	private static List<String> names(String[] names) {
		return (names != null) ? List.of(names) : List.of();
	}

}
