package dev.llmclient.cluster;

import java.time.Duration;

import dev.llmclient.LlmClientSettingException;

/**
 * The validated settings of limits shared by every instance of an application through
 * Redis ({@code cluster.*} under the client's property prefix). Unset limits
 * ({@code null}) are not enforced cluster-wide; the instance's own limits always apply as
 * well.
 *
 * @param key the name the instances share their limits under, or {@code null} to derive
 * it from the client's endpoint and model, so that two providers never share a budget
 * ({@code cluster.key})
 * @param maxConcurrent calls in flight across all instances, or {@code null} for no
 * cluster-wide limit ({@code cluster.max-concurrent})
 * @param leaseTtl how long a permit outlives an instance that stopped renewing it, such
 * as one that crashed ({@code cluster.lease-ttl})
 * @param commandTimeout the longest a call waits for one Redis command before it counts
 * Redis as unavailable; keep it well under a third of the lease time to live, the renewal
 * interval ({@code cluster.command-timeout})
 * @param onRedisFailure what calls do while Redis cannot be reached
 * ({@code cluster.on-redis-failure})
 * @param requestsPerMinute requests per minute across all instances, or {@code null} for
 * no cluster-wide budget ({@code cluster.requests-per-minute})
 * @param tokensPerMinute tokens per minute across all instances, or {@code null} for no
 * cluster-wide budget ({@code cluster.tokens-per-minute})
 * @since 0.1.0
 */
public record ClusterSettings(String key, Integer maxConcurrent, Duration leaseTtl, Duration commandTimeout,
		OnRedisFailure onRedisFailure, Long requestsPerMinute, Long tokensPerMinute) {

	/** Below this a lease would need renewing more often than Redis is worth asking. */
	private static final Duration MIN_LEASE_TTL = Duration.ofMillis(300);

	/**
	 * The defaults: a key derived from endpoint and model, no cluster-wide limit yet,
	 * leases of 15 s, commands bounded to 500 ms, local limits while Redis is down.
	 */
	public static final ClusterSettings DEFAULTS = new ClusterSettings(null, null, Duration.ofSeconds(15),
			Duration.ofMillis(500), OnRedisFailure.LOCAL, null, null);

	/**
	 * Checks every value.
	 * @throws LlmClientSettingException naming the invalid setting
	 */
	public ClusterSettings {
		key = (key != null && !key.isBlank()) ? key.strip() : null;
		if (maxConcurrent != null && maxConcurrent < 1) {
			throw new LlmClientSettingException("cluster.max-concurrent", maxConcurrent,
					"must be at least 1, or unset for no cluster-wide concurrency limit");
		}
		if (leaseTtl == null || leaseTtl.compareTo(MIN_LEASE_TTL) < 0) {
			throw new LlmClientSettingException("cluster.lease-ttl", leaseTtl,
					"must be at least 300ms, e.g. 15s: a crashed instance's permits come back after it");
		}
		if (commandTimeout == null || commandTimeout.isZero() || commandTimeout.isNegative()) {
			throw new LlmClientSettingException("cluster.command-timeout", commandTimeout,
					"must be a positive duration, e.g. 500ms");
		}
		if (onRedisFailure == null) {
			throw new LlmClientSettingException("cluster.on-redis-failure", null, "must be local or reject");
		}
		if (requestsPerMinute != null && requestsPerMinute < 1) {
			throw new LlmClientSettingException("cluster.requests-per-minute", requestsPerMinute,
					"must be at least 1, or unset for no cluster-wide budget");
		}
		if (tokensPerMinute != null && tokensPerMinute < 1) {
			throw new LlmClientSettingException("cluster.tokens-per-minute", tokensPerMinute,
					"must be at least 1, or unset for no cluster-wide budget");
		}
	}

	/**
	 * Returns a copy with another shared key.
	 * @param key the key, or {@code null} to derive it from endpoint and model
	 * @return the copy
	 */
	public ClusterSettings withKey(String key) {
		return new ClusterSettings(key, this.maxConcurrent, this.leaseTtl, this.commandTimeout, this.onRedisFailure,
				this.requestsPerMinute, this.tokensPerMinute);
	}

	/**
	 * Returns a copy with another cluster-wide concurrency limit.
	 * @param maxConcurrent at least 1, or {@code null} for none
	 * @return the copy
	 */
	public ClusterSettings withMaxConcurrent(Integer maxConcurrent) {
		return new ClusterSettings(this.key, maxConcurrent, this.leaseTtl, this.commandTimeout, this.onRedisFailure,
				this.requestsPerMinute, this.tokensPerMinute);
	}

	/**
	 * Returns a copy with another lease time to live.
	 * @param leaseTtl at least 300 ms
	 * @return the copy
	 */
	public ClusterSettings withLeaseTtl(Duration leaseTtl) {
		return new ClusterSettings(this.key, this.maxConcurrent, leaseTtl, this.commandTimeout, this.onRedisFailure,
				this.requestsPerMinute, this.tokensPerMinute);
	}

	/**
	 * Returns a copy with another bound on each Redis command.
	 * @param commandTimeout positive
	 * @return the copy
	 */
	public ClusterSettings withCommandTimeout(Duration commandTimeout) {
		return new ClusterSettings(this.key, this.maxConcurrent, this.leaseTtl, commandTimeout, this.onRedisFailure,
				this.requestsPerMinute, this.tokensPerMinute);
	}

	/**
	 * Returns a copy with another policy for when Redis cannot be reached.
	 * @param onRedisFailure the policy
	 * @return the copy
	 */
	public ClusterSettings withOnRedisFailure(OnRedisFailure onRedisFailure) {
		return new ClusterSettings(this.key, this.maxConcurrent, this.leaseTtl, this.commandTimeout, onRedisFailure,
				this.requestsPerMinute, this.tokensPerMinute);
	}

	/**
	 * Returns a copy with another cluster-wide budget of requests.
	 * @param requestsPerMinute at least 1, or {@code null} for none
	 * @return the copy
	 */
	public ClusterSettings withRequestsPerMinute(Long requestsPerMinute) {
		return new ClusterSettings(this.key, this.maxConcurrent, this.leaseTtl, this.commandTimeout,
				this.onRedisFailure, requestsPerMinute, this.tokensPerMinute);
	}

	/**
	 * Returns a copy with another cluster-wide budget of tokens.
	 * @param tokensPerMinute at least 1, or {@code null} for none
	 * @return the copy
	 */
	public ClusterSettings withTokensPerMinute(Long tokensPerMinute) {
		return new ClusterSettings(this.key, this.maxConcurrent, this.leaseTtl, this.commandTimeout,
				this.onRedisFailure, this.requestsPerMinute, tokensPerMinute);
	}

	/**
	 * What calls do while Redis cannot be reached.
	 *
	 * @since 0.1.0
	 */
	public enum OnRedisFailure {

		/**
		 * Each instance keeps to its own limits ({@code max-concurrent},
		 * {@code rate-limit.*}) until Redis answers again.
		 */
		LOCAL,

		/** Calls fail at once with {@code LlmClusterUnavailableException}. */
		REJECT

	}

}
