package dev.llmclient;

import java.net.URI;
import java.time.Duration;

/**
 * The validated, immutable settings of a client, as produced by {@link LlmClientBuilder}.
 * {@link #toString()} never shows the API key.
 *
 * @param endpoint base URL of the OpenAI-compatible API, such as
 * {@code http://localhost:11434/v1}
 * @param apiKey bearer token, or {@code null}
 * @param model model used when a request names none, or {@code null}
 * @param maxConcurrent calls allowed in flight at once, client-wide; the pool holds as
 * many connections
 * @param eagerInit whether connections are opened when the client starts rather than on
 * first use
 * @param maxLatencyRecords capacity of the window of latest latencies
 * @param connectTimeout TCP and TLS connect timeout
 * @param readTimeout silence allowed on a connection before the first byte and between
 * chunks
 * @param timeout whole-call deadline, or {@code null} for none
 * @param maxWait how long a call waits for a free slot before failing
 * @param maxResponseSize largest response body read, in bytes
 * @param streamUsage whether streams ask for token usage with
 * {@code stream_options.include_usage}
 * @param retry when and how failed calls are retried
 * @param health when the client reports itself down, and whether it probes the endpoint
 * @param warmUp what eager initialisation does
 * @param shutdownTimeout how long {@code close()} lets calls in flight finish before
 * cancelling them
 * @since 0.1.0
 */
public record LlmClientSettings(URI endpoint, String apiKey, String model, int maxConcurrent, boolean eagerInit,
		int maxLatencyRecords, Duration connectTimeout, Duration readTimeout, Duration timeout, Duration maxWait,
		long maxResponseSize, boolean streamUsage, Retry retry, Health health, WarmUp warmUp,
		Duration shutdownTimeout) {

	/**
	 * When and how failed calls are retried.
	 *
	 * @param enabled whether failed calls are retried at all
	 * @param maxAttempts attempts per call, the first included
	 * @param initialBackoff wait before the first retry
	 * @param maxBackoff longest wait between attempts
	 * @param multiplier factor applied to the wait after each retry
	 * @param jitter fraction of each wait drawn at random, from 0 to 1
	 * @param maxRetryAfter longest server-requested wait ({@code Retry-After}) the client
	 * honours
	 */
	public record Retry(boolean enabled, int maxAttempts, Duration initialBackoff, Duration maxBackoff,
			double multiplier, double jitter, Duration maxRetryAfter) {
	}

	/**
	 * When the client reports itself down, and whether it probes the endpoint to find
	 * out.
	 *
	 * @param downAfterFailures server-side failures in a row (connection failures,
	 * timeouts, 5xx) after which health is DOWN
	 * @param probeEnabled whether computing health sends {@code GET {endpoint}/models} to
	 * check that the endpoint answers
	 * @param probeTtl how long a probe's verdict is reused before the next probe
	 */
	public record Health(int downAfterFailures, boolean probeEnabled, Duration probeTtl) {
	}

	/**
	 * Returns the endpoint as shown in logs and health: without user-info, query or
	 * fragment.
	 * @return the safe form of the endpoint
	 */
	public String displayEndpoint() {
		StringBuilder text = new StringBuilder().append(this.endpoint.getScheme())
			.append("://")
			.append(this.endpoint.getHost());
		if (this.endpoint.getPort() != -1) {
			text.append(':').append(this.endpoint.getPort());
		}
		String path = this.endpoint.getRawPath();
		return text.append((path != null) ? path : "").toString();
	}

	@Override
	public String toString() {
		return "LlmClientSettings[endpoint=" + displayEndpoint() + ", apiKey="
				+ ((this.apiKey != null) ? "******" : "none") + ", model=" + this.model + ", maxConcurrent="
				+ this.maxConcurrent + ", eagerInit=" + this.eagerInit + ", maxLatencyRecords=" + this.maxLatencyRecords
				+ ", connectTimeout=" + this.connectTimeout + ", readTimeout=" + this.readTimeout + ", timeout="
				+ this.timeout + ", maxWait=" + this.maxWait + ", maxResponseSize=" + this.maxResponseSize
				+ ", streamUsage=" + this.streamUsage + ", retry=" + this.retry + ", health=" + this.health
				+ ", warmUp=" + this.warmUp + ", shutdownTimeout=" + this.shutdownTimeout + "]";
	}

	/**
	 * What eager initialisation does when the client starts.
	 *
	 * @param connections connections opened in parallel, at most {@code maxConcurrent}
	 * @param timeout how long warm-up may take before it gives up
	 * @param failFast whether an unreachable endpoint fails start-up instead of being
	 * logged
	 * @since 0.1.0
	 */
	public record WarmUp(int connections, Duration timeout, boolean failFast) {
	}

}
