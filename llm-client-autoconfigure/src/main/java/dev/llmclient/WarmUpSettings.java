package dev.llmclient;

import java.time.Duration;

import static dev.llmclient.SettingChecks.positive;

/**
 * What eager initialisation does when the client starts.
 * <p>
 * Part of {@link LlmClientSettings}; changed through {@link LlmClientBuilder#warmUp}.
 *
 * @param connections connections opened in parallel, from 1 to {@code max-concurrent}, or
 * {@code null} for 2 (or {@code max-concurrent} when smaller); see
 * {@link LlmClientSettings#warmUpConnections()} ({@code warm-up.connections})
 * @param timeout how long warm-up may take before it gives up ({@code warm-up.timeout})
 * @param failFast whether an unreachable endpoint fails start-up instead of being logged
 * ({@code warm-up.fail-fast})
 * @param requests {@code GET {endpoint}/models} requests sent one after another once the
 * connections are open, through the client's own HTTP stack, so the first call runs
 * compiled code; none starts after 1 s of them, and 0 sends none
 * ({@code warm-up.requests})
 * @since 0.1.0
 */
public record WarmUpSettings(Integer connections, Duration timeout, boolean failFast, int requests) {

	/**
	 * The defaults: 2 connections (at most {@code max-concurrent}), 10s, log and start
	 * when the endpoint cannot be reached, no warm-up requests (measured, they do not
	 * make the first call faster: see the guide's "What warm-up costs and saves").
	 */
	public static final WarmUpSettings DEFAULTS = new WarmUpSettings(null, Duration.ofSeconds(10), false, 0);

	/**
	 * Checks every value; the upper bound of {@code connections} is checked by
	 * {@link LlmClientSettings}.
	 * @throws LlmClientSettingException naming the invalid setting
	 */
	public WarmUpSettings {
		if (connections != null && connections < 1) {
			throw new LlmClientSettingException("warm-up.connections", connections,
					"must be between 1 and max-concurrent: the pool holds no more connections");
		}
		positive("warm-up.timeout", timeout);
		if (requests < 0) {
			throw new LlmClientSettingException("warm-up.requests", requests,
					"must be 0 (no warm-up requests) or more");
		}
	}

	/**
	 * Returns a copy that opens another number of connections.
	 * @param connections between 1 and {@code max-concurrent}, or {@code null} for the
	 * default
	 * @return the copy
	 */
	public WarmUpSettings withConnections(Integer connections) {
		return new WarmUpSettings(connections, this.timeout, this.failFast, this.requests);
	}

	/**
	 * Returns a copy with another time limit for warm-up.
	 * @param timeout a positive duration
	 * @return the copy
	 */
	public WarmUpSettings withTimeout(Duration timeout) {
		return new WarmUpSettings(this.connections, timeout, this.failFast, this.requests);
	}

	/**
	 * Returns a copy that fails, or not, when the endpoint cannot be reached.
	 * @param failFast {@code true} to fail {@code build()} (or start-up)
	 * @return the copy
	 */
	public WarmUpSettings withFailFast(boolean failFast) {
		return new WarmUpSettings(this.connections, this.timeout, failFast, this.requests);
	}

	/**
	 * Returns a copy that sends another number of warm-up requests.
	 * @param requests 0 to send none, or more
	 * @return the copy
	 */
	public WarmUpSettings withRequests(int requests) {
		return new WarmUpSettings(this.connections, this.timeout, this.failFast, requests);
	}

}
