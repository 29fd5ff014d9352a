package dev.llmclient;

import java.util.List;
import java.util.function.UnaryOperator;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.web.client.RestClient;

import dev.llmclient.internal.DefaultLlmClient;
import dev.llmclient.observation.LlmObservationConvention;
import dev.llmclient.traffic.ConcurrencyLimiter;
import dev.llmclient.traffic.RateBudget;

/**
 * Builds an {@link LlmClient}, and holds the settings the auto-configuration fills from
 * the {@code llm.client.*} properties. In a Spring Boot application, inject the
 * {@code llmClientBuilder} bean rather than calling {@link LlmClient#builder()}: each
 * injection is a new builder already given the application's meter and observation
 * registries, {@link LlmClientCustomizer} beans and {@code RestClient.Builder}. Every
 * setting but the endpoint has a default. Settings of one concern are changed together,
 * on a copy of their record, in any order:
 *
 * <pre>{@code
 * try (LlmClient client = LlmClient.builder()
 *         .endpoint("http://localhost:11434/v1")
 *         .model("llama3.2")
 *         .limits((limits) -> limits.withMaxConcurrent(4))
 *         .retry((retry) -> retry.withMaxAttempts(5).withInitialBackoff(Duration.ofSeconds(1)))
 *         .build()) {
 *     String answer = client.generate("Say hello");
 * }
 * }</pre>
 *
 * @since 0.1.0
 */
public final class LlmClientBuilder {

	private String name = LlmClientSettings.DEFAULT_NAME;

	private String propertyPrefix = "";

	private String endpoint;

	private String apiKey;

	private String model;

	private boolean streamUsage = true;

	private ConnectionSettings connection = ConnectionSettings.DEFAULTS;

	private LimitsSettings limits = LimitsSettings.DEFAULTS;

	private RetrySettings retry = RetrySettings.DEFAULTS;

	private WarmUpSettings warmUp = WarmUpSettings.DEFAULTS;

	private LifecycleSettings lifecycle = LifecycleSettings.DEFAULTS;

	private HealthSettings health = HealthSettings.DEFAULTS;

	private SslSettings ssl = SslSettings.DEFAULTS;

	private ProxySettings proxy = ProxySettings.DEFAULTS;

	private ObservationSettings observations = ObservationSettings.DEFAULTS;

	private AdaptiveSettings adaptive = AdaptiveSettings.DEFAULTS;

	private RateLimitSettings rateLimit = RateLimitSettings.DEFAULTS;

	private UnaryOperator<ConcurrencyLimiter> concurrencyLimiter = UnaryOperator.identity();

	private UnaryOperator<RateBudget> requestBudget = UnaryOperator.identity();

	private UnaryOperator<RateBudget> tokenBudget = UnaryOperator.identity();

	private EmbeddingSettings embeddings = EmbeddingSettings.DEFAULTS;

	private List<EndpointSettings> endpoints = List.of();

	private RoutingSettings routing = RoutingSettings.DEFAULTS;

	private ChatSettings chat = ChatSettings.DEFAULTS;

	private BatchJobSettings batchJobs = BatchJobSettings.DEFAULTS;

	private MeterRegistry meterRegistry;

	private ObservationRegistry observationRegistry;

	private LlmObservationConvention observationConvention;

	private RestClient.Builder restClientBuilder;

	LlmClientBuilder() {
	}

	/**
	 * Sets the client's name (default {@code default}), which tells several clients of
	 * one application apart.
	 * @param name 1 to 64 letters, digits, {@code .}, {@code _} or {@code -}
	 * @return this builder
	 */
	public LlmClientBuilder name(String name) {
		this.name = name;
		return this;
	}

	/**
	 * Sets the prefix that messages put before a setting's name (default none), so that
	 * they name settings the way the application configures them: the auto-configuration
	 * sets {@code llm.client.}, and a message then says {@code llm.client.read-timeout}
	 * where a plain-Java client says {@code read-timeout}.
	 * @param propertyPrefix the prefix, such as {@code llm.client.}
	 * @return this builder
	 */
	public LlmClientBuilder propertyPrefix(String propertyPrefix) {
		this.propertyPrefix = propertyPrefix;
		return this;
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
	 * Sets several servers for the client to spread its calls over, in place of
	 * {@link #endpoint(String)} (setting both is an error): replicas of a model, or the
	 * same model at several providers. Each attempt of a call goes to one of them, picked
	 * as {@link #routing(UnaryOperator)} says; a call whose attempt fails on one is
	 * retried on another.
	 * @param endpoints the servers, such as
	 * {@code List.of(EndpointSettings.of("http://gpu-1:8000/v1"), EndpointSettings.of("http://gpu-2:8000/v1").withWeight(2))}
	 * @return this builder
	 */
	public LlmClientBuilder endpoints(List<EndpointSettings> endpoints) {
		this.endpoints = (endpoints != null) ? endpoints : List.of();
		return this;
	}

	/**
	 * Changes how calls are spread over several {@link #endpoints(List) endpoints}, and
	 * how long a failing one is left alone.
	 * @param change returns the new routing settings from the current ones, such as
	 * {@code (r) -> r.withStrategy(RoutingSettings.Strategy.ROUND_ROBIN)}
	 * @return this builder
	 */
	public LlmClientBuilder routing(UnaryOperator<RoutingSettings> change) {
		this.routing = change.apply(this.routing);
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
	 * Changes the connection settings: connect and read timeouts, largest response.
	 * @param change returns the new settings from the current ones, such as
	 * {@code (c) -> c.withReadTimeout(Duration.ofMinutes(5))}
	 * @return this builder
	 */
	public LlmClientBuilder connection(UnaryOperator<ConnectionSettings> change) {
		this.connection = change.apply(this.connection);
		return this;
	}

	/**
	 * Changes the limits: calls in flight, wait for a slot, whole-call deadline.
	 * @param change returns the new limits from the current ones, such as
	 * {@code (l) -> l.withMaxConcurrent(4)}
	 * @return this builder
	 */
	public LlmClientBuilder limits(UnaryOperator<LimitsSettings> change) {
		this.limits = change.apply(this.limits);
		return this;
	}

	/**
	 * Changes whether the limit of calls in flight adapts to what the server takes.
	 * @param change returns the new settings from the current ones, such as
	 * {@code (a) -> a.withEnabled(true)}
	 * @return this builder
	 */
	public LlmClientBuilder adaptive(UnaryOperator<AdaptiveSettings> change) {
		this.adaptive = change.apply(this.adaptive);
		return this;
	}

	/**
	 * Changes the budgets of requests and tokens per minute.
	 * @param change returns the new settings from the current ones, such as
	 * {@code (r) -> r.withRequestsPerMinute(500L)}
	 * @return this builder
	 */
	public LlmClientBuilder rateLimit(UnaryOperator<RateLimitSettings> change) {
		this.rateLimit = change.apply(this.rateLimit);
		return this;
	}

	/**
	 * Wraps or replaces the limiter of calls in flight that the settings ask for (fixed
	 * at {@code max-concurrent}, or adaptive), for example with one shared by several
	 * application instances. Called once when the client is built; several calls compose,
	 * the later wrapping the earlier.
	 * @param change returns the limiter to use from the one the settings ask for; never
	 * {@code null}
	 * @return this builder
	 */
	public LlmClientBuilder concurrencyLimiter(UnaryOperator<ConcurrencyLimiter> change) {
		UnaryOperator<ConcurrencyLimiter> before = this.concurrencyLimiter;
		this.concurrencyLimiter = (limiter) -> change.apply(before.apply(limiter));
		return this;
	}

	/**
	 * Returns how the limiter the settings ask for is wrapped or replaced.
	 * @return the change, the identity when none was set
	 */
	public UnaryOperator<ConcurrencyLimiter> concurrencyLimiter() {
		return this.concurrencyLimiter;
	}

	/**
	 * Wraps or replaces the request budget that {@code rate-limit.requests-per-minute}
	 * asks for, for example with one shared by several application instances, or one per
	 * day ({@link RateBudget#perPeriod}). Several calls compose.
	 * @param change returns the budget to use from the configured one, which is
	 * {@code null} when none is configured; returning {@code null} means no budget
	 * @return this builder
	 */
	public LlmClientBuilder requestBudget(UnaryOperator<RateBudget> change) {
		UnaryOperator<RateBudget> before = this.requestBudget;
		this.requestBudget = (budget) -> change.apply(before.apply(budget));
		return this;
	}

	/**
	 * Returns how the configured request budget is wrapped or replaced.
	 * @return the change, the identity when none was set
	 */
	public UnaryOperator<RateBudget> requestBudget() {
		return this.requestBudget;
	}

	/**
	 * Wraps or replaces the token budget that {@code rate-limit.tokens-per-minute} asks
	 * for. Several calls compose.
	 * @param change returns the budget to use from the configured one, which is
	 * {@code null} when none is configured; returning {@code null} means no budget
	 * @return this builder
	 */
	public LlmClientBuilder tokenBudget(UnaryOperator<RateBudget> change) {
		UnaryOperator<RateBudget> before = this.tokenBudget;
		this.tokenBudget = (budget) -> change.apply(before.apply(budget));
		return this;
	}

	/**
	 * Returns how the configured token budget is wrapped or replaced.
	 * @return the change, the identity when none was set
	 */
	public UnaryOperator<RateBudget> tokenBudget() {
		return this.tokenBudget;
	}

	/**
	 * Changes when and how failed calls are retried.
	 * @param change returns the new retry settings from the current ones, such as
	 * {@code (r) -> r.withMaxAttempts(1)}
	 * @return this builder
	 */
	public LlmClientBuilder retry(UnaryOperator<RetrySettings> change) {
		this.retry = change.apply(this.retry);
		return this;
	}

	/**
	 * Changes what eager initialisation does: connections, time limit, fail-fast.
	 * @param change returns the new warm-up settings from the current ones
	 * @return this builder
	 */
	public LlmClientBuilder warmUp(UnaryOperator<WarmUpSettings> change) {
		this.warmUp = change.apply(this.warmUp);
		return this;
	}

	/**
	 * Changes when the client opens connections (at start, or on the first call) and how
	 * long {@link LlmClient#close()} waits for calls in flight.
	 * @param change returns the new lifecycle settings from the current ones, such as
	 * {@code (l) -> l.withEagerInit(false)}
	 * @return this builder
	 */
	public LlmClientBuilder lifecycle(UnaryOperator<LifecycleSettings> change) {
		this.lifecycle = change.apply(this.lifecycle);
		return this;
	}

	/**
	 * Changes what health keeps and when it reports DOWN, and the optional probe.
	 * @param change returns the new health settings from the current ones
	 * @return this builder
	 */
	public LlmClientBuilder health(UnaryOperator<HealthSettings> change) {
		this.health = change.apply(this.health);
		return this;
	}

	/**
	 * Changes the TLS material of an https endpoint: the trust of a private CA, a client
	 * certificate for mutual TLS, protocols and cipher suites.
	 * @param change returns the new TLS settings from the current ones, such as
	 * {@code (s) -> s.withSslContext(sslContext)}
	 * @return this builder
	 */
	public LlmClientBuilder ssl(UnaryOperator<SslSettings> change) {
		this.ssl = change.apply(this.ssl);
		return this;
	}

	/**
	 * Changes the HTTP proxy calls go through; without one the JVM's proxy settings
	 * apply.
	 * @param change returns the new proxy settings from the current ones, such as
	 * {@code (p) -> p.withUrl("http://proxy.corp:3128").withNonProxyHosts(List.of("localhost"))}
	 * @return this builder
	 */
	public LlmClientBuilder proxy(UnaryOperator<ProxySettings> change) {
		this.proxy = change.apply(this.proxy);
		return this;
	}

	/**
	 * Changes what the client's observations (trace spans) carry of the messages: nothing
	 * by default.
	 * @param change returns the new settings from the current ones, such as
	 * {@code (o) -> o.withIncludePrompt(true)}
	 * @return this builder
	 */
	public LlmClientBuilder observations(UnaryOperator<ObservationSettings> change) {
		this.observations = change.apply(this.observations);
		return this;
	}

	/**
	 * Changes what embeddings calls ask for: no model (the server's) and 256 texts per
	 * request by default.
	 * @param change returns the new settings from the current ones, such as
	 * {@code (e) -> e.withModel("text-embedding-3-small")}
	 * @return this builder
	 */
	public LlmClientBuilder embeddings(UnaryOperator<EmbeddingSettings> change) {
		this.embeddings = change.apply(this.embeddings);
		return this;
	}

	/**
	 * Changes how requests are written and structured answers read: the token limit's
	 * wire name ({@code max_tokens} by default) and the repair attempt for structured
	 * answers (off by default).
	 * @param change returns the new settings from the current ones, such as
	 * {@code (c) -> c.withMaxTokensField(ChatSettings.TokenLimitField.MAX_COMPLETION_TOKENS)}
	 * @return this builder
	 */
	public LlmClientBuilder chat(UnaryOperator<ChatSettings> change) {
		this.chat = change.apply(this.chat);
		return this;
	}

	/**
	 * Changes how batch jobs run on the provider's Batch API: the mode ({@code auto} by
	 * default), the poll intervals, whether files are kept, the completion window and the
	 * split thresholds.
	 * @param change returns the new settings from the current ones, such as
	 * {@code (b) -> b.withPollInterval(Duration.ofMinutes(1))}
	 * @return this builder
	 */
	public LlmClientBuilder batchJobs(UnaryOperator<BatchJobSettings> change) {
		this.batchJobs = change.apply(this.batchJobs);
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
	 * Sets the registry that observes every call ({@code gen_ai.client.operation}) and
	 * every HTTP attempt, so that calls show up in traces; without one, or with
	 * {@link ObservationRegistry#NOOP}, nothing is observed.
	 * @param observationRegistry the registry, or {@code null}
	 * @return this builder
	 */
	public LlmClientBuilder observationRegistry(ObservationRegistry observationRegistry) {
		this.observationRegistry = observationRegistry;
		return this;
	}

	/**
	 * Returns the observation registry set on this builder.
	 * @return the registry, or {@code null}
	 */
	public ObservationRegistry observationRegistry() {
		return this.observationRegistry;
	}

	/**
	 * Replaces the convention that names the client's observations and gives them their
	 * key values.
	 * @param observationConvention the convention, or {@code null} for
	 * {@link dev.llmclient.observation.DefaultLlmObservationConvention}
	 * @return this builder
	 */
	public LlmClientBuilder observationConvention(LlmObservationConvention observationConvention) {
		this.observationConvention = observationConvention;
		return this;
	}

	/**
	 * Returns the observation convention set on this builder.
	 * @return the convention, or {@code null} for the default one
	 */
	public LlmObservationConvention observationConvention() {
		return this.observationConvention;
	}

	/**
	 * Sets the {@link RestClient.Builder} the client's HTTP calls start from: in a Spring
	 * Boot application, Boot's own, so that its {@code RestClientCustomizer} beans apply.
	 * The client copies it and adds its own connection pool; the builder is not changed.
	 * The {@code llmClientBuilder} bean comes with it set.
	 * @param restClientBuilder the builder, or {@code null} for a plain one
	 * @return this builder
	 */
	public LlmClientBuilder restClientBuilder(RestClient.Builder restClientBuilder) {
		this.restClientBuilder = restClientBuilder;
		return this;
	}

	/**
	 * Returns the {@link RestClient.Builder} set on this builder.
	 * @return the builder, or {@code null} for a plain one
	 */
	public RestClient.Builder restClientBuilder() {
		return this.restClientBuilder;
	}

	/**
	 * Checks every setting and returns them as an immutable value.
	 * @return the settings
	 * @throws LlmClientSettingException naming the setting that is missing or invalid and
	 * what a valid value looks like
	 */
	public LlmClientSettings settings() {
		return new LlmClientSettings(this.name, this.propertyPrefix, LlmClientSettings.parseEndpoint(this.endpoint),
				this.apiKey, this.model, this.streamUsage, this.connection, this.limits, this.retry, this.warmUp,
				this.lifecycle, this.health, this.ssl, this.proxy, this.observations, this.adaptive, this.rateLimit,
				this.embeddings, this.endpoints, this.routing, this.chat, this.batchJobs);
	}

	/**
	 * Builds the client. With {@code eager-init} it opens its warm-up connections before
	 * returning; an endpoint that cannot be reached is logged, and the client is returned
	 * anyway unless {@code warm-up.fail-fast} is set.
	 * @return the client; close it when done
	 * @throws LlmClientSettingException naming the setting that is missing or invalid
	 * @throws LlmClientException when {@code warm-up.fail-fast} is set and the endpoint
	 * cannot be reached
	 */
	public LlmClient build() {
		DefaultLlmClient client = DefaultLlmClient.create(this, this.restClientBuilder);
		if (client.settings().lifecycle().eagerInit()) {
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

}
