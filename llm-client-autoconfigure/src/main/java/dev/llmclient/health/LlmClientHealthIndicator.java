package dev.llmclient.health;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

import dev.llmclient.LlmClient;
import dev.llmclient.LlmClientHealth;

/**
 * Reports the LLM client's health on {@code /actuator/health} as component
 * {@code llmClient}, from {@link LlmClient#health()}: no call to the LLM is made. A
 * client with several endpoints adds {@code endpoints}: one entry per endpoint, keyed by
 * its URL, with the same details for that endpoint plus its {@code status} and routing
 * {@code state}; the client is UP while at least one endpoint is. With cluster-wide
 * limits ({@code llm.client.cluster.enabled}) it adds their details under
 * {@code cluster}.
 *
 * @since 0.1.0
 */
public class LlmClientHealthIndicator extends AbstractHealthIndicator {

	private final LlmClient client;

	private final Supplier<Map<String, Object>> cluster;

	/**
	 * Creates an indicator.
	 * @param client the client to report on
	 */
	public LlmClientHealthIndicator(LlmClient client) {
		this(client, null);
	}

	/**
	 * Creates an indicator that also reports the client's cluster-wide limits.
	 * @param client the client to report on
	 * @param cluster the details of its cluster-wide limits, such as
	 * {@code ClusterLimits::details}, or {@code null} when it has none
	 */
	public LlmClientHealthIndicator(LlmClient client, Supplier<Map<String, Object>> cluster) {
		super("LLM client health check failed");
		this.client = client;
		this.cluster = cluster;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		LlmClientHealth health = this.client.health();
		if (health.up()) {
			builder.up();
		}
		else {
			builder.down().withDetail("reason", health.reason());
		}
		details(health).forEach(builder::withDetail);
		if (this.cluster != null) {
			builder.withDetail("cluster", this.cluster.get());
		}
		if (!health.endpoints().isEmpty()) {
			Map<String, Object> endpoints = new LinkedHashMap<>();
			for (LlmClientHealth.EndpointHealth endpoint : health.endpoints()) {
				LlmClientHealth endpointHealth = endpoint.health();
				Map<String, Object> entry = new LinkedHashMap<>();
				entry.put("status", endpointHealth.up() ? "UP" : "DOWN");
				entry.put("state", endpoint.state());
				if (endpoint.coolingDownUntil() != null) {
					entry.put("coolingDownUntil", endpoint.coolingDownUntil().toString());
				}
				if (!endpointHealth.up()) {
					entry.put("reason", endpointHealth.reason());
				}
				entry.putAll(details(endpointHealth));
				endpoints.put(endpointHealth.endpoint(), entry);
			}
			builder.withDetail("endpoints", endpoints);
		}
	}

	/** Today's details of one client, or of one endpoint of several. */
	private static Map<String, Object> details(LlmClientHealth health) {
		Map<String, Object> all = new LinkedHashMap<>();
		all.put("endpoint", health.endpoint());
		if (health.model() != null) {
			all.put("model", health.model());
		}
		LlmClientHealth.Pool pool = health.pool();
		all.put("pool", details("available", pool.available(), "leased", pool.leased(), "pending", pool.pending(),
				"max", pool.max()));
		LlmClientHealth.Bulkhead bulkhead = health.bulkhead();
		Map<String, Object> bulkheadDetails = details("maxConcurrent", bulkhead.maxConcurrent(), "limit",
				bulkhead.limit(), "inFlight", bulkhead.inFlight(), "waiting", bulkhead.waiting());
		if (!bulkhead.byClass().isEmpty()) {
			Map<String, Object> byClass = new LinkedHashMap<>();
			bulkhead.byClass()
				.forEach((name, share) -> byClass.put(name,
						details("inFlight", share.inFlight(), "waiting", share.waiting(), "share", share.share())));
			bulkheadDetails.put("byClass", byClass);
		}
		all.put("bulkhead", bulkheadDetails);
		LlmClientHealth.RateLimit rateLimit = health.rateLimit();
		if (rateLimit != null) {
			Map<String, Object> rateLimitDetails = details("pausedByServer", rateLimit.pausedByServer(),
					"pauseRemainingMs", rateLimit.pauseRemainingMs());
			if (rateLimit.requestsRemaining() != null) {
				rateLimitDetails.put("requestsRemaining", rateLimit.requestsRemaining());
			}
			if (rateLimit.tokensRemaining() != null) {
				rateLimitDetails.put("tokensRemaining", rateLimit.tokensRemaining());
			}
			if (rateLimit.costPerDayRemaining() != null) {
				rateLimitDetails.put("costPerDayRemaining", rateLimit.costPerDayRemaining());
			}
			if (rateLimit.costPerHourRemaining() != null) {
				rateLimitDetails.put("costPerHourRemaining", rateLimit.costPerHourRemaining());
			}
			all.put("rateLimit", rateLimitDetails);
		}
		LlmClientHealth.Latency latency = health.latency();
		Map<String, Object> latencyDetails = details("count", latency.count(), "capacity", latency.capacity());
		latencyDetails.putAll(details("p50Ms", latency.p50Ms(), "p95Ms", latency.p95Ms(), "p99Ms", latency.p99Ms(),
				"maxMs", latency.maxMs()));
		all.put("latency", latencyDetails);
		LlmClientHealth.Calls calls = health.calls();
		all.put("calls", details("total", calls.total(), "succeeded", calls.succeeded(), "failed", calls.failed(),
				"cancelled", calls.cancelled()));
		LlmClientHealth.LastError lastError = health.lastError();
		if (lastError != null) {
			all.put("lastError", details("type", lastError.type(), "exception", lastError.exception(), "message",
					lastError.message(), "at", lastError.at().toString()));
		}
		return all;
	}

	private static Map<String, Object> details(Object... namesAndValues) {
		Map<String, Object> details = new LinkedHashMap<>();
		for (int i = 0; i < namesAndValues.length; i += 2) {
			details.put((String) namesAndValues[i], namesAndValues[i + 1]);
		}
		return details;
	}

}
