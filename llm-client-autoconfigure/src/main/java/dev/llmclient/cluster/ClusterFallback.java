package dev.llmclient.cluster;

import java.util.function.Supplier;

import dev.llmclient.LlmClusterUnavailableException;

/**
 * What a call does when a cluster-wide limit cannot be asked because Redis is
 * unavailable: goes on under the instance's own limits, or fails at once, as
 * {@code cluster.on-redis-failure} says; counted either way.
 */
final class ClusterFallback {

	private final ClusterSettings.OnRedisFailure policy;

	private final String policySetting;

	private final String key;

	private final Supplier<ClusterMetrics> metrics;

	ClusterFallback(ClusterSettings.OnRedisFailure policy, String policySetting, String key,
			Supplier<ClusterMetrics> metrics) {
		this.policy = policy;
		this.policySetting = policySetting;
		this.key = key;
		this.metrics = metrics;
	}

	/**
	 * Counts a call that could not ask Redis for the given limit.
	 * @param limit {@code concurrency}, {@code requests} or {@code tokens}
	 * @param cause the failure that showed Redis unavailable, or {@code null} when an
	 * earlier one did
	 * @throws LlmClusterUnavailableException when the policy is {@code reject}
	 */
	void apply(String limit, RuntimeException cause) {
		this.metrics.get().fallback(limit);
		if (this.policy == ClusterSettings.OnRedisFailure.REJECT) {
			throw new LlmClusterUnavailableException("The call was not sent: Redis, which holds the limits this "
					+ "application's instances share (key '" + this.key + "'), is unavailable, and "
					+ this.policySetting + "=reject. Set it to local to keep to each instance's own limits while Redis "
					+ "is down; calls go through again as soon as Redis answers.", cause);
		}
	}

}
