package dev.llmclient;

import java.time.Duration;

import static dev.llmclient.SettingChecks.atLeastOne;
import static dev.llmclient.SettingChecks.positive;

/**
 * What health shows and when the client reports itself down, and whether it probes the
 * endpoint to find out.
 * <p>
 * Part of {@link LlmClientSettings}; changed through {@link LlmClientBuilder#health}.
 *
 * @param maxLatencyRecords capacity of the window of latest latencies
 * ({@code max-latency-records})
 * @param downAfterFailures server-side failures in a row (connection failures, timeouts,
 * 5xx) after which health is DOWN ({@code health.down-after-failures})
 * @param probeEnabled whether computing health sends {@code GET {endpoint}/models} to
 * check that the endpoint answers ({@code health.probe.enabled})
 * @param probeTtl how long a probe's verdict is reused before the next probe
 * ({@code health.probe.ttl})
 * @since 0.1.0
 */
public record HealthSettings(int maxLatencyRecords, int downAfterFailures, boolean probeEnabled, Duration probeTtl) {

	/**
	 * The defaults: 1000 latencies kept, DOWN after 5 failures in a row, no probe (30s
	 * reuse when switched on).
	 */
	public static final HealthSettings DEFAULTS = new HealthSettings(1000, 5, false, Duration.ofSeconds(30));

	/**
	 * Checks every value.
	 * @throws LlmClientSettingException naming the invalid setting
	 */
	public HealthSettings {
		atLeastOne("max-latency-records", maxLatencyRecords);
		atLeastOne("health.down-after-failures", downAfterFailures);
		positive("health.probe.ttl", probeTtl);
	}

	/**
	 * Returns a copy that keeps another number of latest latencies for percentiles.
	 * @param maxLatencyRecords at least 1
	 * @return the copy
	 */
	public HealthSettings withMaxLatencyRecords(int maxLatencyRecords) {
		return new HealthSettings(maxLatencyRecords, this.downAfterFailures, this.probeEnabled, this.probeTtl);
	}

	/**
	 * Returns a copy that reports DOWN after another number of server-side failures in a
	 * row; failures caused by the request, such as 400, never count.
	 * @param downAfterFailures at least 1
	 * @return the copy
	 */
	public HealthSettings withDownAfterFailures(int downAfterFailures) {
		return new HealthSettings(this.maxLatencyRecords, downAfterFailures, this.probeEnabled, this.probeTtl);
	}

	/**
	 * Returns a copy that probes the endpoint, or not, when health is computed.
	 * @param probeEnabled {@code true} to send {@code GET {endpoint}/models}, which
	 * spends no tokens
	 * @return the copy
	 */
	public HealthSettings withProbeEnabled(boolean probeEnabled) {
		return new HealthSettings(this.maxLatencyRecords, this.downAfterFailures, probeEnabled, this.probeTtl);
	}

	/**
	 * Returns a copy that reuses a probe's verdict for another time, so frequent health
	 * checks do not turn into frequent requests.
	 * @param probeTtl a positive duration
	 * @return the copy
	 */
	public HealthSettings withProbeTtl(Duration probeTtl) {
		return new HealthSettings(this.maxLatencyRecords, this.downAfterFailures, this.probeEnabled, probeTtl);
	}

}
