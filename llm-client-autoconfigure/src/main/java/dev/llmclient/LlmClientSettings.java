package dev.llmclient;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import javax.net.ssl.SSLContext;

/**
 * The validated, immutable settings of a client, as produced by {@link LlmClientBuilder}:
 * a few top-level values and one small record per concern, each holding its defaults
 * ({@code DEFAULTS}) and checking itself when constructed. Checks that span records live
 * here, so records may be changed with their {@code withX} copies in any order. A value
 * of this type is always valid. {@link #toString()} never shows the API key.
 * <p>
 * A {@link LlmClientSettingException} names the setting by its property path relative to
 * {@link #propertyPrefix()}, such as {@code max-concurrent} or
 * {@code retry.max-attempts}: the keys under {@code llm.client.} in a Spring Boot
 * application.
 *
 * @param name the client's name, 1 to 64 characters of {@code [A-Za-z0-9._-]}
 * @param propertyPrefix prepended to setting names in messages, such as
 * {@code llm.client.}; empty for plain Java
 * @param endpoint base URL of the OpenAI-compatible API, such as
 * {@code http://localhost:11434/v1}
 * @param apiKey bearer token, or {@code null}
 * @param model model used when a request names none, or {@code null}
 * @param streamUsage whether streams ask for token usage with
 * {@code stream_options.include_usage}
 * @param connection timeouts and limits of one connection
 * @param limits how many calls run at once, how long they wait and how long they may take
 * @param retry when and how failed calls are retried
 * @param warmUp what eager initialisation does
 * @param lifecycle when the client opens connections and how long closing it waits
 * @param health when the client reports itself down, and whether it probes the endpoint
 * @param ssl TLS material for an https endpoint, in place of the JVM's default
 * @param proxy the HTTP proxy calls go through, in place of the JVM's proxy settings
 * @param observations what the client's observations (trace spans) may carry of the
 * messages
 * @param adaptive whether the concurrency limit adapts to what the server takes
 * @param rateLimit budgets of requests and tokens per minute
 * @since 0.1.0
 */
public record LlmClientSettings(String name, String propertyPrefix, URI endpoint, String apiKey, String model,
		boolean streamUsage, Connection connection, Limits limits, Retry retry, WarmUp warmUp, Lifecycle lifecycle,
		Health health, Ssl ssl, Proxy proxy, Observations observations, Adaptive adaptive, RateLimit rateLimit) {

	/** The name of a client that was given none. */
	public static final String DEFAULT_NAME = "default";

	/**
	 * Enough for the first call and one beside it; see the guide's "Initialisation
	 * strategy".
	 */
	private static final int DEFAULT_WARM_UP_CONNECTIONS = 2;

	private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

	private static final String ENDPOINT_EXAMPLE = "an absolute http or https URL of an OpenAI-compatible API, "
			+ "e.g. http://localhost:11434/v1";

	/**
	 * Checks every value and the rules that span records.
	 * @throws LlmClientSettingException naming the setting that is missing or invalid
	 */
	public LlmClientSettings {
		if (name == null || !NAME.matcher(name).matches()) {
			throw new LlmClientSettingException("name", name,
					"must be 1 to 64 letters, digits, '.', '_' or '-', e.g. " + DEFAULT_NAME);
		}
		propertyPrefix = (propertyPrefix != null) ? propertyPrefix : "";
		endpoint = checkEndpoint(endpoint);
		apiKey = blankToNull(apiKey);
		model = blankToNull(model);
		require("connection", connection);
		require("limits", limits);
		require("retry", retry);
		require("warm-up", warmUp);
		require("lifecycle", lifecycle);
		require("health", health);
		require("ssl", ssl);
		require("proxy", proxy);
		require("observations", observations);
		require("adaptive", adaptive);
		require("rate-limit", rateLimit);
		if (retry.maxBackoff().compareTo(retry.initialBackoff()) < 0) {
			throw new LlmClientSettingException("retry.max-backoff", retry.maxBackoff(),
					"must not be shorter than retry.initial-backoff (" + retry.initialBackoff() + ")");
		}
		if (warmUp.connections() != null && warmUp.connections() > limits.maxConcurrent()) {
			throw new LlmClientSettingException("warm-up.connections", warmUp.connections(),
					"must be between 1 and max-concurrent (" + limits.maxConcurrent()
							+ "): the pool holds no more connections");
		}
		if (adaptive.minConcurrent() > limits.maxConcurrent()) {
			throw new LlmClientSettingException("adaptive.min-concurrent", adaptive.minConcurrent(),
					"must not be above max-concurrent (" + limits.maxConcurrent()
							+ "): the adaptive limit moves between the two");
		}
		proxy.checkComplete();
	}

	/**
	 * Returns the name of a setting as the user writes it: the property prefix followed
	 * by the path, such as {@code llm.client.read-timeout} in a Spring Boot application
	 * and {@code read-timeout} in plain Java. Messages name settings through it.
	 * @param path the property path relative to the prefix, such as
	 * {@code retry.max-attempts}
	 * @return the name to show
	 */
	public String property(String path) {
		return this.propertyPrefix + path;
	}

	/**
	 * Returns how many connections eager initialisation opens:
	 * {@code warm-up.connections} when set, else 2, or {@code max-concurrent} when that
	 * is smaller.
	 * @return the number of warm-up connections
	 */
	public int warmUpConnections() {
		return (this.warmUp.connections() != null) ? this.warmUp.connections()
				: Math.min(DEFAULT_WARM_UP_CONNECTIONS, this.limits.maxConcurrent());
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
		return "LlmClientSettings[name=" + this.name + ", endpoint=" + displayEndpoint() + ", apiKey="
				+ ((this.apiKey != null) ? "******" : "none") + ", model=" + this.model + ", streamUsage="
				+ this.streamUsage + ", connection=" + this.connection + ", limits=" + this.limits + ", retry="
				+ this.retry + ", warmUp=" + this.warmUp + ", lifecycle=" + this.lifecycle + ", health=" + this.health
				+ ", ssl=" + this.ssl + ", proxy=" + this.proxy + ", observations=" + this.observations + ", adaptive="
				+ this.adaptive + ", rateLimit=" + this.rateLimit + "]";
	}

	/**
	 * Timeouts and limits of one connection.
	 *
	 * @param connectTimeout TCP and TLS connect timeout ({@code connect-timeout})
	 * @param readTimeout silence allowed on a connection before the first byte and
	 * between chunks ({@code read-timeout})
	 * @param maxResponseSize largest response body read, in bytes
	 * ({@code max-response-size})
	 * @param validateAfterInactivity idle time after which a pooled connection is checked
	 * before reuse ({@code validate-after-inactivity})
	 * @since 0.1.0
	 */
	public record Connection(Duration connectTimeout, Duration readTimeout, long maxResponseSize,
			Duration validateAfterInactivity) {

		/**
		 * The defaults: 5s to connect, 120s of silence, 4 MB of response, idle
		 * connections checked after 1s (servers such as llama.cpp close idle keep-alive
		 * connections after a few seconds; a check costs far less than a failed call).
		 */
		public static final Connection DEFAULTS = new Connection(Duration.ofSeconds(5), Duration.ofSeconds(120),
				4L * 1024 * 1024, Duration.ofSeconds(1));

		/**
		 * Checks every value.
		 * @throws LlmClientSettingException naming the invalid setting
		 */
		public Connection {
			positive("connect-timeout", connectTimeout);
			positive("read-timeout", readTimeout);
			if (maxResponseSize < 1) {
				throw new LlmClientSettingException("max-response-size", maxResponseSize,
						"must be at least 1 byte, e.g. 4MB");
			}
			positive("validate-after-inactivity", validateAfterInactivity);
		}

		/**
		 * Returns a copy with another connect timeout.
		 * @param connectTimeout a positive duration
		 * @return the copy
		 */
		public Connection withConnectTimeout(Duration connectTimeout) {
			return new Connection(connectTimeout, this.readTimeout, this.maxResponseSize, this.validateAfterInactivity);
		}

		/**
		 * Returns a copy with another read timeout (generation is slow: keep it
		 * generous).
		 * @param readTimeout a positive duration
		 * @return the copy
		 */
		public Connection withReadTimeout(Duration readTimeout) {
			return new Connection(this.connectTimeout, readTimeout, this.maxResponseSize, this.validateAfterInactivity);
		}

		/**
		 * Returns a copy with another largest response size; a larger body fails the call
		 * without being held in memory.
		 * @param maxResponseSize at least 1 byte
		 * @return the copy
		 */
		public Connection withMaxResponseSize(long maxResponseSize) {
			return new Connection(this.connectTimeout, this.readTimeout, maxResponseSize, this.validateAfterInactivity);
		}

		/**
		 * Returns a copy that checks a pooled connection before reuse after another idle
		 * time.
		 * @param validateAfterInactivity a positive duration
		 * @return the copy
		 */
		public Connection withValidateAfterInactivity(Duration validateAfterInactivity) {
			return new Connection(this.connectTimeout, this.readTimeout, this.maxResponseSize, validateAfterInactivity);
		}

	}

	/**
	 * How many calls run at once, how long they wait for a slot, and how long a whole
	 * call may take.
	 *
	 * @param maxConcurrent calls allowed in flight at once, client-wide; the pool holds
	 * as many connections ({@code max-concurrent})
	 * @param maxWait how long a call waits for a free slot before failing
	 * ({@code max-wait})
	 * @param timeout whole-call deadline, waiting and retries included, or {@code null}
	 * for none ({@code timeout})
	 * @since 0.1.0
	 */
	public record Limits(int maxConcurrent, Duration maxWait, Duration timeout) {

		/** The defaults: 10 calls in flight, 30s of waiting, no whole-call deadline. */
		public static final Limits DEFAULTS = new Limits(10, Duration.ofSeconds(30), null);

		/**
		 * Checks every value.
		 * @throws LlmClientSettingException naming the invalid setting
		 */
		public Limits {
			atLeastOne("max-concurrent", maxConcurrent);
			zeroOrPositive("max-wait", maxWait, "30s");
			if (timeout != null) {
				positive("timeout", timeout);
			}
		}

		/**
		 * Returns a copy with another client-wide limit of calls in flight.
		 * @param maxConcurrent at least 1
		 * @return the copy
		 */
		public Limits withMaxConcurrent(int maxConcurrent) {
			return new Limits(maxConcurrent, this.maxWait, this.timeout);
		}

		/**
		 * Returns a copy with another wait for a free slot.
		 * @param maxWait zero or a positive duration
		 * @return the copy
		 */
		public Limits withMaxWait(Duration maxWait) {
			return new Limits(this.maxConcurrent, maxWait, this.timeout);
		}

		/**
		 * Returns a copy with another whole-call deadline.
		 * @param timeout a positive duration, or {@code null} for none
		 * @return the copy
		 */
		public Limits withTimeout(Duration timeout) {
			return new Limits(this.maxConcurrent, this.maxWait, timeout);
		}

	}

	/**
	 * When and how failed calls are retried: connection failures, 408, 409, 429, 5xx and
	 * answers carrying {@code x-should-retry: true}; never other 4xx.
	 *
	 * @param enabled whether failed calls are retried at all ({@code retry.enabled})
	 * @param maxAttempts attempts per call, the first included
	 * ({@code retry.max-attempts})
	 * @param initialBackoff wait before the first retry ({@code retry.initial-backoff})
	 * @param maxBackoff longest computed wait between attempts, not below the initial
	 * backoff ({@code retry.max-backoff})
	 * @param multiplier factor applied to the wait after each retry
	 * ({@code retry.multiplier})
	 * @param jitter fraction of each wait drawn at random, from 0 to 1
	 * ({@code retry.jitter})
	 * @param maxRetryAfter longest server-requested wait ({@code Retry-After}) the client
	 * honours ({@code retry.max-retry-after})
	 * @since 0.1.0
	 */
	public record Retry(boolean enabled, int maxAttempts, Duration initialBackoff, Duration maxBackoff,
			double multiplier, double jitter, Duration maxRetryAfter) {

		/**
		 * The defaults: 3 attempts, 500ms doubling up to 8s with 25% jitter, server waits
		 * up to 60s honoured.
		 */
		public static final Retry DEFAULTS = new Retry(true, 3, Duration.ofMillis(500), Duration.ofSeconds(8), 2.0,
				0.25, Duration.ofSeconds(60));

		/**
		 * Checks every value.
		 * @throws LlmClientSettingException naming the invalid setting
		 */
		public Retry {
			atLeastOne("retry.max-attempts", maxAttempts);
			positive("retry.initial-backoff", initialBackoff);
			positive("retry.max-backoff", maxBackoff);
			if (!(multiplier >= 1)) {
				throw new LlmClientSettingException("retry.multiplier", multiplier, "must be 1 or more, e.g. 2");
			}
			if (!(jitter >= 0 && jitter <= 1)) {
				throw new LlmClientSettingException("retry.jitter", jitter, "must be from 0 to 1, e.g. 0.25");
			}
			zeroOrPositive("retry.max-retry-after", maxRetryAfter, "60s");
		}

		/**
		 * Returns a copy that retries or not.
		 * @param enabled {@code false} to make every call a single attempt
		 * @return the copy
		 */
		public Retry withEnabled(boolean enabled) {
			return new Retry(enabled, this.maxAttempts, this.initialBackoff, this.maxBackoff, this.multiplier,
					this.jitter, this.maxRetryAfter);
		}

		/**
		 * Returns a copy with another number of attempts per call.
		 * @param maxAttempts at least 1, the first attempt included
		 * @return the copy
		 */
		public Retry withMaxAttempts(int maxAttempts) {
			return new Retry(this.enabled, maxAttempts, this.initialBackoff, this.maxBackoff, this.multiplier,
					this.jitter, this.maxRetryAfter);
		}

		/**
		 * Returns a copy with another wait before the first retry.
		 * @param initialBackoff a positive duration
		 * @return the copy
		 */
		public Retry withInitialBackoff(Duration initialBackoff) {
			return new Retry(this.enabled, this.maxAttempts, initialBackoff, this.maxBackoff, this.multiplier,
					this.jitter, this.maxRetryAfter);
		}

		/**
		 * Returns a copy with another longest computed wait.
		 * @param maxBackoff a positive duration, not below the initial backoff
		 * @return the copy
		 */
		public Retry withMaxBackoff(Duration maxBackoff) {
			return new Retry(this.enabled, this.maxAttempts, this.initialBackoff, maxBackoff, this.multiplier,
					this.jitter, this.maxRetryAfter);
		}

		/**
		 * Returns a copy with another growth factor of the wait.
		 * @param multiplier at least 1
		 * @return the copy
		 */
		public Retry withMultiplier(double multiplier) {
			return new Retry(this.enabled, this.maxAttempts, this.initialBackoff, this.maxBackoff, multiplier,
					this.jitter, this.maxRetryAfter);
		}

		/**
		 * Returns a copy with another random fraction of each wait (0.25 turns a 1s wait
		 * into 0.75s to 1.25s), so clients that failed together do not retry together.
		 * @param jitter from 0 to 1
		 * @return the copy
		 */
		public Retry withJitter(double jitter) {
			return new Retry(this.enabled, this.maxAttempts, this.initialBackoff, this.maxBackoff, this.multiplier,
					jitter, this.maxRetryAfter);
		}

		/**
		 * Returns a copy with another longest wait accepted from a server's
		 * {@code Retry-After} or {@code retry-after-ms}; a longer one fails the call at
		 * once.
		 * @param maxRetryAfter zero or a positive duration
		 * @return the copy
		 */
		public Retry withMaxRetryAfter(Duration maxRetryAfter) {
			return new Retry(this.enabled, this.maxAttempts, this.initialBackoff, this.maxBackoff, this.multiplier,
					this.jitter, maxRetryAfter);
		}

	}

	/**
	 * What eager initialisation does when the client starts.
	 *
	 * @param connections connections opened in parallel, from 1 to
	 * {@code max-concurrent}, or {@code null} for 2 (or {@code max-concurrent} when
	 * smaller); see {@link LlmClientSettings#warmUpConnections()}
	 * ({@code warm-up.connections})
	 * @param timeout how long warm-up may take before it gives up
	 * ({@code warm-up.timeout})
	 * @param failFast whether an unreachable endpoint fails start-up instead of being
	 * logged ({@code warm-up.fail-fast})
	 * @since 0.1.0
	 */
	public record WarmUp(Integer connections, Duration timeout, boolean failFast) {

		/**
		 * The defaults: 2 connections (at most {@code max-concurrent}), 10s, log and
		 * start when the endpoint cannot be reached.
		 */
		public static final WarmUp DEFAULTS = new WarmUp(null, Duration.ofSeconds(10), false);

		/**
		 * Checks every value; the upper bound of {@code connections} is checked by
		 * {@link LlmClientSettings}.
		 * @throws LlmClientSettingException naming the invalid setting
		 */
		public WarmUp {
			if (connections != null && connections < 1) {
				throw new LlmClientSettingException("warm-up.connections", connections,
						"must be between 1 and max-concurrent: the pool holds no more connections");
			}
			positive("warm-up.timeout", timeout);
		}

		/**
		 * Returns a copy that opens another number of connections.
		 * @param connections between 1 and {@code max-concurrent}, or {@code null} for
		 * the default
		 * @return the copy
		 */
		public WarmUp withConnections(Integer connections) {
			return new WarmUp(connections, this.timeout, this.failFast);
		}

		/**
		 * Returns a copy with another time limit for warm-up.
		 * @param timeout a positive duration
		 * @return the copy
		 */
		public WarmUp withTimeout(Duration timeout) {
			return new WarmUp(this.connections, timeout, this.failFast);
		}

		/**
		 * Returns a copy that fails, or not, when the endpoint cannot be reached.
		 * @param failFast {@code true} to fail {@code build()} (or start-up)
		 * @return the copy
		 */
		public WarmUp withFailFast(boolean failFast) {
			return new WarmUp(this.connections, this.timeout, failFast);
		}

	}

	/**
	 * When the client opens its connections, and how long closing it waits for calls in
	 * flight.
	 *
	 * @param eagerInit whether connections are opened when the client starts rather than
	 * on first use ({@code eager-init})
	 * @param shutdownTimeout how long {@code close()} lets calls in flight finish before
	 * cancelling them ({@code shutdown-timeout})
	 * @since 0.1.0
	 */
	public record Lifecycle(boolean eagerInit, Duration shutdownTimeout) {

		/** The defaults: warm the pool at start, wait up to 30s on close. */
		public static final Lifecycle DEFAULTS = new Lifecycle(true, Duration.ofSeconds(30));

		/**
		 * Checks every value.
		 * @throws LlmClientSettingException naming the invalid setting
		 */
		public Lifecycle {
			zeroOrPositive("shutdown-timeout", shutdownTimeout, "30s");
		}

		/**
		 * Returns a copy that opens connections at start, or on the first call.
		 * @param eagerInit {@code true} to warm the pool at start
		 * @return the copy
		 */
		public Lifecycle withEagerInit(boolean eagerInit) {
			return new Lifecycle(eagerInit, this.shutdownTimeout);
		}

		/**
		 * Returns a copy with another wait for calls in flight on close.
		 * @param shutdownTimeout zero or a positive duration
		 * @return the copy
		 */
		public Lifecycle withShutdownTimeout(Duration shutdownTimeout) {
			return new Lifecycle(this.eagerInit, shutdownTimeout);
		}

	}

	/**
	 * What health shows and when the client reports itself down, and whether it probes
	 * the endpoint to find out.
	 *
	 * @param maxLatencyRecords capacity of the window of latest latencies
	 * ({@code max-latency-records})
	 * @param downAfterFailures server-side failures in a row (connection failures,
	 * timeouts, 5xx) after which health is DOWN ({@code health.down-after-failures})
	 * @param probeEnabled whether computing health sends {@code GET {endpoint}/models} to
	 * check that the endpoint answers ({@code health.probe.enabled})
	 * @param probeTtl how long a probe's verdict is reused before the next probe
	 * ({@code health.probe.ttl})
	 * @since 0.1.0
	 */
	public record Health(int maxLatencyRecords, int downAfterFailures, boolean probeEnabled, Duration probeTtl) {

		/**
		 * The defaults: 1000 latencies kept, DOWN after 5 failures in a row, no probe
		 * (30s reuse when switched on).
		 */
		public static final Health DEFAULTS = new Health(1000, 5, false, Duration.ofSeconds(30));

		/**
		 * Checks every value.
		 * @throws LlmClientSettingException naming the invalid setting
		 */
		public Health {
			atLeastOne("max-latency-records", maxLatencyRecords);
			atLeastOne("health.down-after-failures", downAfterFailures);
			positive("health.probe.ttl", probeTtl);
		}

		/**
		 * Returns a copy that keeps another number of latest latencies for percentiles.
		 * @param maxLatencyRecords at least 1
		 * @return the copy
		 */
		public Health withMaxLatencyRecords(int maxLatencyRecords) {
			return new Health(maxLatencyRecords, this.downAfterFailures, this.probeEnabled, this.probeTtl);
		}

		/**
		 * Returns a copy that reports DOWN after another number of server-side failures
		 * in a row; failures caused by the request, such as 400, never count.
		 * @param downAfterFailures at least 1
		 * @return the copy
		 */
		public Health withDownAfterFailures(int downAfterFailures) {
			return new Health(this.maxLatencyRecords, downAfterFailures, this.probeEnabled, this.probeTtl);
		}

		/**
		 * Returns a copy that probes the endpoint, or not, when health is computed.
		 * @param probeEnabled {@code true} to send {@code GET {endpoint}/models}, which
		 * spends no tokens
		 * @return the copy
		 */
		public Health withProbeEnabled(boolean probeEnabled) {
			return new Health(this.maxLatencyRecords, this.downAfterFailures, probeEnabled, this.probeTtl);
		}

		/**
		 * Returns a copy that reuses a probe's verdict for another time, so frequent
		 * health checks do not turn into frequent requests.
		 * @param probeTtl a positive duration
		 * @return the copy
		 */
		public Health withProbeTtl(Duration probeTtl) {
			return new Health(this.maxLatencyRecords, this.downAfterFailures, this.probeEnabled, probeTtl);
		}

	}

	/**
	 * TLS material for an https endpoint in place of the JVM's defaults: an
	 * {@link SSLContext} whose trust managers trust a private CA and whose key managers
	 * hold a client certificate for mutual TLS, and the protocols and cipher suites to
	 * enable. Under Spring Boot it comes from the SSL bundle named by {@code ssl.bundle}.
	 * Without a context the JVM's default trust store applies
	 * ({@code -Djavax.net.ssl.trustStore}, else the JDK's {@code cacerts}). The server's
	 * host name is always verified against its certificate.
	 *
	 * @param bundle name of the SSL bundle the context comes from, shown in messages, or
	 * {@code null} ({@code ssl.bundle})
	 * @param sslContext context the connections use, or {@code null} for the JVM's
	 * default
	 * @param protocols TLS protocols to enable, such as {@code TLSv1.3}; empty for the
	 * context's defaults
	 * @param ciphers cipher suites to enable; empty for the context's defaults
	 * @since 0.1.0
	 */
	public record Ssl(String bundle, SSLContext sslContext, List<String> protocols, List<String> ciphers) {

		/** The defaults: the JVM's trust store, protocols and cipher suites. */
		public static final Ssl DEFAULTS = new Ssl(null, null, List.of(), List.of());

		/**
		 * Checks every value.
		 * @throws LlmClientSettingException naming {@code ssl.bundle} when a protocol or
		 * cipher suite is blank
		 */
		public Ssl {
			bundle = blankToNull(bundle);
			protocols = names(bundle, protocols, "TLS protocol, such as TLSv1.3");
			ciphers = names(bundle, ciphers, "cipher suite, such as TLS_AES_128_GCM_SHA256");
		}

		/**
		 * Returns a copy that names the SSL bundle the context comes from, for messages.
		 * @param bundle the bundle's name, or {@code null}
		 * @return the copy
		 */
		public Ssl withBundle(String bundle) {
			return new Ssl(bundle, this.sslContext, this.protocols, this.ciphers);
		}

		/**
		 * Returns a copy whose connections use another context: build it with the trust
		 * managers of your CA and, for mutual TLS, the key managers of your client
		 * certificate.
		 * @param sslContext an initialised context, or {@code null} for the JVM's default
		 * @return the copy
		 */
		public Ssl withSslContext(SSLContext sslContext) {
			return new Ssl(this.bundle, sslContext, this.protocols, this.ciphers);
		}

		/**
		 * Returns a copy that enables only some TLS protocols.
		 * @param protocols protocol names such as {@code TLSv1.3}, or empty for the
		 * context's defaults
		 * @return the copy
		 */
		public Ssl withProtocols(List<String> protocols) {
			return new Ssl(this.bundle, this.sslContext, protocols, this.ciphers);
		}

		/**
		 * Returns a copy that enables only some cipher suites.
		 * @param ciphers cipher suite names, or empty for the context's defaults
		 * @return the copy
		 */
		public Ssl withCiphers(List<String> ciphers) {
			return new Ssl(this.bundle, this.sslContext, this.protocols, ciphers);
		}

		@Override
		public String toString() {
			return "Ssl[bundle=" + this.bundle + ", sslContext="
					+ ((this.sslContext != null) ? this.sslContext.getProtocol() : "JVM default") + ", protocols="
					+ this.protocols + ", ciphers=" + this.ciphers + "]";
		}

		private static List<String> names(String bundle, List<String> names, String what) {
			if (names == null) {
				return List.of();
			}
			for (String name : names) {
				if (name == null || name.isBlank()) {
					throw new LlmClientSettingException("ssl.bundle", bundle,
							"enables a blank " + what + ": list names, or none for the defaults");
				}
			}
			return names.stream().map(String::strip).toList();
		}

	}

	/**
	 * The HTTP proxy calls go through, in place of the JVM's proxy settings
	 * ({@code https.proxyHost}, {@code http.proxyHost}, {@code http.nonProxyHosts}),
	 * which apply while no URL is set. An https endpoint is reached through the proxy
	 * with {@code CONNECT}, so the proxy relays TLS it cannot read; an http endpoint's
	 * requests are forwarded by it. The credentials are sent (Basic authentication) when
	 * the proxy asks for them with 407. The password is never logged nor shown, and
	 * {@link #toString()} hides it.
	 *
	 * @param url the proxy, such as {@code http://proxy.corp:3128}, with optional
	 * credentials in its user-info ({@code http://user:password@proxy.corp:3128}), or
	 * {@code null} for the JVM's proxy settings ({@code proxy.url})
	 * @param username user name sent to the proxy when the URL carries none, or
	 * {@code null} ({@code proxy.username})
	 * @param password password sent to the proxy when the URL carries none, or
	 * {@code null} ({@code proxy.password})
	 * @param nonProxyHosts hosts reached directly, as in {@code http.nonProxyHosts}:
	 * names or addresses with {@code *} wildcards, such as {@code localhost},
	 * {@code *.corp.example} or {@code 10.*} ({@code proxy.non-proxy-hosts})
	 * @since 0.1.0
	 */
	public record Proxy(URI url, String username, String password, List<String> nonProxyHosts) {

		/** The defaults: no proxy of the client's own; the JVM's settings apply. */
		public static final Proxy DEFAULTS = new Proxy(null, null, null, List.of());

		private static final String PROXY_EXAMPLE = "e.g. http://proxy.corp:3128";

		private static final String HIDDEN = "******";

		/**
		 * Checks every value; that credentials and exceptions come with a URL is checked
		 * by {@link LlmClientSettings}.
		 * @throws LlmClientSettingException naming the invalid setting, never showing the
		 * password
		 */
		public Proxy {
			if (url != null) {
				checkProxyUrl(url);
			}
			username = blankToNull(username);
			password = (password == null || password.isEmpty()) ? null : password;
			if (url != null && url.getRawUserInfo() != null && (username != null || password != null)) {
				throw new LlmClientSettingException("proxy.username", username,
						"is given twice: proxy.url carries credentials in its user-info too; keep one of them");
			}
			nonProxyHosts = hostPatterns(nonProxyHosts);
		}

		/**
		 * Returns a copy with another proxy.
		 * @param url an http URL with host and port, such as
		 * {@code http://proxy.corp:3128}, credentials percent-encoded in its user-info if
		 * any; {@code null} or blank for the JVM's proxy settings
		 * @return the copy
		 */
		public Proxy withUrl(String url) {
			return new Proxy(parseProxyUrl(url), this.username, this.password, this.nonProxyHosts);
		}

		/**
		 * Returns a copy with another user name for the proxy.
		 * @param username the user name, or {@code null}
		 * @return the copy
		 */
		public Proxy withUsername(String username) {
			return new Proxy(this.url, username, this.password, this.nonProxyHosts);
		}

		/**
		 * Returns a copy with another password for the proxy.
		 * @param password the password, or {@code null}
		 * @return the copy
		 */
		public Proxy withPassword(String password) {
			return new Proxy(this.url, this.username, password, this.nonProxyHosts);
		}

		/**
		 * Returns a copy with other hosts reached without the proxy.
		 * @param nonProxyHosts host names or addresses with {@code *} wildcards
		 * @return the copy
		 */
		public Proxy withNonProxyHosts(List<String> nonProxyHosts) {
			return new Proxy(this.url, this.username, this.password, nonProxyHosts);
		}

		/**
		 * Returns the user name sent to the proxy: {@code username}, else the URL's.
		 * @return the user name, or {@code null} when none is set
		 */
		public String effectiveUsername() {
			return (this.username != null) ? this.username : userInfo(0);
		}

		/**
		 * Returns the password sent to the proxy: {@code password}, else the URL's.
		 * @return the password, or {@code null} when none is set
		 */
		public String effectivePassword() {
			return (this.password != null) ? this.password : userInfo(1);
		}

		/**
		 * Returns the proxy as shown in logs and messages: scheme, host and port, never
		 * the credentials.
		 * @return the safe form of the URL, or {@code null} without one
		 */
		public String displayUrl() {
			return (this.url != null) ? this.url.getScheme() + "://" + this.url.getHost() + ":" + this.url.getPort()
					: null;
		}

		@Override
		public String toString() {
			return "Proxy[url=" + ((this.url != null) ? displayUrl() : "JVM settings") + ", username="
					+ effectiveUsername() + ", password=" + ((effectivePassword() != null) ? HIDDEN : "none")
					+ ", nonProxyHosts=" + this.nonProxyHosts + "]";
		}

		/** The checks that span values, once all are set. */
		void checkComplete() {
			if (this.url == null) {
				String jvm = ": set proxy.url too, " + PROXY_EXAMPLE;
				if (this.username != null) {
					throw new LlmClientSettingException("proxy.username", this.username, "has no effect" + jvm);
				}
				if (this.password != null) {
					throw new LlmClientSettingException("proxy.password", HIDDEN, "has no effect" + jvm);
				}
				if (!this.nonProxyHosts.isEmpty()) {
					throw new LlmClientSettingException("proxy.non-proxy-hosts", this.nonProxyHosts, "has no effect"
							+ jvm + " (the JVM's own proxy takes its exceptions from " + "-Dhttp.nonProxyHosts)");
				}
			}
			else if (effectivePassword() != null && effectiveUsername() == null) {
				throw new LlmClientSettingException("proxy.password", HIDDEN,
						"needs a user name: set proxy.username too");
			}
		}

		private String userInfo(int part) {
			String userInfo = (this.url != null) ? this.url.getUserInfo() : null;
			if (userInfo == null) {
				return null;
			}
			int colon = userInfo.indexOf(':');
			String user = (colon >= 0) ? userInfo.substring(0, colon) : userInfo;
			String password = (colon >= 0) ? userInfo.substring(colon + 1) : null;
			String value = (part == 0) ? user : password;
			return (value == null || value.isEmpty()) ? null : value;
		}

		private static URI parseProxyUrl(String url) {
			if (url == null || url.isBlank()) {
				return null;
			}
			try {
				return new URI(url.strip());
			}
			catch (URISyntaxException ex) {
				throw new LlmClientSettingException("proxy.url", withoutUserInfo(url), "is not a valid URL ("
						+ ex.getReason() + "): use " + PROXY_EXAMPLE + ", with credentials percent-encoded");
			}
		}

		private static void checkProxyUrl(URI url) {
			String shown = withoutUserInfo(url.toString());
			if (!"http".equalsIgnoreCase(url.getScheme())) {
				throw new LlmClientSettingException("proxy.url", shown, "must start with http:// (the proxy's own "
						+ "address; https endpoints are reached through it with CONNECT): use " + PROXY_EXAMPLE);
			}
			if (url.getHost() == null || url.getHost().isEmpty()) {
				throw new LlmClientSettingException("proxy.url", shown,
						"has no host: use " + PROXY_EXAMPLE + ", with credentials percent-encoded");
			}
			if (url.getPort() == -1) {
				throw new LlmClientSettingException("proxy.url", shown, "has no port: use " + PROXY_EXAMPLE);
			}
			String path = url.getRawPath();
			if ((path != null && !path.isEmpty() && !"/".equals(path)) || url.getRawQuery() != null
					|| url.getRawFragment() != null) {
				throw new LlmClientSettingException("proxy.url", shown,
						"must be the proxy's address only, without path or query: use " + PROXY_EXAMPLE);
			}
		}

		private static List<String> hostPatterns(List<String> patterns) {
			if (patterns == null) {
				return List.of();
			}
			for (String pattern : patterns) {
				if (pattern == null || pattern.isBlank() || pattern.strip().chars().anyMatch(Character::isWhitespace)) {
					throw new LlmClientSettingException("proxy.non-proxy-hosts", patterns,
							"holds an empty or malformed entry: list host names or addresses with * wildcards, "
									+ "e.g. localhost, *.corp.example, 10.*");
				}
			}
			return patterns.stream().map(String::strip).toList();
		}

	}

	/**
	 * What the client's observations, and so its trace spans, may carry of the
	 * conversation. Off by default: prompts and completions often hold personal or
	 * confidential data, and a span is kept by the tracing backend for anyone with access
	 * to it.
	 *
	 * @param includePrompt whether a call's span carries its messages as
	 * {@code gen_ai.input.messages} ({@code observations.include-prompt})
	 * @param includeCompletion whether a call's span carries the answer as
	 * {@code gen_ai.output.messages} ({@code observations.include-completion})
	 * @param maxContentLength characters each of those values is cut to
	 * ({@code observations.max-content-length})
	 * @since 0.1.0
	 */
	public record Observations(boolean includePrompt, boolean includeCompletion, int maxContentLength) {

		/** The defaults: no content, values cut to 2048 characters when switched on. */
		public static final Observations DEFAULTS = new Observations(false, false, 2048);

		/**
		 * Checks every value.
		 * @throws LlmClientSettingException naming the invalid setting
		 */
		public Observations {
			atLeastOne("observations.max-content-length", maxContentLength);
		}

		/**
		 * Returns a copy that adds the request's messages to each call's span, or not.
		 * @param includePrompt {@code true} to add them (sensitive: see the guide)
		 * @return the copy
		 */
		public Observations withIncludePrompt(boolean includePrompt) {
			return new Observations(includePrompt, this.includeCompletion, this.maxContentLength);
		}

		/**
		 * Returns a copy that adds the answer to each call's span, or not.
		 * @param includeCompletion {@code true} to add it (sensitive: see the guide)
		 * @return the copy
		 */
		public Observations withIncludeCompletion(boolean includeCompletion) {
			return new Observations(this.includePrompt, includeCompletion, this.maxContentLength);
		}

		/**
		 * Returns a copy that cuts captured messages to another length.
		 * @param maxContentLength at least 1 character
		 * @return the copy
		 */
		public Observations withMaxContentLength(int maxContentLength) {
			return new Observations(this.includePrompt, this.includeCompletion, maxContentLength);
		}

	}

	/**
	 * Whether the client finds the server's concurrency limit by itself: the limit of
	 * calls in flight then moves between {@code min-concurrent} and
	 * {@code max-concurrent}, growing while the server answers and shrinking by
	 * {@code backoff-ratio} when it refuses (429, 503) or times out (AIMD).
	 *
	 * @param enabled whether the limit adapts; otherwise it stays at
	 * {@code max-concurrent} ({@code adaptive.enabled})
	 * @param minConcurrent lowest limit, where the adaptive limit also starts
	 * ({@code adaptive.min-concurrent})
	 * @param backoffRatio factor applied to the limit when the server refuses, from 0.5
	 * to 1 exclusive ({@code adaptive.backoff-ratio})
	 * @since 0.1.0
	 */
	public record Adaptive(boolean enabled, int minConcurrent, double backoffRatio) {

		/** The defaults: off; when on, from 1 call upwards, shrinking by 10% a time. */
		public static final Adaptive DEFAULTS = new Adaptive(false, 1, 0.9);

		/**
		 * Checks every value; the upper bound of {@code min-concurrent} is checked by
		 * {@link LlmClientSettings}.
		 * @throws LlmClientSettingException naming the invalid setting
		 */
		public Adaptive {
			atLeastOne("adaptive.min-concurrent", minConcurrent);
			if (!(backoffRatio >= 0.5 && backoffRatio < 1)) {
				throw new LlmClientSettingException("adaptive.backoff-ratio", backoffRatio,
						"must be at least 0.5 and below 1, e.g. 0.9");
			}
		}

		/**
		 * Returns a copy that adapts the limit, or keeps it at {@code max-concurrent}.
		 * @param enabled {@code true} to adapt
		 * @return the copy
		 */
		public Adaptive withEnabled(boolean enabled) {
			return new Adaptive(enabled, this.minConcurrent, this.backoffRatio);
		}

		/**
		 * Returns a copy with another lowest (and starting) limit.
		 * @param minConcurrent from 1 to {@code max-concurrent}
		 * @return the copy
		 */
		public Adaptive withMinConcurrent(int minConcurrent) {
			return new Adaptive(this.enabled, minConcurrent, this.backoffRatio);
		}

		/**
		 * Returns a copy that shrinks the limit by another factor when the server
		 * refuses.
		 * @param backoffRatio at least 0.5 and below 1
		 * @return the copy
		 */
		public Adaptive withBackoffRatio(double backoffRatio) {
			return new Adaptive(this.enabled, this.minConcurrent, backoffRatio);
		}

	}

	/**
	 * Budgets of requests and tokens per minute, as providers such as OpenAI and Azure
	 * grant them: a call waits for budget (within {@code max-wait}) instead of being sent
	 * to be refused. Tokens are reserved from an estimate (prompt characters / 4 plus
	 * {@code max_tokens}, or {@code estimated-output-tokens} when the request sets none)
	 * and settled with the server's reported usage.
	 *
	 * @param requestsPerMinute requests allowed per minute, or {@code null} for no budget
	 * ({@code rate-limit.requests-per-minute})
	 * @param tokensPerMinute tokens allowed per minute, or {@code null} for no budget
	 * ({@code rate-limit.tokens-per-minute})
	 * @param estimatedOutputTokens output tokens reserved for a request that sets no
	 * {@code max_tokens} ({@code rate-limit.estimated-output-tokens})
	 * @since 0.1.0
	 */
	public record RateLimit(Long requestsPerMinute, Long tokensPerMinute, int estimatedOutputTokens) {

		/** The defaults: no budgets; 1024 output tokens reserved when a budget is set. */
		public static final RateLimit DEFAULTS = new RateLimit(null, null, 1024);

		/**
		 * Checks every value.
		 * @throws LlmClientSettingException naming the invalid setting
		 */
		public RateLimit {
			if (requestsPerMinute != null && requestsPerMinute < 1) {
				throw new LlmClientSettingException("rate-limit.requests-per-minute", requestsPerMinute,
						"must be at least 1, or unset for no budget");
			}
			if (tokensPerMinute != null && tokensPerMinute < 1) {
				throw new LlmClientSettingException("rate-limit.tokens-per-minute", tokensPerMinute,
						"must be at least 1, or unset for no budget");
			}
			atLeastOne("rate-limit.estimated-output-tokens", estimatedOutputTokens);
		}

		/**
		 * Returns a copy with another budget of requests.
		 * @param requestsPerMinute at least 1, or {@code null} for none
		 * @return the copy
		 */
		public RateLimit withRequestsPerMinute(Long requestsPerMinute) {
			return new RateLimit(requestsPerMinute, this.tokensPerMinute, this.estimatedOutputTokens);
		}

		/**
		 * Returns a copy with another budget of tokens.
		 * @param tokensPerMinute at least 1, or {@code null} for none
		 * @return the copy
		 */
		public RateLimit withTokensPerMinute(Long tokensPerMinute) {
			return new RateLimit(this.requestsPerMinute, tokensPerMinute, this.estimatedOutputTokens);
		}

		/**
		 * Returns a copy that reserves another number of output tokens for a request that
		 * sets no {@code max_tokens}.
		 * @param estimatedOutputTokens at least 1
		 * @return the copy
		 */
		public RateLimit withEstimatedOutputTokens(int estimatedOutputTokens) {
			return new RateLimit(this.requestsPerMinute, this.tokensPerMinute, estimatedOutputTokens);
		}

	}

	private static URI checkEndpoint(URI endpoint) {
		if (endpoint == null) {
			throw new LlmClientSettingException("endpoint", null, "is required: set it to " + ENDPOINT_EXAMPLE);
		}
		String shown = withoutUserInfo(endpoint.toString());
		String scheme = (endpoint.getScheme() != null) ? endpoint.getScheme().toLowerCase(Locale.ROOT) : null;
		if (!"http".equals(scheme) && !"https".equals(scheme)) {
			throw new LlmClientSettingException("endpoint", shown,
					"must start with http:// or https://: use " + ENDPOINT_EXAMPLE);
		}
		if (endpoint.getHost() == null || endpoint.getHost().isEmpty()) {
			throw new LlmClientSettingException("endpoint", shown, "has no host: use " + ENDPOINT_EXAMPLE);
		}
		if (endpoint.getRawQuery() != null || endpoint.getRawFragment() != null) {
			throw new LlmClientSettingException("endpoint", shown,
					"must not have a query or fragment: use " + ENDPOINT_EXAMPLE);
		}
		String text = endpoint.toString();
		return text.endsWith("/") ? URI.create(text.replaceAll("/+$", "")) : endpoint;
	}

	/**
	 * Parses an endpoint as written by the user.
	 * @param endpoint the text, trailing slashes allowed
	 * @return the URI, or {@code null} when the text is {@code null} or blank
	 * @throws LlmClientSettingException when the text is not a URL
	 */
	static URI parseEndpoint(String endpoint) {
		if (endpoint == null || endpoint.isBlank()) {
			return null;
		}
		try {
			return new URI(endpoint.strip());
		}
		catch (java.net.URISyntaxException ex) {
			throw new LlmClientSettingException("endpoint", withoutUserInfo(endpoint),
					"is not a valid URL (" + ex.getReason() + "): use " + ENDPOINT_EXAMPLE);
		}
	}

	private static String withoutUserInfo(String endpoint) {
		int at = endpoint.lastIndexOf('@');
		int scheme = endpoint.indexOf("://");
		return (at > scheme && scheme >= 0) ? endpoint.substring(0, scheme + 3) + "******" + endpoint.substring(at)
				: endpoint;
	}

	private static String blankToNull(String text) {
		return (text == null || text.isBlank()) ? null : text.strip();
	}

	private static void require(String setting, Object value) {
		if (value == null) {
			throw new LlmClientSettingException(setting, null, "is required: start from its DEFAULTS");
		}
	}

	private static void atLeastOne(String setting, int value) {
		if (value < 1) {
			throw new LlmClientSettingException(setting, value, "must be at least 1");
		}
	}

	private static void positive(String setting, Duration value) {
		if (value == null || value.isNegative() || value.isZero()) {
			throw new LlmClientSettingException(setting, value, "must be a positive duration, e.g. 10s");
		}
	}

	private static void zeroOrPositive(String setting, Duration value, String example) {
		if (value == null || value.isNegative()) {
			throw new LlmClientSettingException(setting, value, "must be zero or a positive duration, e.g. " + example);
		}
	}

}
