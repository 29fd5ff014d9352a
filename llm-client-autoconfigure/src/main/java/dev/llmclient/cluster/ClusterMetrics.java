package dev.llmclient.cluster;

import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The meters of the cluster limits: {@code llm.client.cluster.lease.acquisition}, the
 * time a call spent getting its cluster permit, by {@code outcome} ({@code acquired},
 * {@code full}: none came within {@code max-wait}, {@code fallback}: Redis was
 * unavailable); and {@code llm.client.cluster.fallbacks}, the calls let through on local
 * limits or rejected while Redis was unavailable, by {@code limit} ({@code concurrency},
 * {@code requests}, {@code tokens}) and {@code policy}; and
 * {@code llm.client.cluster.lease.retries}, the times a waiting call asked Redis again,
 * by {@code reason} ({@code wake-up}: a lease was released, {@code poll}: its poll
 * interval was over).
 */
interface ClusterMetrics {

	ClusterMetrics NONE = new ClusterMetrics() {
	};

	default void leaseAcquisition(long nanos, String outcome) {
	}

	default void fallback(String limit) {
	}

	default void leaseRetry(String reason) {
	}

	static ClusterMetrics of(MeterRegistry registry, String clientName, ClusterSettings.OnRedisFailure policy) {
		return (registry != null) ? new Micrometer(registry, clientName, policy) : NONE;
	}

	/**
	 * The meters in a Micrometer registry, tagged with the client's name.
	 */
	final class Micrometer implements ClusterMetrics {

		private final MeterRegistry registry;

		private final String clientName;

		private final String policy;

		private Micrometer(MeterRegistry registry, String clientName, ClusterSettings.OnRedisFailure policy) {
			this.registry = registry;
			this.clientName = clientName;
			this.policy = policy.name().toLowerCase(java.util.Locale.ROOT);
		}

		@Override
		public void leaseAcquisition(long nanos, String outcome) {
			Timer.builder("llm.client.cluster.lease.acquisition")
				.description("Time calls spent getting a permit of the cluster-wide concurrency limit")
				.tag("llm.client.name", this.clientName)
				.tag("outcome", outcome)
				.register(this.registry)
				.record(nanos, TimeUnit.NANOSECONDS);
		}

		@Override
		public void leaseRetry(String reason) {
			Counter.builder("llm.client.cluster.lease.retries")
				.description("Times a call waiting for a permit of the cluster-wide limit asked Redis again")
				.tag("llm.client.name", this.clientName)
				.tag("reason", reason)
				.register(this.registry)
				.increment();
		}

		@Override
		public void fallback(String limit) {
			Counter.builder("llm.client.cluster.fallbacks")
				.description("Calls let through on local limits, or rejected, while Redis was unavailable")
				.tag("llm.client.name", this.clientName)
				.tag("limit", limit)
				.tag("policy", this.policy)
				.register(this.registry)
				.increment();
		}

	}

}
