package dev.llmclient;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;

import io.micrometer.core.instrument.MeterRegistry;

import dev.llmclient.internal.DefaultLlmClient;

/**
 * Builds an {@link LlmClient} outside a Spring application context, and holds the
 * settings the auto-configuration fills from the {@code llm.client.*} properties. Every
 * setting but the endpoint has a default.
 *
 * <pre>{@code
 * try (LlmClient client = LlmClient.builder()
 *         .endpoint("http://localhost:11434/v1")
 *         .model("llama3.2")
 *         .build()) {
 *     String answer = client.generate("Say hello");
 * }
 * }</pre>
 *
 * @since 0.1.0
 */
public final class LlmClientBuilder {

	/**
	 * Enough for the first call and one beside it; see the guide's "Initialisation
	 * strategy".
	 */
	private static final int DEFAULT_WARM_UP_CONNECTIONS = 2;

	private String endpoint;

	private String apiKey;

	private String model;

	private int maxConcurrent = 10;

	private boolean eagerInit = true;

	private int maxLatencyRecords = 1000;

	private Duration connectTimeout = Duration.ofSeconds(5);

	private Duration readTimeout = Duration.ofSeconds(120);

	private Duration timeout;

	private Duration maxWait = Duration.ofSeconds(30);

	private long maxResponseSize = 4L * 1024 * 1024;

	private boolean streamUsage = true;

	private boolean retryEnabled = true;

	private int retryMaxAttempts = 3;

	private Duration retryInitialBackoff = Duration.ofMillis(500);

	private Duration retryMaxBackoff = Duration.ofSeconds(8);

	private double retryMultiplier = 2.0;

	private double retryJitter = 0.25;

	private Duration retryMaxRetryAfter = Duration.ofSeconds(60);

	private int healthDownAfterFailures = 5;

	private boolean healthProbeEnabled;

	private Duration healthProbeTtl = Duration.ofSeconds(30);

	private Integer warmUpConnections;

	private Duration warmUpTimeout = Duration.ofSeconds(10);

	private boolean warmUpFailFast;

	private Duration shutdownTimeout = Duration.ofSeconds(30);

	private MeterRegistry meterRegistry;

	LlmClientBuilder() {
	}

	/**
	 * Sets the base URL of the OpenAI-compatible API (required), such as
	 * {@code http://localhost:11434/v1} or {@code https://api.openai.com/v1}. Calls go to
	 * {@code {endpoint}/chat/completions}.
	 * @param endpoint an absolute http or https URL
	 * @return this builder
	 */
	public LlmClientBuilder endpoint(String endpoint) {
		this.endpoint = endpoint;
		return this;
	}

	/**
	 * Sets the API key sent as {@code Authorization: Bearer ...}. Never logged or shown.
	 * @param apiKey the key, or {@code null} for servers that need none
	 * @return this builder
	 */
	public LlmClientBuilder apiKey(String apiKey) {
		this.apiKey = apiKey;
		return this;
	}

	/**
	 * Sets the model used when a request names none.
	 * @param model the model name
	 * @return this builder
	 */
	public LlmClientBuilder model(String model) {
		this.model = model;
		return this;
	}

	/**
	 * Sets how many calls may be in flight at once for the whole client (default 10). The
	 * connection pool holds at least as many connections.
	 * @param maxConcurrent at least 1
	 * @return this builder
	 */
	public LlmClientBuilder maxConcurrent(int maxConcurrent) {
		this.maxConcurrent = maxConcurrent;
		return this;
	}

	/**
	 * Sets whether connections are opened when the client starts (default) rather than on
	 * the first call.
	 * @param eagerInit {@code true} to warm the pool at start
	 * @return this builder
	 */
	public LlmClientBuilder eagerInit(boolean eagerInit) {
		this.eagerInit = eagerInit;
		return this;
	}

	/**
	 * Sets how many of the latest call latencies are kept for percentiles (default 1000).
	 * @param maxLatencyRecords at least 1
	 * @return this builder
	 */
	public LlmClientBuilder maxLatencyRecords(int maxLatencyRecords) {
		this.maxLatencyRecords = maxLatencyRecords;
		return this;
	}

	/**
	 * Sets the TCP and TLS connect timeout (default 5s).
	 * @param connectTimeout a positive duration
	 * @return this builder
	 */
	public LlmClientBuilder connectTimeout(Duration connectTimeout) {
		this.connectTimeout = connectTimeout;
		return this;
	}

	/**
	 * Sets the silence allowed on a connection before the first byte of the answer and
	 * between stream chunks (default 120s: generation is slow).
	 * @param readTimeout a positive duration
	 * @return this builder
	 */
	public LlmClientBuilder readTimeout(Duration readTimeout) {
		this.readTimeout = readTimeout;
		return this;
	}

	/**
	 * Sets a deadline for a whole call, waiting and retries included (default none).
	 * @param timeout a positive duration, or {@code null} for none
	 * @return this builder
	 */
	public LlmClientBuilder timeout(Duration timeout) {
		this.timeout = timeout;
		return this;
	}

	/**
	 * Sets how long a call waits for a free slot when {@code maxConcurrent} calls are in
	 * flight (default 30s).
	 * @param maxWait zero or a positive duration
	 * @return this builder
	 */
	public LlmClientBuilder maxWait(Duration maxWait) {
		this.maxWait = maxWait;
		return this;
	}

	/**
	 * Sets the largest response body the client reads (default 4 MB); a larger one fails
	 * the call without being held in memory.
	 * @param bytes at least 1
	 * @return this builder
	 */
	public LlmClientBuilder maxResponseSize(long bytes) {
		this.maxResponseSize = bytes;
		return this;
	}

	/**
	 * Sets whether a stream asks the server for token usage in its last chunk (default
	 * true), by sending {@code "stream_options": {"include_usage": true}} as OpenAI,
	 * vLLM, llama.cpp and Ollama accept. Turn it off for servers that reject the field
	 * (Mistral, Azure AI model inference and some gateways answer 400 or 422); their
	 * streams then end without usage.
	 * @param enabled {@code false} to send no {@code stream_options}
	 * @return this builder
	 */
	public LlmClientBuilder streamUsage(boolean enabled) {
		this.streamUsage = enabled;
		return this;
	}

	/**
	 * Sets whether failed calls are retried (default true): connection failures, 408,
	 * 409, 429, 5xx and answers carrying {@code x-should-retry: true}; never other 4xx.
	 * @param enabled {@code false} to make every call a single attempt
	 * @return this builder
	 */
	public LlmClientBuilder retryEnabled(boolean enabled) {
		this.retryEnabled = enabled;
		return this;
	}

	/**
	 * Sets the attempts per call, the first included (default 3).
	 * @param maxAttempts at least 1
	 * @return this builder
	 */
	public LlmClientBuilder retryMaxAttempts(int maxAttempts) {
		this.retryMaxAttempts = maxAttempts;
		return this;
	}

	/**
	 * Sets the wait before the first retry (default 500ms); it grows by the multiplier up
	 * to the maximum backoff.
	 * @param initialBackoff a positive duration
	 * @return this builder
	 */
	public LlmClientBuilder retryInitialBackoff(Duration initialBackoff) {
		this.retryInitialBackoff = initialBackoff;
		return this;
	}

	/**
	 * Sets the longest computed wait between attempts (default 8s).
	 * @param maxBackoff a positive duration, not below the initial backoff
	 * @return this builder
	 */
	public LlmClientBuilder retryMaxBackoff(Duration maxBackoff) {
		this.retryMaxBackoff = maxBackoff;
		return this;
	}

	/**
	 * Sets the factor applied to the wait after each retry (default 2).
	 * @param multiplier at least 1
	 * @return this builder
	 */
	public LlmClientBuilder retryMultiplier(double multiplier) {
		this.retryMultiplier = multiplier;
		return this;
	}

	/**
	 * Sets the fraction of each wait drawn at random (default 0.25: a 1s wait becomes
	 * 0.75s to 1.25s), so clients that failed together do not retry together.
	 * @param jitter from 0 to 1
	 * @return this builder
	 */
	public LlmClientBuilder retryJitter(double jitter) {
		this.retryJitter = jitter;
		return this;
	}

	/**
	 * Sets the longest wait the client accepts from a server's {@code Retry-After} or
	 * {@code retry-after-ms} header (default 60s); a longer one fails the call at once,
	 * with the server's wait in the message.
	 * @param maxRetryAfter zero or a positive duration
	 * @return this builder
	 */
	public LlmClientBuilder retryMaxRetryAfter(Duration maxRetryAfter) {
		this.retryMaxRetryAfter = maxRetryAfter;
		return this;
	}

	/**
	 * Sets how many calls in a row must fail for reasons on the server's side (connection
	 * failures, timeouts, 5xx) before health reports DOWN (default 5). Failures caused by
	 * the request, such as 400 or 401, never count.
	 * @param failures at least 1
	 * @return this builder
	 */
	public LlmClientBuilder healthDownAfterFailures(int failures) {
		this.healthDownAfterFailures = failures;
		return this;
	}

	/**
	 * Sets whether computing health checks that the endpoint answers, with a {@code GET
	 * {endpoint}/models} that spends no tokens (default false: health is computed from
	 * the calls made, and makes no request).
	 * @param enabled {@code true} to probe
	 * @return this builder
	 */
	public LlmClientBuilder healthProbeEnabled(boolean enabled) {
		this.healthProbeEnabled = enabled;
		return this;
	}

	/**
	 * Sets how long a probe's verdict is reused before health probes again (default 30s),
	 * so frequent health checks do not turn into frequent requests.
	 * @param ttl a positive duration
	 * @return this builder
	 */
	public LlmClientBuilder healthProbeTtl(Duration ttl) {
		this.healthProbeTtl = ttl;
		return this;
	}

	/**
	 * Sets how many connections eager initialisation opens, in parallel (default 2, or
	 * {@code maxConcurrent} when that is smaller).
	 * @param connections between 1 and {@code maxConcurrent}, or {@code null} for the
	 * default
	 * @return this builder
	 */
	public LlmClientBuilder warmUpConnections(Integer connections) {
		this.warmUpConnections = connections;
		return this;
	}

	/**
	 * Sets how long eager initialisation may take before it gives up (default 10s).
	 * @param timeout a positive duration
	 * @return this builder
	 */
	public LlmClientBuilder warmUpTimeout(Duration timeout) {
		this.warmUpTimeout = timeout;
		return this;
	}

	/**
	 * Sets whether an endpoint that cannot be reached during eager initialisation fails
	 * {@link #build()} (or application start-up) instead of being logged (default
	 * {@code false}).
	 * @param failFast {@code true} to fail
	 * @return this builder
	 */
	public LlmClientBuilder warmUpFailFast(boolean failFast) {
		this.warmUpFailFast = failFast;
		return this;
	}

	/**
	 * Sets how long {@link LlmClient#close()} lets calls in flight finish before it
	 * cancels them and closes the connection pool (default 30s).
	 * @param shutdownTimeout zero or a positive duration
	 * @return this builder
	 */
	public LlmClientBuilder shutdownTimeout(Duration shutdownTimeout) {
		this.shutdownTimeout = shutdownTimeout;
		return this;
	}

	/**
	 * Sets the registry that receives the client's metrics; without one nothing is
	 * recorded.
	 * @param meterRegistry the registry, or {@code null}
	 * @return this builder
	 */
	public LlmClientBuilder meterRegistry(MeterRegistry meterRegistry) {
		this.meterRegistry = meterRegistry;
		return this;
	}

	/**
	 * Returns the meter registry set on this builder.
	 * @return the registry, or {@code null}
	 */
	public MeterRegistry meterRegistry() {
		return this.meterRegistry;
	}

	/**
	 * Checks every setting and returns them as an immutable value.
	 * @return the settings
	 * @throws LlmClientSettingException naming the setting that is missing or invalid and
	 * what a valid value looks like
	 */
	public LlmClientSettings settings() {
		URI uri = parseEndpoint(this.endpoint);
		requireAtLeastOne("maxConcurrent", this.maxConcurrent);
		requireAtLeastOne("maxLatencyRecords", this.maxLatencyRecords);
		requirePositive("connectTimeout", this.connectTimeout);
		requirePositive("readTimeout", this.readTimeout);
		if (this.timeout != null) {
			requirePositive("timeout", this.timeout);
		}
		if (this.maxWait == null || this.maxWait.isNegative()) {
			throw new LlmClientSettingException("maxWait", this.maxWait,
					"must be zero or a positive duration, e.g. 30s");
		}
		if (this.maxResponseSize < 1) {
			throw new LlmClientSettingException("maxResponseSize", this.maxResponseSize,
					"must be at least 1 byte, e.g. 4MB");
		}
		LlmClientSettings.Retry retry = retrySettings();
		requireAtLeastOne("health.downAfterFailures", this.healthDownAfterFailures);
		requirePositive("health.probe.ttl", this.healthProbeTtl);
		LlmClientSettings.Health health = new LlmClientSettings.Health(this.healthDownAfterFailures,
				this.healthProbeEnabled, this.healthProbeTtl);
		String key = (this.apiKey == null || this.apiKey.isBlank()) ? null : this.apiKey.strip();
		String defaultModel = (this.model == null || this.model.isBlank()) ? null : this.model.strip();
		LlmClientSettings.WarmUp warmUp = warmUp();
		if (this.shutdownTimeout == null || this.shutdownTimeout.isNegative()) {
			throw new LlmClientSettingException("shutdownTimeout", this.shutdownTimeout,
					"must be zero or a positive duration, e.g. 30s");
		}
		return new LlmClientSettings(uri, key, defaultModel, this.maxConcurrent, this.eagerInit, this.maxLatencyRecords,
				this.connectTimeout, this.readTimeout, this.timeout, this.maxWait, this.maxResponseSize,
				this.streamUsage, retry, health, warmUp, this.shutdownTimeout);
	}

	private LlmClientSettings.WarmUp warmUp() {
		int connections = (this.warmUpConnections != null) ? this.warmUpConnections
				: Math.min(DEFAULT_WARM_UP_CONNECTIONS, this.maxConcurrent);
		if (connections < 1 || connections > this.maxConcurrent) {
			throw new LlmClientSettingException("warmUp.connections", connections,
					"must be between 1 and max-concurrent (" + this.maxConcurrent
							+ "): the pool holds no more connections");
		}
		requirePositive("warmUp.timeout", this.warmUpTimeout);
		return new LlmClientSettings.WarmUp(connections, this.warmUpTimeout, this.warmUpFailFast);
	}

	/**
	 * Builds the client. With {@code eagerInit} it opens its warm-up connections before
	 * returning; an endpoint that cannot be reached is logged, and the client is returned
	 * anyway unless {@code warmUpFailFast} is set.
	 * @return the client; close it when done
	 * @throws LlmClientSettingException naming the setting that is missing or invalid
	 * @throws LlmClientException when {@code warmUpFailFast} is set and the endpoint
	 * cannot be reached
	 */
	public LlmClient build() {
		DefaultLlmClient client = DefaultLlmClient.create(settings(), null, this.meterRegistry);
		if (client.settings().eagerInit()) {
			try {
				client.warmUp();
			}
			catch (RuntimeException ex) {
				client.close();
				throw ex;
			}
		}
		return client;
	}

	private LlmClientSettings.Retry retrySettings() {
		requireAtLeastOne("retry.maxAttempts", this.retryMaxAttempts);
		requirePositive("retry.initialBackoff", this.retryInitialBackoff);
		requirePositive("retry.maxBackoff", this.retryMaxBackoff);
		if (this.retryMaxBackoff.compareTo(this.retryInitialBackoff) < 0) {
			throw new LlmClientSettingException("retry.maxBackoff", this.retryMaxBackoff,
					"must not be shorter than retry.initial-backoff (" + this.retryInitialBackoff + ")");
		}
		if (!(this.retryMultiplier >= 1)) {
			throw new LlmClientSettingException("retry.multiplier", this.retryMultiplier, "must be 1 or more, e.g. 2");
		}
		if (!(this.retryJitter >= 0 && this.retryJitter <= 1)) {
			throw new LlmClientSettingException("retry.jitter", this.retryJitter, "must be from 0 to 1, e.g. 0.25");
		}
		if (this.retryMaxRetryAfter == null || this.retryMaxRetryAfter.isNegative()) {
			throw new LlmClientSettingException("retry.maxRetryAfter", this.retryMaxRetryAfter,
					"must be zero or a positive duration, e.g. 60s");
		}
		return new LlmClientSettings.Retry(this.retryEnabled, this.retryMaxAttempts, this.retryInitialBackoff,
				this.retryMaxBackoff, this.retryMultiplier, this.retryJitter, this.retryMaxRetryAfter);
	}

	private static URI parseEndpoint(String endpoint) {
		String example = "an absolute http or https URL of an OpenAI-compatible API, e.g. http://localhost:11434/v1";
		if (endpoint == null || endpoint.isBlank()) {
			throw new LlmClientSettingException("endpoint", null, "is required: set it to " + example);
		}
		String trimmed = endpoint.strip();
		while (trimmed.endsWith("/")) {
			trimmed = trimmed.substring(0, trimmed.length() - 1);
		}
		URI uri;
		try {
			uri = new URI(trimmed);
		}
		catch (URISyntaxException ex) {
			throw new LlmClientSettingException("endpoint", withoutUserInfo(endpoint),
					"is not a valid URL (" + ex.getReason() + "): use " + example);
		}
		String scheme = (uri.getScheme() != null) ? uri.getScheme().toLowerCase(Locale.ROOT) : null;
		if (!"http".equals(scheme) && !"https".equals(scheme)) {
			throw new LlmClientSettingException("endpoint", withoutUserInfo(endpoint),
					"must start with http:// or https://: use " + example);
		}
		if (uri.getHost() == null || uri.getHost().isEmpty()) {
			throw new LlmClientSettingException("endpoint", withoutUserInfo(endpoint), "has no host: use " + example);
		}
		if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
			throw new LlmClientSettingException("endpoint", withoutUserInfo(endpoint),
					"must not have a query or fragment: use " + example);
		}
		return uri;
	}

	private static String withoutUserInfo(String endpoint) {
		int at = endpoint.lastIndexOf('@');
		int scheme = endpoint.indexOf("://");
		return (at > scheme && scheme >= 0) ? endpoint.substring(0, scheme + 3) + "******" + endpoint.substring(at)
				: endpoint;
	}

	private static void requireAtLeastOne(String name, int value) {
		if (value < 1) {
			throw new LlmClientSettingException(name, value, "must be at least 1");
		}
	}

	private static void requirePositive(String name, Duration value) {
		if (value == null || value.isNegative() || value.isZero()) {
			throw new LlmClientSettingException(name, value, "must be a positive duration, e.g. 10s");
		}
	}

}
