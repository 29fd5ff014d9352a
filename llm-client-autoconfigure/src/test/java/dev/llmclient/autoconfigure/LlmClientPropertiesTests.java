package dev.llmclient.autoconfigure;

import java.beans.PropertyDescriptor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

import org.springframework.beans.BeanUtils;

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
import dev.llmclient.LlmClientSettings;
import dev.llmclient.ObservationSettings;
import dev.llmclient.ProxySettings;
import dev.llmclient.RateLimitSettings;
import dev.llmclient.RetrySettings;
import dev.llmclient.RoutingSettings;
import dev.llmclient.SslSettings;
import dev.llmclient.WarmUpSettings;
import dev.llmclient.cluster.ClusterSettings;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LlmClientProperties}: its defaults are those of the settings records,
 * which plain Java gets from the builder, so that a property left unset and a property
 * set to its documented default behave alike.
 */
class LlmClientPropertiesTests {

	/**
	 * Properties with no default in the settings: switches and connections of the
	 * auto-configuration, and values the user must give.
	 */
	private static final Set<String> NOT_SETTINGS = Set.of("enabled", "endpoint", "endpoints[].url", "cluster.enabled",
			"cluster.redis.url");

	@Test
	void defaultValuesAreConsistent() {
		LlmClientProperties properties = new LlmClientProperties();
		LlmClientSettings builder = LlmClient.builder().endpoint("http://localhost:1/v1").settings();
		Map<String, Object[]> defaults = new LinkedHashMap<>();
		compare(defaults, "api-key", properties.getApiKey(), builder.apiKey());
		compare(defaults, "model", properties.getModel(), builder.model());
		compare(defaults, "stream-usage", properties.isStreamUsage(), builder.streamUsage());
		compare(defaults, "endpoints", properties.getEndpoints(), builder.endpoints());
		ConnectionSettings connection = ConnectionSettings.DEFAULTS;
		compare(defaults, "connect-timeout", properties.getConnectTimeout(), connection.connectTimeout());
		compare(defaults, "read-timeout", properties.getReadTimeout(), connection.readTimeout());
		compare(defaults, "max-response-size", properties.getMaxResponseSize().toBytes(), connection.maxResponseSize());
		compare(defaults, "validate-after-inactivity", properties.getValidateAfterInactivity(),
				connection.validateAfterInactivity());
		LimitsSettings limits = LimitsSettings.DEFAULTS;
		compare(defaults, "max-concurrent", properties.getMaxConcurrent(), limits.maxConcurrent());
		compare(defaults, "max-wait", properties.getMaxWait(), limits.maxWait());
		compare(defaults, "timeout", properties.getTimeout(), limits.timeout());
		LifecycleSettings lifecycle = LifecycleSettings.DEFAULTS;
		compare(defaults, "eager-init", properties.isEagerInit(), lifecycle.eagerInit());
		compare(defaults, "shutdown-timeout", properties.getShutdownTimeout(), lifecycle.shutdownTimeout());
		EmbeddingSettings embeddings = EmbeddingSettings.DEFAULTS;
		compare(defaults, "embedding-model", properties.getEmbeddingModel(), embeddings.model());
		compare(defaults, "embedding-batch-size", properties.getEmbeddingBatchSize(), embeddings.batchSize());
		RetrySettings retry = RetrySettings.DEFAULTS;
		LlmClientProperties.Retry retryProperties = properties.getRetry();
		compare(defaults, "retry.enabled", retryProperties.isEnabled(), retry.enabled());
		compare(defaults, "retry.max-attempts", retryProperties.getMaxAttempts(), retry.maxAttempts());
		compare(defaults, "retry.initial-backoff", retryProperties.getInitialBackoff(), retry.initialBackoff());
		compare(defaults, "retry.max-backoff", retryProperties.getMaxBackoff(), retry.maxBackoff());
		compare(defaults, "retry.multiplier", retryProperties.getMultiplier(), retry.multiplier());
		compare(defaults, "retry.jitter", retryProperties.getJitter(), retry.jitter());
		compare(defaults, "retry.max-retry-after", retryProperties.getMaxRetryAfter(), retry.maxRetryAfter());
		WarmUpSettings warmUp = WarmUpSettings.DEFAULTS;
		LlmClientProperties.WarmUp warmUpProperties = properties.getWarmUp();
		compare(defaults, "warm-up.connections", warmUpProperties.getConnections(), warmUp.connections());
		compare(defaults, "warm-up.timeout", warmUpProperties.getTimeout(), warmUp.timeout());
		compare(defaults, "warm-up.fail-fast", warmUpProperties.isFailFast(), warmUp.failFast());
		compare(defaults, "warm-up.requests", warmUpProperties.getRequests(), warmUp.requests());
		HealthSettings health = HealthSettings.DEFAULTS;
		LlmClientProperties.Health healthProperties = properties.getHealth();
		compare(defaults, "max-latency-records", properties.getMaxLatencyRecords(), health.maxLatencyRecords());
		compare(defaults, "health.down-after-failures", healthProperties.getDownAfterFailures(),
				health.downAfterFailures());
		compare(defaults, "health.probe.enabled", healthProperties.getProbe().isEnabled(), health.probeEnabled());
		compare(defaults, "health.probe.ttl", healthProperties.getProbe().getTtl(), health.probeTtl());
		compare(defaults, "ssl.bundle", properties.getSsl().getBundle(), SslSettings.DEFAULTS.bundle());
		ProxySettings proxy = ProxySettings.DEFAULTS;
		LlmClientProperties.Proxy proxyProperties = properties.getProxy();
		compare(defaults, "proxy.url", proxyProperties.getUrl(), text(proxy.url()));
		compare(defaults, "proxy.username", proxyProperties.getUsername(), proxy.username());
		compare(defaults, "proxy.password", proxyProperties.getPassword(), proxy.password());
		compare(defaults, "proxy.non-proxy-hosts", proxyProperties.getNonProxyHosts(), proxy.nonProxyHosts());
		ObservationSettings observations = ObservationSettings.DEFAULTS;
		LlmClientProperties.Observations observationsProperties = properties.getObservations();
		compare(defaults, "observations.include-prompt", observationsProperties.isIncludePrompt(),
				observations.includePrompt());
		compare(defaults, "observations.include-completion", observationsProperties.isIncludeCompletion(),
				observations.includeCompletion());
		compare(defaults, "observations.max-content-length", observationsProperties.getMaxContentLength(),
				observations.maxContentLength());
		AdaptiveSettings adaptive = AdaptiveSettings.DEFAULTS;
		LlmClientProperties.Adaptive adaptiveProperties = properties.getAdaptive();
		compare(defaults, "adaptive.enabled", adaptiveProperties.isEnabled(), adaptive.enabled());
		compare(defaults, "adaptive.min-concurrent", adaptiveProperties.getMinConcurrent(), adaptive.minConcurrent());
		compare(defaults, "adaptive.backoff-ratio", adaptiveProperties.getBackoffRatio(), adaptive.backoffRatio());
		RateLimitSettings rateLimit = RateLimitSettings.DEFAULTS;
		LlmClientProperties.RateLimit rateLimitProperties = properties.getRateLimit();
		compare(defaults, "rate-limit.requests-per-minute", rateLimitProperties.getRequestsPerMinute(),
				rateLimit.requestsPerMinute());
		compare(defaults, "rate-limit.tokens-per-minute", rateLimitProperties.getTokensPerMinute(),
				rateLimit.tokensPerMinute());
		compare(defaults, "rate-limit.estimated-output-tokens", rateLimitProperties.getEstimatedOutputTokens(),
				rateLimit.estimatedOutputTokens());
		EndpointSettings endpoint = EndpointSettings.of("http://localhost:1/v1");
		LlmClientProperties.Endpoint endpointProperties = new LlmClientProperties.Endpoint();
		compare(defaults, "endpoints[].api-key", endpointProperties.getApiKey(), endpoint.apiKey());
		compare(defaults, "endpoints[].model", endpointProperties.getModel(), endpoint.model());
		compare(defaults, "endpoints[].weight", endpointProperties.getWeight(), endpoint.weight());
		compare(defaults, "endpoints[].max-concurrent", endpointProperties.getMaxConcurrent(),
				endpoint.maxConcurrent());
		compare(defaults, "endpoints[].rate-limit.requests-per-minute",
				endpointProperties.getRateLimit().getRequestsPerMinute(), endpoint.requestsPerMinute());
		compare(defaults, "endpoints[].rate-limit.tokens-per-minute",
				endpointProperties.getRateLimit().getTokensPerMinute(), endpoint.tokensPerMinute());
		RoutingSettings routing = RoutingSettings.DEFAULTS;
		LlmClientProperties.Routing routingProperties = properties.getRouting();
		compare(defaults, "routing.strategy", routingProperties.getStrategy(), routing.strategy());
		compare(defaults, "routing.cooldown", routingProperties.getCooldown(), routing.cooldown());
		compare(defaults, "routing.latency-tolerance", routingProperties.getLatencyTolerance(),
				routing.latencyTolerance());
		compare(defaults, "routing.cooldown-after-failures", routingProperties.getCooldownAfterFailures(),
				routing.cooldownAfterFailures());
		ChatSettings chat = ChatSettings.DEFAULTS;
		LlmClientProperties.Chat chatProperties = properties.getChat();
		compare(defaults, "chat.max-tokens-field", chatProperties.getMaxTokensField(), chat.maxTokensField());
		compare(defaults, "chat.structured-output-repair", chatProperties.isStructuredOutputRepair(),
				chat.structuredOutputRepair());
		BatchJobSettings jobs = BatchJobSettings.DEFAULTS;
		LlmClientProperties.BatchJobs jobProperties = properties.getBatchJobs();
		compare(defaults, "batch-jobs.mode", jobProperties.getMode(), jobs.mode());
		compare(defaults, "batch-jobs.poll-interval", jobProperties.getPollInterval(), jobs.pollInterval());
		compare(defaults, "batch-jobs.max-poll-interval", jobProperties.getMaxPollInterval(), jobs.maxPollInterval());
		compare(defaults, "batch-jobs.keep-files", jobProperties.isKeepFiles(), jobs.keepFiles());
		compare(defaults, "batch-jobs.completion-window", jobProperties.getCompletionWindow(), jobs.completionWindow());
		compare(defaults, "batch-jobs.max-requests-per-batch", jobProperties.getMaxRequestsPerBatch(),
				jobs.maxRequestsPerBatch());
		compare(defaults, "batch-jobs.max-bytes-per-batch", jobProperties.getMaxBytesPerBatch().toBytes(),
				jobs.maxBytesPerBatch());
		ClusterSettings cluster = ClusterSettings.DEFAULTS;
		LlmClientProperties.Cluster clusterProperties = properties.getCluster();
		compare(defaults, "cluster.key", clusterProperties.getKey(), cluster.key());
		compare(defaults, "cluster.max-concurrent", clusterProperties.getMaxConcurrent(), cluster.maxConcurrent());
		compare(defaults, "cluster.lease-ttl", clusterProperties.getLeaseTtl(), cluster.leaseTtl());
		compare(defaults, "cluster.command-timeout", clusterProperties.getCommandTimeout(), cluster.commandTimeout());
		compare(defaults, "cluster.on-redis-failure", clusterProperties.getOnRedisFailure(), cluster.onRedisFailure());
		compare(defaults, "cluster.requests-per-minute", clusterProperties.getRequestsPerMinute(),
				cluster.requestsPerMinute());
		compare(defaults, "cluster.tokens-per-minute", clusterProperties.getTokensPerMinute(),
				cluster.tokensPerMinute());
		SoftAssertions.assertSoftly((softly) -> defaults.forEach((name, values) -> softly.assertThat(values[0])
			.as("default of llm.client.%s (properties) against its settings record", name)
			.isEqualTo(values[1])));
		Set<String> covered = new TreeSet<>(defaults.keySet());
		covered.addAll(NOT_SETTINGS);
		assertThat(covered).as("properties whose default is compared, or that have none in the settings")
			.isEqualTo(properties(LlmClientProperties.class, ""));
	}

	private static void compare(Map<String, Object[]> defaults, String name, Object property, Object setting) {
		defaults.put(name, new Object[] { property, setting });
	}

	private static String text(URI uri) {
		return (uri != null) ? uri.toString() : null;
	}

	/**
	 * The names of every property of a properties class and of the classes nested in it,
	 * elements of a list as {@code name[].element}.
	 */
	private static Set<String> properties(Class<?> type, String prefix) {
		Set<String> names = new TreeSet<>();
		for (PropertyDescriptor descriptor : BeanUtils.getPropertyDescriptors(type)) {
			if (descriptor.getReadMethod() == null || descriptor.getName().equals("class")) {
				continue;
			}
			String name = prefix + kebab(descriptor.getName());
			Class<?> propertyType = descriptor.getPropertyType();
			Type generic = descriptor.getReadMethod().getGenericReturnType();
			if (isProperties(propertyType)) {
				names.addAll(properties(propertyType, name + "."));
				continue;
			}
			names.add(name);
			if (generic instanceof ParameterizedType list
					&& list.getActualTypeArguments()[0] instanceof Class<?> element && isProperties(element)) {
				names.addAll(properties(element, name + "[]."));
			}
		}
		return names;
	}

	private static boolean isProperties(Class<?> type) {
		return type.getName().startsWith(LlmClientProperties.class.getName() + "$");
	}

	private static String kebab(String name) {
		return name.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
	}

}
