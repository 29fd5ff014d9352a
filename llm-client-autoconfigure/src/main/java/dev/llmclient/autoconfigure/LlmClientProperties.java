package dev.llmclient.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

import dev.llmclient.BatchJobSettings;
import dev.llmclient.ChatSettings.TokenLimitField;
import dev.llmclient.RoutingSettings;
import dev.llmclient.cluster.ClusterSettings;

/**
 * Configuration properties of the LLM client, under {@code llm.client}.
 *
 * @since 0.1.0
 */
@ConfigurationProperties("llm.client")
public class LlmClientProperties {

	/**
	 * Whether to auto-configure the LLM client.
	 */
	private boolean enabled = true;

	/**
	 * Base URL of an OpenAI-compatible API, such as http://localhost:11434/v1 (Ollama) or
	 * https://api.openai.com/v1. Calls go to {endpoint}/chat/completions. An
	 * LlmClientConnectionDetails bean, when the application defines one, replaces it
	 * together with api-key and model.
	 */
	private String endpoint;

	/**
	 * API key sent as "Authorization: Bearer ..."; never logged or shown. Leave unset for
	 * servers that need none.
	 */
	private String apiKey;

	/**
	 * Model used when a request names none. When neither is set the request carries no
	 * model and the server picks its default.
	 */
	private String model;

	/**
	 * Maximum number of calls in flight at once for the whole client: single, async,
	 * streamed and batched calls together. The connection pool holds as many connections.
	 */
	private int maxConcurrent = 10;

	/**
	 * Whether to open connections to the endpoint at start-up rather than on the first
	 * call.
	 */
	private boolean eagerInit = true;

	/**
	 * Number of latest call latencies kept for the percentiles shown by health.
	 */
	private int maxLatencyRecords = 1000;

	/**
	 * Timeout for establishing a TCP and TLS connection.
	 */
	private Duration connectTimeout = Duration.ofSeconds(5);

	/**
	 * Silence allowed on a connection: before the first byte of the answer and between
	 * stream chunks. Generation is slow, so keep it generous.
	 */
	private Duration readTimeout = Duration.ofSeconds(120);

	/**
	 * Deadline for a whole call, waiting for a slot and retries included. Unset means no
	 * deadline beyond the other timeouts.
	 */
	private Duration timeout;

	/**
	 * How long a call waits for a free slot when max-concurrent calls are in flight
	 * before it fails.
	 */
	private Duration maxWait = Duration.ofSeconds(30);

	/**
	 * Largest response body read, all events of a stream together; a larger one fails the
	 * call without being held in memory.
	 */
	private DataSize maxResponseSize = DataSize.ofMegabytes(4);

	/**
	 * Idle time after which a pooled connection is checked before it is reused. Servers
	 * such as llama.cpp close idle keep-alive connections after a few seconds.
	 */
	private Duration validateAfterInactivity = Duration.ofSeconds(1);

	/**
	 * Whether a stream asks the server for token usage in its last chunk with
	 * "stream_options": {"include_usage": true}. Turn off for servers that reject the
	 * field (Mistral, Azure AI model inference and some gateways answer 400 or 422).
	 */
	private boolean streamUsage = true;

	/**
	 * Model embeddings requests ask for when they name none. When unset the request
	 * carries no model and the server chooses: servers that serve one model (vLLM,
	 * llama.cpp) accept that, OpenAI and Ollama need a model.
	 */
	private String embeddingModel;

	/**
	 * Texts sent in one embeddings request at most, between 1 and 2048 (the API's limit).
	 * More texts are sent as several requests, side by side, and their vectors put back
	 * in order.
	 */
	private int embeddingBatchSize = 256;

	/**
	 * How long closing the client (on application shutdown) lets calls in flight finish
	 * before it cancels them and closes the connection pool.
	 */
	private Duration shutdownTimeout = Duration.ofSeconds(30);

	private final WarmUp warmUp = new WarmUp();

	private final Retry retry = new Retry();

	private final Health health = new Health();

	private final Ssl ssl = new Ssl();

	private final Proxy proxy = new Proxy();

	private final Observations observations = new Observations();

	private final Adaptive adaptive = new Adaptive();

	private final RateLimit rateLimit = new RateLimit();

	/**
	 * Several servers for one client (replicas of a model, or the same model at several
	 * providers), in place of endpoint: each attempt of a call goes to one of them, and a
	 * call that fails on one is retried on another.
	 */
	private List<Endpoint> endpoints = new ArrayList<>();

	private final Routing routing = new Routing();

	private final Chat chat = new Chat();

	private final BatchJobs batchJobs = new BatchJobs();

	private final Cluster cluster = new Cluster();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public String getEndpoint() {
		return this.endpoint;
	}

	public void setEndpoint(String endpoint) {
		this.endpoint = endpoint;
	}

	public String getApiKey() {
		return this.apiKey;
	}

	public void setApiKey(String apiKey) {
		this.apiKey = apiKey;
	}

	public String getModel() {
		return this.model;
	}

	public void setModel(String model) {
		this.model = model;
	}

	public int getMaxConcurrent() {
		return this.maxConcurrent;
	}

	public void setMaxConcurrent(int maxConcurrent) {
		this.maxConcurrent = maxConcurrent;
	}

	public boolean isEagerInit() {
		return this.eagerInit;
	}

	public void setEagerInit(boolean eagerInit) {
		this.eagerInit = eagerInit;
	}

	public int getMaxLatencyRecords() {
		return this.maxLatencyRecords;
	}

	public void setMaxLatencyRecords(int maxLatencyRecords) {
		this.maxLatencyRecords = maxLatencyRecords;
	}

	public Duration getConnectTimeout() {
		return this.connectTimeout;
	}

	public void setConnectTimeout(Duration connectTimeout) {
		this.connectTimeout = connectTimeout;
	}

	public Duration getReadTimeout() {
		return this.readTimeout;
	}

	public void setReadTimeout(Duration readTimeout) {
		this.readTimeout = readTimeout;
	}

	public Duration getTimeout() {
		return this.timeout;
	}

	public void setTimeout(Duration timeout) {
		this.timeout = timeout;
	}

	public Duration getMaxWait() {
		return this.maxWait;
	}

	public void setMaxWait(Duration maxWait) {
		this.maxWait = maxWait;
	}

	public DataSize getMaxResponseSize() {
		return this.maxResponseSize;
	}

	public void setMaxResponseSize(DataSize maxResponseSize) {
		this.maxResponseSize = maxResponseSize;
	}

	public Duration getValidateAfterInactivity() {
		return this.validateAfterInactivity;
	}

	public void setValidateAfterInactivity(Duration validateAfterInactivity) {
		this.validateAfterInactivity = validateAfterInactivity;
	}

	public boolean isStreamUsage() {
		return this.streamUsage;
	}

	public void setStreamUsage(boolean streamUsage) {
		this.streamUsage = streamUsage;
	}

	public String getEmbeddingModel() {
		return this.embeddingModel;
	}

	public void setEmbeddingModel(String embeddingModel) {
		this.embeddingModel = embeddingModel;
	}

	public int getEmbeddingBatchSize() {
		return this.embeddingBatchSize;
	}

	public void setEmbeddingBatchSize(int embeddingBatchSize) {
		this.embeddingBatchSize = embeddingBatchSize;
	}

	public Retry getRetry() {
		return this.retry;
	}

	public Health getHealth() {
		return this.health;
	}

	public List<Endpoint> getEndpoints() {
		return this.endpoints;
	}

	public void setEndpoints(List<Endpoint> endpoints) {
		this.endpoints = endpoints;
	}

	public Routing getRouting() {
		return this.routing;
	}

	public Observations getObservations() {
		return this.observations;
	}

	public Adaptive getAdaptive() {
		return this.adaptive;
	}

	public RateLimit getRateLimit() {
		return this.rateLimit;
	}

	public Chat getChat() {
		return this.chat;
	}

	public BatchJobs getBatchJobs() {
		return this.batchJobs;
	}

	public Cluster getCluster() {
		return this.cluster;
	}

	public Duration getShutdownTimeout() {
		return this.shutdownTimeout;
	}

	public void setShutdownTimeout(Duration shutdownTimeout) {
		this.shutdownTimeout = shutdownTimeout;
	}

	public WarmUp getWarmUp() {
		return this.warmUp;
	}

	public Ssl getSsl() {
		return this.ssl;
	}

	public Proxy getProxy() {
		return this.proxy;
	}

	/**
	 * TLS of an https endpoint.
	 */
	public static class Ssl {

		/**
		 * Name of the SSL bundle (spring.ssl.bundle.*) whose trust material and client
		 * certificate the connections use: a private CA, mutual TLS. Unset means the
		 * JVM's default trust store.
		 */
		private String bundle;

		public String getBundle() {
			return this.bundle;
		}

		public void setBundle(String bundle) {
			this.bundle = bundle;
		}

	}

	/**
	 * HTTP proxy the client's connections go through.
	 */
	public static class Proxy {

		/**
		 * URL of the HTTP proxy, such as http://proxy.corp:3128, with optional
		 * credentials in its user-info (percent-encoded). Unset means the JVM's proxy
		 * settings (https.proxyHost, http.nonProxyHosts, ...) apply.
		 */
		private String url;

		/**
		 * User name sent to the proxy when it asks for credentials.
		 */
		private String username;

		/**
		 * Password sent to the proxy when it asks for credentials; never logged or shown.
		 */
		private String password;

		/**
		 * Hosts reached without the proxy, as in http.nonProxyHosts: names or addresses
		 * with * wildcards, such as localhost, *.corp.example or 10.*.
		 */
		private List<String> nonProxyHosts = new ArrayList<>();

		public String getUrl() {
			return this.url;
		}

		public void setUrl(String url) {
			this.url = url;
		}

		public String getUsername() {
			return this.username;
		}

		public void setUsername(String username) {
			this.username = username;
		}

		public String getPassword() {
			return this.password;
		}

		public void setPassword(String password) {
			this.password = password;
		}

		public List<String> getNonProxyHosts() {
			return this.nonProxyHosts;
		}

		public void setNonProxyHosts(List<String> nonProxyHosts) {
			this.nonProxyHosts = nonProxyHosts;
		}

	}

	/**
	 * Retries of failed calls.
	 */
	public static class Retry {

		/**
		 * Whether to retry failed calls: connection failures, 408, 409, 429, 5xx and
		 * answers carrying "x-should-retry: true"; never other 4xx.
		 */
		private boolean enabled = true;

		/**
		 * Maximum number of attempts per call, the first included.
		 */
		private int maxAttempts = 3;

		/**
		 * Wait before the first retry; it grows by the multiplier up to max-backoff.
		 */
		private Duration initialBackoff = Duration.ofMillis(500);

		/**
		 * Longest computed wait between attempts.
		 */
		private Duration maxBackoff = Duration.ofSeconds(8);

		/**
		 * Factor applied to the wait after each retry.
		 */
		private double multiplier = 2.0;

		/**
		 * Fraction of each wait drawn at random, from 0 to 1, so that clients failing
		 * together do not retry together.
		 */
		private double jitter = 0.25;

		/**
		 * Longest wait accepted from a server's Retry-After or retry-after-ms header; a
		 * longer one fails the call at once, with the server's wait in the message.
		 */
		private Duration maxRetryAfter = Duration.ofSeconds(60);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public int getMaxAttempts() {
			return this.maxAttempts;
		}

		public void setMaxAttempts(int maxAttempts) {
			this.maxAttempts = maxAttempts;
		}

		public Duration getInitialBackoff() {
			return this.initialBackoff;
		}

		public void setInitialBackoff(Duration initialBackoff) {
			this.initialBackoff = initialBackoff;
		}

		public Duration getMaxBackoff() {
			return this.maxBackoff;
		}

		public void setMaxBackoff(Duration maxBackoff) {
			this.maxBackoff = maxBackoff;
		}

		public double getMultiplier() {
			return this.multiplier;
		}

		public void setMultiplier(double multiplier) {
			this.multiplier = multiplier;
		}

		public double getJitter() {
			return this.jitter;
		}

		public void setJitter(double jitter) {
			this.jitter = jitter;
		}

		public Duration getMaxRetryAfter() {
			return this.maxRetryAfter;
		}

		public void setMaxRetryAfter(Duration maxRetryAfter) {
			this.maxRetryAfter = maxRetryAfter;
		}

	}

	/**
	 * What the spans of the client's calls carry of the conversation. Prompts and
	 * completions often hold personal or confidential data, which then reaches the
	 * tracing backend: off by default.
	 */
	public static class Observations {

		/**
		 * Whether each call's span carries the request's messages
		 * ("gen_ai.input.messages"). Sensitive: see the guide's "Tracing".
		 */
		private boolean includePrompt;

		/**
		 * Whether each call's span carries the answer ("gen_ai.output.messages").
		 * Sensitive: see the guide's "Tracing".
		 */
		private boolean includeCompletion;

		/**
		 * Characters the captured messages, and the captured answer, are each cut to.
		 */
		private int maxContentLength = 2048;

		public boolean isIncludePrompt() {
			return this.includePrompt;
		}

		public void setIncludePrompt(boolean includePrompt) {
			this.includePrompt = includePrompt;
		}

		public boolean isIncludeCompletion() {
			return this.includeCompletion;
		}

		public void setIncludeCompletion(boolean includeCompletion) {
			this.includeCompletion = includeCompletion;
		}

		public int getMaxContentLength() {
			return this.maxContentLength;
		}

		public void setMaxContentLength(int maxContentLength) {
			this.maxContentLength = maxContentLength;
		}

	}

	/**
	 * How chat requests are written and structured answers read.
	 */
	public static class Chat {

		/**
		 * Wire name of the token limit: "max-tokens" ("max_tokens", read by vLLM, Ollama,
		 * llama.cpp, LM Studio and OpenAI's non-reasoning models) or
		 * "max-completion-tokens" ("max_completion_tokens", required by OpenAI's
		 * reasoning models such as o3 and gpt-5).
		 */
		private TokenLimitField maxTokensField = TokenLimitField.MAX_TOKENS;

		/**
		 * Whether a structured answer that is not JSON or does not fit its record is
		 * asked for once more, with the error shown to the model (one more call).
		 */
		private boolean structuredOutputRepair;

		public TokenLimitField getMaxTokensField() {
			return this.maxTokensField;
		}

		public void setMaxTokensField(TokenLimitField maxTokensField) {
			this.maxTokensField = maxTokensField;
		}

		public boolean isStructuredOutputRepair() {
			return this.structuredOutputRepair;
		}

		public void setStructuredOutputRepair(boolean structuredOutputRepair) {
			this.structuredOutputRepair = structuredOutputRepair;
		}

	}

	/**
	 * How batch jobs (LlmBatchService.submit) run on the provider's Batch API (/files and
	 * /batches).
	 */
	public static class BatchJobs {

		/**
		 * Where batch jobs run: "auto" on the provider's Batch API, or through live calls
		 * when the server answers 404 on /files or /batches (vLLM, Ollama, llama.cpp);
		 * "provider" on the Batch API only (a server without it fails the submit); "live"
		 * always through live calls.
		 */
		private BatchJobSettings.Mode mode = BatchJobSettings.Mode.AUTO;

		/**
		 * First wait between two polls of a job's status; each later wait doubles, with
		 * jitter, up to max-poll-interval.
		 */
		private Duration pollInterval = Duration.ofSeconds(10);

		/**
		 * Longest wait between two polls of a job's status.
		 */
		private Duration maxPollInterval = Duration.ofMinutes(5);

		/**
		 * Whether the input, output and error files stay on the provider after a job's
		 * result was read; by default they are deleted.
		 */
		private boolean keepFiles;

		/**
		 * Time the provider has to answer a job, such as "24h" (the only window OpenAI
		 * takes).
		 */
		private String completionWindow = "24h";

		/**
		 * Most requests (texts, for embeddings) one provider batch holds; a larger job is
		 * split into several batches behind one id. At most 50000, OpenAI's limit.
		 */
		private int maxRequestsPerBatch = 50_000;

		/**
		 * Largest input file of one provider batch; a larger job is split into several
		 * batches behind one id. At most 200MB, OpenAI's limit.
		 */
		private DataSize maxBytesPerBatch = DataSize.ofMegabytes(200);

		public BatchJobSettings.Mode getMode() {
			return this.mode;
		}

		public void setMode(BatchJobSettings.Mode mode) {
			this.mode = mode;
		}

		public Duration getPollInterval() {
			return this.pollInterval;
		}

		public void setPollInterval(Duration pollInterval) {
			this.pollInterval = pollInterval;
		}

		public Duration getMaxPollInterval() {
			return this.maxPollInterval;
		}

		public void setMaxPollInterval(Duration maxPollInterval) {
			this.maxPollInterval = maxPollInterval;
		}

		public boolean isKeepFiles() {
			return this.keepFiles;
		}

		public void setKeepFiles(boolean keepFiles) {
			this.keepFiles = keepFiles;
		}

		public String getCompletionWindow() {
			return this.completionWindow;
		}

		public void setCompletionWindow(String completionWindow) {
			this.completionWindow = completionWindow;
		}

		public int getMaxRequestsPerBatch() {
			return this.maxRequestsPerBatch;
		}

		public void setMaxRequestsPerBatch(int maxRequestsPerBatch) {
			this.maxRequestsPerBatch = maxRequestsPerBatch;
		}

		public DataSize getMaxBytesPerBatch() {
			return this.maxBytesPerBatch;
		}

		public void setMaxBytesPerBatch(DataSize maxBytesPerBatch) {
			this.maxBytesPerBatch = maxBytesPerBatch;
		}

	}

	/**
	 * Health of the client as shown by the "llmClient" health component.
	 */
	public static class Health {

		/**
		 * Number of calls in a row that must fail for reasons on the server's side
		 * (connection failures, timeouts, 5xx) before health reports DOWN. Failures
		 * caused by the request, such as 400 or 401, never count.
		 */
		private int downAfterFailures = 5;

		private final Probe probe = new Probe();

		public int getDownAfterFailures() {
			return this.downAfterFailures;
		}

		public void setDownAfterFailures(int downAfterFailures) {
			this.downAfterFailures = downAfterFailures;
		}

		public Probe getProbe() {
			return this.probe;
		}

		/**
		 * Active check of the endpoint when health is computed.
		 */
		public static class Probe {

			/**
			 * Whether computing health sends "GET {endpoint}/models", which spends no
			 * tokens, to check that the endpoint answers. Any HTTP answer counts as
			 * reachable.
			 */
			private boolean enabled;

			/**
			 * How long a probe's verdict is reused before the next probe.
			 */
			private Duration ttl = Duration.ofSeconds(30);

			public boolean isEnabled() {
				return this.enabled;
			}

			public void setEnabled(boolean enabled) {
				this.enabled = enabled;
			}

			public Duration getTtl() {
				return this.ttl;
			}

			public void setTtl(Duration ttl) {
				this.ttl = ttl;
			}

		}

	}

	/**
	 * What eager initialisation ({@code llm.client.eager-init}) does at start-up.
	 */
	public static class WarmUp {

		/**
		 * Number of connections opened in parallel at start-up, at most max-concurrent.
		 * Defaults to 2, or max-concurrent when that is smaller.
		 */
		private Integer connections;

		/**
		 * How long warm-up may take; when no connection answered by then, the endpoint
		 * counts as unreachable.
		 */
		private Duration timeout = Duration.ofSeconds(10);

		/**
		 * Whether an endpoint that cannot be reached at start-up fails start-up instead
		 * of being logged as a warning (health then reports DOWN until a call succeeds).
		 */
		private boolean failFast;

		/**
		 * Number of 'GET {endpoint}/models' requests sent one after another once the
		 * connections are open, through the client's own HTTP stack, so that the first
		 * call runs compiled code. They cost no tokens, are not recorded in metrics,
		 * health or traces, and none starts after 1s of them. 0 (the default) sends none.
		 */
		private int requests;

		public Integer getConnections() {
			return this.connections;
		}

		public void setConnections(Integer connections) {
			this.connections = connections;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

		public boolean isFailFast() {
			return this.failFast;
		}

		public void setFailFast(boolean failFast) {
			this.failFast = failFast;
		}

		public int getRequests() {
			return this.requests;
		}

		public void setRequests(int requests) {
			this.requests = requests;
		}

	}

	/**
	 * Concurrency limit that adapts to what the server takes.
	 */
	public static class Adaptive {

		/**
		 * Whether the limit of calls in flight adapts to the server: it grows while the
		 * server answers and shrinks when it refuses (429, 503) or times out, between
		 * min-concurrent and max-concurrent. Otherwise it stays at max-concurrent.
		 */
		private boolean enabled;

		/**
		 * Lowest limit of calls in flight when adaptive, and where the limit starts.
		 */
		private int minConcurrent = 1;

		/**
		 * Factor applied to the adaptive limit each time the server refuses, from 0.5 to
		 * 1 exclusive.
		 */
		private double backoffRatio = 0.9;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public int getMinConcurrent() {
			return this.minConcurrent;
		}

		public void setMinConcurrent(int minConcurrent) {
			this.minConcurrent = minConcurrent;
		}

		public double getBackoffRatio() {
			return this.backoffRatio;
		}

		public void setBackoffRatio(double backoffRatio) {
			this.backoffRatio = backoffRatio;
		}

	}

	/**
	 * One of several servers ({@code llm.client.endpoints[i]}).
	 */
	public static class Endpoint {

		/**
		 * Base URL of the server's OpenAI-compatible API, such as
		 * http://10.0.0.7:8000/v1.
		 */
		private String url;

		/**
		 * API key of this server, sent as "Authorization: Bearer ..."; never logged or
		 * shown. Unset means llm.client.api-key.
		 */
		private String apiKey;

		/**
		 * Model asked of this server when a request names none. Unset means
		 * llm.client.model.
		 */
		private String model;

		/**
		 * Share of calls under round-robin routing: an endpoint of weight 2 takes twice
		 * the calls of one of weight 1.
		 */
		private int weight = 1;

		/**
		 * Maximum number of calls in flight on this server, within the client-wide
		 * max-concurrent. Unset means only the client-wide limit applies.
		 */
		private Integer maxConcurrent;

		/**
		 * Budgets of this server's own, within the client-wide ones.
		 */
		private final RateLimit rateLimit = new RateLimit();

		public String getUrl() {
			return this.url;
		}

		public void setUrl(String url) {
			this.url = url;
		}

		public String getApiKey() {
			return this.apiKey;
		}

		public void setApiKey(String apiKey) {
			this.apiKey = apiKey;
		}

		public String getModel() {
			return this.model;
		}

		public void setModel(String model) {
			this.model = model;
		}

		public int getWeight() {
			return this.weight;
		}

		public void setWeight(int weight) {
			this.weight = weight;
		}

		public Integer getMaxConcurrent() {
			return this.maxConcurrent;
		}

		public void setMaxConcurrent(Integer maxConcurrent) {
			this.maxConcurrent = maxConcurrent;
		}

		public RateLimit getRateLimit() {
			return this.rateLimit;
		}

		/**
		 * Budgets of one server's own ({@code llm.client.endpoints[i].rate-limit}), such
		 * as the limits of the API key it is called with: when one has no room, calls go
		 * to another endpoint.
		 */
		public static class RateLimit {

			/**
			 * Requests this server takes per minute. Unset for no budget of its own.
			 */
			private Long requestsPerMinute;

			/**
			 * Tokens (prompt and completion) this server takes per minute. Unset for no
			 * budget of its own.
			 */
			private Long tokensPerMinute;

			public Long getRequestsPerMinute() {
				return this.requestsPerMinute;
			}

			public void setRequestsPerMinute(Long requestsPerMinute) {
				this.requestsPerMinute = requestsPerMinute;
			}

			public Long getTokensPerMinute() {
				return this.tokensPerMinute;
			}

			public void setTokensPerMinute(Long tokensPerMinute) {
				this.tokensPerMinute = tokensPerMinute;
			}

		}

	}

	/**
	 * Budgets of requests and tokens per minute, as a provider grants them.
	 */
	public static class RateLimit {

		/**
		 * Requests allowed per minute; calls beyond it wait (within max-wait) instead of
		 * being sent to be refused. Unset for no budget.
		 */
		private Long requestsPerMinute;

		/**
		 * Tokens allowed per minute, reserved per call from an estimate (prompt
		 * characters / 4 plus max_tokens) and settled with the usage the server reports.
		 * Unset for no budget.
		 */
		private Long tokensPerMinute;

		/**
		 * Output tokens reserved for a request that sets no max_tokens.
		 */
		private int estimatedOutputTokens = 1024;

		public Long getRequestsPerMinute() {
			return this.requestsPerMinute;
		}

		public void setRequestsPerMinute(Long requestsPerMinute) {
			this.requestsPerMinute = requestsPerMinute;
		}

		public Long getTokensPerMinute() {
			return this.tokensPerMinute;
		}

		public void setTokensPerMinute(Long tokensPerMinute) {
			this.tokensPerMinute = tokensPerMinute;
		}

		public int getEstimatedOutputTokens() {
			return this.estimatedOutputTokens;
		}

		public void setEstimatedOutputTokens(int estimatedOutputTokens) {
			this.estimatedOutputTokens = estimatedOutputTokens;
		}

	}

	/**
	 * How calls are spread over several endpoints ({@code llm.client.routing}).
	 */
	public static class Routing {

		/**
		 * How an endpoint is picked for each attempt: least-busy (fewest calls in flight
		 * relative to its max-concurrent), round-robin (in turn, by weight) or
		 * lowest-latency (fastest recent attempts, near-equal ones sharing the load).
		 */
		private RoutingSettings.Strategy strategy = RoutingSettings.Strategy.LEAST_BUSY;

		/**
		 * How long an endpoint that fails repeatedly, or answers 429, 401 or 403, gets no
		 * calls; the server's Retry-After wins when longer. Then one trial call decides
		 * whether it takes full traffic again.
		 */
		private Duration cooldown = Duration.ofSeconds(5);

		/**
		 * How much slower than the fastest endpoint another may be, as a fraction, and
		 * still share the load under lowest-latency routing.
		 */
		private double latencyTolerance = 0.2;

		/**
		 * Number of attempts in a row that must fail on an endpoint (no connection,
		 * timeouts, 5xx, 408, 429) before it cools down. It also cools down when more
		 * than half of its last 10 attempts (at least 6) failed.
		 */
		private int cooldownAfterFailures = 3;

		public RoutingSettings.Strategy getStrategy() {
			return this.strategy;
		}

		public void setStrategy(RoutingSettings.Strategy strategy) {
			this.strategy = strategy;
		}

		public Duration getCooldown() {
			return this.cooldown;
		}

		public void setCooldown(Duration cooldown) {
			this.cooldown = cooldown;
		}

		public double getLatencyTolerance() {
			return this.latencyTolerance;
		}

		public void setLatencyTolerance(double latencyTolerance) {
			this.latencyTolerance = latencyTolerance;
		}

		public int getCooldownAfterFailures() {
			return this.cooldownAfterFailures;
		}

		public void setCooldownAfterFailures(int cooldownAfterFailures) {
			this.cooldownAfterFailures = cooldownAfterFailures;
		}

	}

	/**
	 * Limits shared by every instance of the application through Redis.
	 */
	public static class Cluster {

		/**
		 * Whether calls also keep to limits shared by every instance through Redis.
		 */
		private boolean enabled;

		/**
		 * Name the instances share their limits under. Unset to derive it from the
		 * endpoint and model, so that two providers never share a budget.
		 */
		private String key;

		/**
		 * Calls in flight across all instances. Unset for no cluster-wide concurrency
		 * limit.
		 */
		private Integer maxConcurrent;

		/**
		 * How long a permit outlives an instance that stopped renewing it, such as one
		 * that crashed. Permits are renewed every third of it while their calls run.
		 */
		private Duration leaseTtl = Duration.ofSeconds(15);

		/**
		 * Longest wait for one Redis command before Redis counts as unavailable.
		 */
		private Duration commandTimeout = Duration.ofMillis(500);

		/**
		 * What calls do while Redis cannot be reached: keep to each instance's own
		 * limits, or fail at once.
		 */
		private ClusterSettings.OnRedisFailure onRedisFailure = ClusterSettings.OnRedisFailure.LOCAL;

		/**
		 * Requests per minute across all instances. Unset for no cluster-wide budget.
		 */
		private Long requestsPerMinute;

		/**
		 * Tokens per minute across all instances. Unset for no cluster-wide budget.
		 */
		private Long tokensPerMinute;

		private final Redis redis = new Redis();

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public String getKey() {
			return this.key;
		}

		public void setKey(String key) {
			this.key = key;
		}

		public Integer getMaxConcurrent() {
			return this.maxConcurrent;
		}

		public void setMaxConcurrent(Integer maxConcurrent) {
			this.maxConcurrent = maxConcurrent;
		}

		public Duration getLeaseTtl() {
			return this.leaseTtl;
		}

		public void setLeaseTtl(Duration leaseTtl) {
			this.leaseTtl = leaseTtl;
		}

		public Duration getCommandTimeout() {
			return this.commandTimeout;
		}

		public void setCommandTimeout(Duration commandTimeout) {
			this.commandTimeout = commandTimeout;
		}

		public ClusterSettings.OnRedisFailure getOnRedisFailure() {
			return this.onRedisFailure;
		}

		public void setOnRedisFailure(ClusterSettings.OnRedisFailure onRedisFailure) {
			this.onRedisFailure = onRedisFailure;
		}

		public Long getRequestsPerMinute() {
			return this.requestsPerMinute;
		}

		public void setRequestsPerMinute(Long requestsPerMinute) {
			this.requestsPerMinute = requestsPerMinute;
		}

		public Long getTokensPerMinute() {
			return this.tokensPerMinute;
		}

		public void setTokensPerMinute(Long tokensPerMinute) {
			this.tokensPerMinute = tokensPerMinute;
		}

		public Redis getRedis() {
			return this.redis;
		}

		/**
		 * The Redis the limits live in, when not the application's own.
		 */
		public static class Redis {

			/**
			 * Redis URL, such as redis://redis.internal:6379, for a connection of the
			 * client's own. Unset to use the application's Redis (spring.data.redis.*).
			 */
			private String url;

			public String getUrl() {
				return this.url;
			}

			public void setUrl(String url) {
				this.url = url;
			}

		}

	}

}
