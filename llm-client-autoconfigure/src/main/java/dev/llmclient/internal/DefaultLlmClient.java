package dev.llmclient.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.core.JacksonException;

import org.springframework.http.MediaType;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClient.RequestHeadersSpec.ExchangeFunction;
import org.springframework.web.client.RestClientException;

import dev.llmclient.ChatChunk;
import dev.llmclient.ChatRequest;
import dev.llmclient.ChatResponse;
import dev.llmclient.LlmBulkheadFullException;
import dev.llmclient.LlmClient;
import dev.llmclient.LlmClientException;
import dev.llmclient.LlmClientHealth;
import dev.llmclient.LlmClientSettings;
import dev.llmclient.LlmConnectionException;
import dev.llmclient.LlmHttpException;
import dev.llmclient.LlmMalformedResponseException;
import dev.llmclient.Usage;

/**
 * The client: validates a request, takes a bulkhead permit, posts it through the pooled
 * {@link RestClient} (retrying what may be retried within the call's deadline), maps the
 * answer or the failure, records the call and releases the permit.
 */
public final class DefaultLlmClient implements LlmClient {

	/**
	 * Asks the server to report usage in the last chunk of a stream, as OpenAI, vLLM and
	 * llama.cpp do.
	 */
	private static final Map<String, Object> STREAM_OPTIONS = Map.of("include_usage", true);

	private final LlmClientSettings settings;

	private final HttpTransport transport;

	private final Bulkhead bulkhead;

	private final CallMetrics metrics;

	private final CallRecorder recorder;

	/** Only exists when {@code health.probe.enabled} is set. */
	private final HealthProbe probe;

	private final Failures failures;

	private final ExecutorService asyncExecutor;

	private final Retrier retrier;

	/**
	 * Aborts attempts that outlive the call's deadline; only exists when {@code timeout}
	 * is set.
	 */
	private final ScheduledExecutorService deadlineTimer;

	private final CallGate gate;

	private DefaultLlmClient(LlmClientSettings settings, RestClient.Builder restClientBuilder,
			MeterRegistry meterRegistry, LongSupplier nanoClock) {
		this.settings = settings;
		this.transport = new HttpTransport(settings, restClientBuilder);
		this.bulkhead = new Bulkhead(settings);
		this.metrics = (meterRegistry != null)
				? MicrometerCallMetrics.create(settings, meterRegistry, this.transport, this.bulkhead)
				: CallMetrics.NONE;
		this.recorder = new CallRecorder(new LatencyWindow(settings.health().maxLatencyRecords()), this.metrics,
				settings.health().downAfterFailures());
		this.probe = settings.health().probeEnabled()
				? new HealthProbe(settings, settings.health().probeTtl(), this.transport, this.recorder, nanoClock)
				: null;
		this.retrier = new Retrier(settings, this.metrics);
		this.deadlineTimer = (settings.limits().timeout() != null) ? deadlineTimer() : null;
		this.failures = new Failures(settings);
		this.asyncExecutor = CallExecutors.create("llm-client-async", settings.limits().maxConcurrent());
		this.gate = new CallGate(settings);
	}

	/**
	 * Creates a client.
	 * @param settings validated settings
	 * @param restClientBuilder the builder to start from (Spring Boot's, so its
	 * customizers and observation apply), or {@code null} for a plain one
	 * @param meterRegistry where metrics go, or {@code null} for none
	 * @return the client
	 */
	public static DefaultLlmClient create(LlmClientSettings settings, RestClient.Builder restClientBuilder,
			MeterRegistry meterRegistry) {
		return create(settings, restClientBuilder, meterRegistry, System::nanoTime);
	}

	/**
	 * Creates a client whose health probe reads time from the given clock, so tests let
	 * its TTL pass without sleeping.
	 * @param settings validated settings
	 * @param restClientBuilder the builder to start from, or {@code null} for a plain one
	 * @param meterRegistry where metrics go, or {@code null} for none
	 * @param nanoClock a monotonic time source in nanoseconds, as
	 * {@link System#nanoTime()}
	 * @return the client
	 */
	static DefaultLlmClient create(LlmClientSettings settings, RestClient.Builder restClientBuilder,
			MeterRegistry meterRegistry, LongSupplier nanoClock) {
		return new DefaultLlmClient(Objects.requireNonNull(settings, "settings"), restClientBuilder, meterRegistry,
				nanoClock);
	}

	/**
	 * Returns the settings this client was built with.
	 * @return the settings
	 */
	public LlmClientSettings settings() {
		return this.settings;
	}

	@Override
	public String name() {
		return this.settings.name();
	}

	@Override
	public int maxConcurrent() {
		return this.settings.limits().maxConcurrent();
	}

	@Override
	public ChatResponse chat(ChatRequest request) {
		Objects.requireNonNull(request, "request must not be null");
		try (Admission call = admit(request, false)) {
			try {
				ChatResponse response = this.retrier.call(call.deadline,
						() -> attempt(call.deadline, () -> post(call.body, call.model, call.start)));
				this.recorder.success(call.model, response.latency().toNanos(), response.usage());
				return response;
			}
			catch (RuntimeException ex) {
				if (AsyncCall.currentIsCancelled()) {
					this.recorder.cancelled(call.model, System.nanoTime() - call.start);
					throw ex;
				}
				RuntimeException failure = this.gate.explain(ex);
				if (failure instanceof LlmClientException llmFailure) {
					this.recorder.failure(call.model, System.nanoTime() - call.start, llmFailure);
				}
				throw failure;
			}
		}
	}

	@Override
	public String generate(String prompt) {
		return chat(ChatRequest.of(prompt)).content();
	}

	@Override
	public CompletableFuture<ChatResponse> chatAsync(ChatRequest request) {
		Objects.requireNonNull(request, "request must not be null");
		ensureOpen();
		try {
			AsyncCall call = new AsyncCall(() -> chat(request));
			this.asyncExecutor.execute(call);
			return call;
		}
		catch (RejectedExecutionException ex) {
			throw closed();
		}
	}

	/**
	 * Streams the answer; the call holds its bulkhead permit until the stream has ended.
	 * Only failures before the stream starts (an error status, no connection) are
	 * retried: once a chunk may have reached the consumer, a retry could show it twice.
	 */
	@Override
	public ChatResponse stream(ChatRequest request, Consumer<ChatChunk> onChunk) {
		Objects.requireNonNull(request, "request must not be null");
		Objects.requireNonNull(onChunk, "onChunk must not be null");
		try (Admission call = admit(request, true)) {
			ChatStream stream = new ChatStream(this.settings, this.failures, onChunk, call.model, call.start);
			try {
				ChatResponse response = this.retrier.call(call.deadline,
						() -> attempt(call.deadline, () -> postStream(call.body, call.model, call.start, stream)));
				this.recorder.success(call.model, response.latency().toNanos(), response.usage());
				this.recorder.firstChunk(call.model, stream.firstChunkNanos(), null);
				return response;
			}
			catch (ChatStream.ConsumerFailure ex) {
				LlmClientException stopped = new LlmClientException(
						"Stream stopped by its consumer, which threw " + ex.getCause().getClass().getName(),
						ex.getCause());
				this.recorder.failure(call.model, System.nanoTime() - call.start, stopped);
				this.recorder.firstChunk(call.model, stream.firstChunkNanos(), stopped);
				throw ex.rethrow();
			}
			catch (LlmClientException ex) {
				LlmClientException failure = this.gate.isCutOff() ? this.gate.cutOff(ex) : withStreamUsageHint(ex);
				this.recorder.failure(call.model, System.nanoTime() - call.start, failure);
				this.recorder.firstChunk(call.model, stream.firstChunkNanos(), failure);
				throw failure;
			}
			catch (RuntimeException ex) {
				throw this.gate.explain(ex);
			}
		}
	}

	/**
	 * A stream refused because the server rejects {@code stream_options} says which
	 * setting to turn off.
	 */
	private LlmClientException withStreamUsageHint(LlmClientException failure) {
		if (this.settings.streamUsage() && failure instanceof LlmHttpException http
				&& (http.statusCode() == 400 || http.statusCode() == 422)
				&& http.getMessage().contains("stream_options")) {
			return http.withNote("the server does not accept stream_options: set "
					+ this.settings.property("stream-usage") + "=false (its streams then end without token usage)");
		}
		return failure;
	}

	/**
	 * Lets a call in: checks it and encodes its body before anything else, then takes a
	 * bulkhead permit and a place in the gate, both given back when the returned
	 * admission is closed.
	 */
	private Admission admit(ChatRequest request, boolean stream) {
		ensureOpen();
		String model = (request.model() != null) ? request.model() : this.settings.model();
		byte[] body = encode(request, model, stream);
		Deadline deadline = Deadline.after(this.settings.limits().timeout());
		acquirePermit(deadline, model);
		if (!this.gate.enter()) {
			this.bulkhead.release();
			throw closed();
		}
		return new Admission(model, body, deadline, System.nanoTime());
	}

	/** A call let in: its model, encoded body, deadline and start time. */
	private final class Admission implements AutoCloseable {

		private final String model;

		private final byte[] body;

		private final Deadline deadline;

		private final long start;

		private Admission(String model, byte[] body, Deadline deadline, long start) {
			this.model = model;
			this.body = body;
			this.deadline = deadline;
			this.start = start;
		}

		@Override
		public void close() {
			DefaultLlmClient.this.gate.exit();
			DefaultLlmClient.this.bulkhead.release();
		}

	}

	@Override
	public LlmClientHealth health() {
		if (this.probe != null) {
			this.probe.refresh();
		}
		return this.recorder.health(this.settings.displayEndpoint(), this.settings.model(), this.transport.poolStats(),
				this.bulkhead.stats());
	}

	/**
	 * Opens the warm-up connections and exercises the call path, as eager initialisation
	 * does (see {@link ConnectionWarmer}); logs what happened.
	 * @throws LlmConnectionException when the endpoint cannot be reached and
	 * {@code warm-up.fail-fast} is set
	 */
	public void warmUp() {
		ensureOpen();
		new ConnectionWarmer(this.settings, this.transport, this.recorder).warmUp(this::warmCodePath);
	}

	/**
	 * Runs one call in memory against a canned answer, through the same request building,
	 * body writing, reading and parsing as a real call, so the first real call finds its
	 * classes loaded and linked. Nothing reaches the server and nothing is recorded.
	 */
	private void warmCodePath() {
		RestClient inMemory = RestClient.builder()
			.requestFactory(new CannedRequestFactory(ConnectionWarmer.CANNED_COMPLETION))
			.build();
		String model = (this.settings.model() != null) ? this.settings.model() : "warm-up";
		long start = System.nanoTime();
		send(inMemory, encode(ChatRequest.of("warm-up"), model, false), MediaType.APPLICATION_JSON,
				(request, response) -> read(response, model, start));
	}

	/**
	 * Stops taking calls, lets calls in flight finish within {@code shutdown-timeout},
	 * then closes the pool; calls still running then fail saying the client was closed.
	 */
	@Override
	public void close() {
		this.gate.close(this.asyncExecutor::shutdown, this::release);
	}

	/** After the drain: calls in flight still need the deadline timer until then. */
	private void release() {
		if (this.deadlineTimer != null) {
			this.deadlineTimer.shutdownNow();
		}
		this.transport.close();
		this.metrics.close();
	}

	@Override
	public String toString() {
		return "DefaultLlmClient[" + this.settings.displayEndpoint() + "]";
	}

	private void ensureOpen() {
		if (!this.gate.isOpen()) {
			throw closed();
		}
	}

	/**
	 * Takes a bulkhead permit; a call refused one is recorded (as failed, with its wait)
	 * and fails.
	 */
	private void acquirePermit(Deadline deadline, String model) {
		long queued = System.nanoTime();
		try {
			this.bulkhead.acquire(deadline.cap(this.bulkhead.maxWait()));
		}
		catch (LlmClientException ex) {
			if (AsyncCall.currentIsCancelled()) {
				this.recorder.cancelled(model, System.nanoTime() - queued);
				throw ex;
			}
			LlmClientException failure = (ex instanceof LlmBulkheadFullException && deadline.expired())
					? deadline.exceeded(this.settings, ex) : ex;
			this.recorder.rejected(model, System.nanoTime() - queued, failure);
			throw failure;
		}
	}

	/**
	 * Runs one attempt so that it can be aborted from another thread when the call has a
	 * deadline or is an async call its caller may cancel; a plain blocking call without a
	 * deadline needs neither.
	 */
	private ChatResponse attempt(Deadline deadline, Supplier<ChatResponse> send) {
		AsyncCall async = AsyncCall.current();
		if (!deadline.isSet() && async == null) {
			return send.get();
		}
		if (deadline.expired()) {
			throw deadline.exceeded(this.settings, null);
		}
		try (CancellableAttempt attempt = deadline.isSet()
				? CancellableAttempt.withDeadline(this.deadlineTimer, deadline.remaining().toNanos())
				: CancellableAttempt.withoutDeadline()) {
			if (async != null) {
				async.track(attempt);
			}
			try {
				return send.get();
			}
			catch (LlmClientException ex) {
				if (attempt.deadlinePassed()) {
					throw deadline.exceeded(this.settings, ex);
				}
				throw ex;
			}
			finally {
				if (async != null) {
					async.untrack(attempt);
				}
			}
		}
	}

	private static ScheduledExecutorService deadlineTimer() {
		ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, (runnable) -> {
			Thread thread = new Thread(runnable, "llm-client-deadline");
			thread.setDaemon(true);
			return thread;
		});
		timer.setRemoveOnCancelPolicy(true);
		return timer;
	}

	private IllegalStateException closed() {
		return new IllegalStateException("LLM client for " + this.settings.displayEndpoint()
				+ " is closed: calls are refused once close() has been called or the application is shutting down");
	}

	private byte[] encode(ChatRequest request, String model, boolean stream) {
		Map<String, Object> body = new LinkedHashMap<>();
		if (model != null) {
			body.put("model", model);
		}
		body.put("messages", request.messages());
		putIfSet(body, "temperature", request.temperature());
		putIfSet(body, "max_tokens", request.maxTokens());
		putIfSet(body, "top_p", request.topP());
		putIfSet(body, "stop", request.stop());
		if (stream) {
			body.put("stream", true);
		}
		else if (request.extra().containsKey("stream")) {
			throw new IllegalArgumentException("ChatRequest.extra must not set 'stream' for chat(): call "
					+ "LlmClient.stream(...) for a streamed answer");
		}
		request.extra().forEach(body::putIfAbsent);
		if (stream && this.settings.streamUsage()) {
			body.putIfAbsent("stream_options", STREAM_OPTIONS);
		}
		try {
			return WireFormat.MAPPER.writeValueAsBytes(body);
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException(
					"ChatRequest.extra holds a value that cannot be written as JSON: " + ex.getOriginalMessage(), ex);
		}
	}

	private static void putIfSet(Map<String, Object> body, String name, Object value) {
		if (value != null) {
			body.put(name, value);
		}
	}

	private ChatResponse post(byte[] body, String model, long start) {
		return send(this.transport.restClient(), body, MediaType.APPLICATION_JSON,
				(request, response) -> read(response, model, start));
	}

	/**
	 * Reads an event stream; an error status, or a server that answers in one piece, goes
	 * through {@link #read}.
	 */
	private ChatResponse postStream(byte[] body, String model, long start, ChatStream stream) {
		return send(this.transport.restClient(), body, MediaType.TEXT_EVENT_STREAM, (request, response) -> {
			MediaType type = response.getHeaders().getContentType();
			if (response.getStatusCode().is2xxSuccessful()
					&& (type == null || MediaType.TEXT_EVENT_STREAM.isCompatibleWith(type))) {
				return stream.read(response.getBody());
			}
			return stream.deliverWhole(read(response, model, start));
		});
	}

	private ChatResponse send(RestClient restClient, byte[] body, MediaType accept,
			ExchangeFunction<ChatResponse> exchange) {
		try {
			return restClient.post()
				.uri(this.transport.chatCompletionsUri())
				.contentType(MediaType.APPLICATION_JSON)
				.accept(accept)
				.body(body)
				.exchange(exchange, true);
		}
		catch (ResourceAccessException ex) {
			throw (ex.getCause() instanceof IOException io) ? this.failures.fromIo(io)
					: new LlmConnectionException(this.failures.scrub(ex.getMessage()), ex);
		}
		catch (RestClientException ex) {
			throw new LlmClientException(
					"Call to " + this.settings.displayEndpoint() + " failed: " + this.failures.scrub(ex.getMessage()),
					ex);
		}
	}

	private ChatResponse read(ClientHttpResponse response, String model, long start) throws IOException {
		int status = response.getStatusCode().value();
		byte[] body = BoundedBody.read(response.getBody(), this.settings.connection().maxResponseSize());
		if (body == null) {
			throw new LlmMalformedResponseException("LLM server at " + this.settings.displayEndpoint()
					+ " sent a body larger than " + this.settings.property("max-response-size") + "="
					+ this.settings.connection().maxResponseSize() + " bytes; the rest was not read. Raise "
					+ this.settings.property("max-response-size") + " or lower max_tokens.", null);
		}
		if (status >= 400) {
			throw this.failures.fromStatus(status, response.getHeaders(), body);
		}
		if (status < 200 || status >= 300) {
			throw new LlmMalformedResponseException(
					"LLM server at " + this.settings.displayEndpoint() + " answered HTTP " + status
							+ " instead of a chat completion. Check " + this.settings.property("endpoint") + ".",
					null);
		}
		return parse(body, response.getHeaders().getContentType(), model, start);
	}

	private ChatResponse parse(byte[] body, MediaType contentType, String model, long start) {
		if (body.length == 0) {
			throw malformed("an empty body", null);
		}
		WireFormat.CompletionResponse completion;
		try {
			completion = WireFormat.MAPPER.readValue(body, WireFormat.CompletionResponse.class);
		}
		catch (JacksonException ex) {
			String kind = (contentType != null) ? contentType.toString() : "no content type";
			throw malformed("a body that is not a chat completion (" + kind + "): " + this.failures.snippet(body), ex);
		}
		if (completion == null) {
			throw malformed("JSON null", null);
		}
		List<WireFormat.Choice> choices = completion.choices();
		if (choices == null || choices.isEmpty()) {
			throw malformed("a chat completion without choices: " + this.failures.snippet(body), null);
		}
		WireFormat.Choice choice = choices.get(0);
		if (choice == null || choice.message() == null) {
			throw malformed("a choice without a message: " + this.failures.snippet(body), null);
		}
		String content = (choice.message().content() != null) ? choice.message().content() : "";
		Duration latency = Duration.ofNanos(System.nanoTime() - start);
		String answeredModel = (completion.model() != null) ? completion.model() : model;
		return new ChatResponse(completion.id(), answeredModel, content, choice.finishReason(),
				usage(completion.usage()), latency);
	}

	private LlmMalformedResponseException malformed(String what, Throwable cause) {
		return new LlmMalformedResponseException(
				"LLM server at " + this.settings.displayEndpoint() + " answered 2xx with " + what, cause);
	}

	static Usage usage(WireFormat.UsageBody body) {
		if (body == null || (body.promptTokens() == null && body.completionTokens() == null)) {
			return null;
		}
		int input = (body.promptTokens() != null) ? body.promptTokens() : 0;
		int output = (body.completionTokens() != null) ? body.completionTokens() : 0;
		int total = (body.totalTokens() != null) ? body.totalTokens() : input + output;
		return new Usage(input, output, total);
	}

}
