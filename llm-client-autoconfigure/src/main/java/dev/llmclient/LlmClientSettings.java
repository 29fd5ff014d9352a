package dev.llmclient;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import static dev.llmclient.SettingChecks.blankToNull;
import static dev.llmclient.SettingChecks.require;
import static dev.llmclient.SettingChecks.withoutUserInfo;

/**
 * The validated, immutable settings of a client, as produced by {@link LlmClientBuilder}:
 * a few top-level values and one small record per concern, such as
 * {@link ConnectionSettings} or {@link RetrySettings}, each holding its defaults
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
 * {@code http://localhost:11434/v1}; {@code null} when {@code endpoints} lists several
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
 * @param embeddings the model embeddings calls ask for and how many texts one request
 * carries
 * @param endpoints several servers behind the one client ({@code endpoints[i].*}), in
 * place of {@code endpoint}; empty for one server
 * @param routing how calls are spread over {@code endpoints} and how a failing one is
 * left alone for a while
 * @param chat how requests are written and structured answers read
 * @param batchJobs how batch jobs run on the provider's Batch API
 * @since 0.1.0
 */
public record LlmClientSettings(String name, String propertyPrefix, URI endpoint, String apiKey, String model,
		boolean streamUsage, ConnectionSettings connection, LimitsSettings limits, RetrySettings retry,
		WarmUpSettings warmUp, LifecycleSettings lifecycle, HealthSettings health, SslSettings ssl, ProxySettings proxy,
		ObservationSettings observations, AdaptiveSettings adaptive, RateLimitSettings rateLimit,
		EmbeddingSettings embeddings, List<EndpointSettings> endpoints, RoutingSettings routing, ChatSettings chat,
		BatchJobSettings batchJobs) {

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
		endpoints = (endpoints != null) ? List.copyOf(endpoints) : List.of();
		if (endpoints.isEmpty()) {
			endpoint = checkEndpoint("endpoint", endpoint);
		}
		else if (endpoint != null) {
			throw new LlmClientSettingException("endpoints", endpoints.size() + " endpoints",
					"must not be set together with " + propertyPrefix + "endpoint ("
							+ withoutUserInfo(endpoint.toString()) + "): set " + propertyPrefix
							+ "endpoint for one server, or " + propertyPrefix + "endpoints[0].url, " + propertyPrefix
							+ "endpoints[1].url, ... for several, not both");
		}
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
		require("embeddings", embeddings);
		require("routing", routing);
		require("chat", chat);
		require("batch-jobs", batchJobs);
		endpoints = checkEndpoints(endpoints, limits.maxConcurrent());
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
	 * Returns the servers calls go to, each as its own settings: for one
	 * {@code endpoint}, these settings themselves; for several {@code endpoints}, one
	 * copy per endpoint with its URL, API key and model (the client's when it sets none),
	 * and its {@code max-concurrent} as the limit of its connection pool and of its calls
	 * in flight, within which its own adaptive limit moves (from {@code min-concurrent},
	 * or its {@code max-concurrent} when that is smaller).
	 * @return one settings value per server, in the order configured
	 */
	public List<LlmClientSettings> perEndpoint() {
		if (this.endpoints.isEmpty()) {
			return List.of(this);
		}
		List<LlmClientSettings> each = new ArrayList<>(this.endpoints.size());
		for (EndpointSettings target : this.endpoints) {
			LimitsSettings endpointLimits = (target.maxConcurrent() != null)
					? this.limits.withMaxConcurrent(target.maxConcurrent()) : this.limits;
			WarmUpSettings endpointWarmUp = (this.warmUp.connections() != null)
					? this.warmUp.withConnections(Math.min(this.warmUp.connections(), endpointLimits.maxConcurrent()))
					: this.warmUp;
			each.add(new LlmClientSettings(this.name, this.propertyPrefix, URI.create(target.url()),
					(target.apiKey() != null) ? target.apiKey() : this.apiKey,
					(target.model() != null) ? target.model() : this.model, this.streamUsage, this.connection,
					endpointLimits, this.retry, endpointWarmUp, this.lifecycle, this.health, this.ssl, this.proxy,
					this.observations,
					this.adaptive
						.withMinConcurrent(Math.min(this.adaptive.minConcurrent(), endpointLimits.maxConcurrent())),
					this.rateLimit, this.embeddings, List.of(), this.routing, this.chat, this.batchJobs));
		}
		return each;
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
		if (this.endpoint == null) {
			return this.endpoints.stream().map((target) -> display(URI.create(target.url()))).toList().toString();
		}
		return display(this.endpoint);
	}

	private static String display(URI endpoint) {
		StringBuilder text = new StringBuilder().append(endpoint.getScheme()).append("://").append(endpoint.getHost());
		if (endpoint.getPort() != -1) {
			text.append(':').append(endpoint.getPort());
		}
		String path = endpoint.getRawPath();
		return text.append((path != null) ? path : "").toString();
	}

	@Override
	public String toString() {
		return "LlmClientSettings[name=" + this.name + ", endpoint=" + displayEndpoint() + ", apiKey="
				+ ((this.apiKey != null) ? "******" : "none") + ", model=" + this.model + ", streamUsage="
				+ this.streamUsage + ", connection=" + this.connection + ", limits=" + this.limits + ", retry="
				+ this.retry + ", warmUp=" + this.warmUp + ", lifecycle=" + this.lifecycle + ", health=" + this.health
				+ ", ssl=" + this.ssl + ", proxy=" + this.proxy + ", observations=" + this.observations + ", adaptive="
				+ this.adaptive + ", rateLimit=" + this.rateLimit + ", embeddings=" + this.embeddings + ", endpoints="
				+ this.endpoints + ", routing=" + this.routing + ", chat=" + this.chat + ", batchJobs=" + this.batchJobs
				+ "]";
	}

	/**
	 * Checks each endpoint, naming it by its index, and returns them with their URLs in
	 * the form calls use (no trailing slash).
	 */
	private static List<EndpointSettings> checkEndpoints(List<EndpointSettings> endpoints, int maxConcurrent) {
		List<EndpointSettings> checked = new ArrayList<>(endpoints.size());
		for (int i = 0; i < endpoints.size(); i++) {
			String prefix = "endpoints[" + i + "].";
			EndpointSettings target = endpoints.get(i);
			if (target == null) {
				throw new LlmClientSettingException(prefix + "url", null, "is required: set it to " + ENDPOINT_EXAMPLE);
			}
			URI url = checkEndpoint(prefix + "url", parseEndpoint(prefix + "url", target.url()));
			if (target.weight() < 1) {
				throw new LlmClientSettingException(prefix + "weight", target.weight(),
						"must be at least 1: an endpoint of weight 2 takes twice the calls of one of weight 1 "
								+ "under round-robin routing");
			}
			if (target.maxConcurrent() != null
					&& (target.maxConcurrent() < 1 || target.maxConcurrent() > maxConcurrent)) {
				throw new LlmClientSettingException(prefix + "max-concurrent", target.maxConcurrent(),
						"must be between 1 and max-concurrent (" + maxConcurrent
								+ "), the client-wide limit that bounds every endpoint together");
			}
			checkBudget(prefix + "rate-limit.requests-per-minute", target.requestsPerMinute(), endpoints.size(),
					"rate-limit.requests-per-minute");
			checkBudget(prefix + "rate-limit.tokens-per-minute", target.tokensPerMinute(), endpoints.size(),
					"rate-limit.tokens-per-minute");
			checked.add(target.withUrl(url.toString()));
		}
		return List.copyOf(checked);
	}

	/**
	 * Checks an endpoint's own budget: at least 1, and only where there are several
	 * endpoints to route around one whose budget is spent.
	 */
	private static void checkBudget(String setting, Long perMinute, int endpoints, String clientPath) {
		if (perMinute == null) {
			return;
		}
		if (perMinute < 1) {
			throw new LlmClientSettingException(setting, perMinute,
					"must be at least 1, or unset for no budget of this endpoint's own");
		}
		if (endpoints == 1) {
			throw new LlmClientSettingException(setting, perMinute,
					"applies only when several endpoints are listed: for a single server, set " + clientPath
							+ " instead");
		}
	}

	private static URI checkEndpoint(String setting, URI endpoint) {
		if (endpoint == null) {
			throw new LlmClientSettingException(setting, null, "is required: set it to " + ENDPOINT_EXAMPLE);
		}
		String shown = withoutUserInfo(endpoint.toString());
		String scheme = (endpoint.getScheme() != null) ? endpoint.getScheme().toLowerCase(Locale.ROOT) : null;
		if (!"http".equals(scheme) && !"https".equals(scheme)) {
			throw new LlmClientSettingException(setting, shown,
					"must start with http:// or https://: use " + ENDPOINT_EXAMPLE);
		}
		if (endpoint.getHost() == null || endpoint.getHost().isEmpty()) {
			throw new LlmClientSettingException(setting, shown, "has no host: use " + ENDPOINT_EXAMPLE);
		}
		if (endpoint.getRawQuery() != null || endpoint.getRawFragment() != null) {
			throw new LlmClientSettingException(setting, shown,
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
		return parseEndpoint("endpoint", endpoint);
	}

	private static URI parseEndpoint(String setting, String endpoint) {
		if (endpoint == null || endpoint.isBlank()) {
			return null;
		}
		try {
			return new URI(endpoint.strip());
		}
		catch (URISyntaxException ex) {
			throw new LlmClientSettingException(setting, withoutUserInfo(endpoint),
					"is not a valid URL (" + ex.getReason() + "): use " + ENDPOINT_EXAMPLE);
		}
	}

}
