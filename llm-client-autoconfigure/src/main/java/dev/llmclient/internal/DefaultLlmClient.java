package dev.llmclient.internal;

import java.io.IOException;
import java.time.Clock;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.http.MediaType;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClient.RequestHeadersSpec.ExchangeFunction;
import org.springframework.web.client.RestClientException;

import dev.llmclient.ChatChunk;
import dev.llmclient.ChatMessage;
import dev.llmclient.ContentPart;
import dev.llmclient.ChatRequest;
import dev.llmclient.ChatResponse;
import dev.llmclient.EmbeddingRequest;
import dev.llmclient.EmbeddingResponse;
import dev.llmclient.LlmBulkheadFullException;
import dev.llmclient.LlmClient;
import dev.llmclient.LlmClientBuilder;
import dev.llmclient.LlmClientException;
import dev.llmclient.LlmClientHealth;
import dev.llmclient.LlmClientSettings;
import dev.llmclient.EndpointSettings;
import dev.llmclient.LlmConnectionException;
import dev.llmclient.LlmHttpException;
import dev.llmclient.Usage;
import dev.llmclient.LlmStructuredOutputException;
import dev.llmclient.observation.LlmObservationContext;
import dev.llmclient.observation.LlmObservationConvention;
import dev.llmclient.traffic.ConcurrencyLimiter;
import dev.llmclient.traffic.RateBudget;

/**
 * The client. Every call goes admission → attempt(s) → record: admission checks and
 * encodes the request and takes a bulkhead permit and a place in the gate, giving a
 * {@link Call}; the attempts post it through the pooled {@link RestClient}, retrying what
 * may be retried within the call's deadline; the record counts and times how it ended,
 * once, in one place for chat, stream and embeddings; closing the call releases what
 * admission took. An {@code embed} call of many texts is several such calls, one per
 * slice of {@code embedding-batch-size} texts (see {@link EmbeddingSlices}). An
 * observation ({@code gen_ai.client.operation}) spans the whole call, admission included,
 * and is current on the thread while the attempts run, so each attempt's
 * {@code RestClient} observation is its child.
 * <p>
 * With several endpoints, each has its own transport, recorder and metrics, and a
 * {@link Router} sends each attempt to one of them; the admission, the retries and the
 * record of a call stay the same, so a client of one endpoint has no router at all.
 */
public final class DefaultLlmClient implements LlmClient {

	private final LlmClientSettings settings;

	private final HttpTransport transport;

	private final Bulkhead bulkhead;

	/** Bulkhead, budgets and the server's pacing: every call's way in. */
	private final Admission admission;

	private final ServerPacing pacing;

	/** {@code null} without a request budget. */
	private final RateBudget requestBudget;

	/** {@code null} without a token budget. */
	private final RateBudget tokenBudget;

	private final CallMetrics metrics;

	private final CallRecorder recorder;

	private final CallObservations observations;

	/**
	 * Real calls: the pooled RestClient, recorded in this client's health and metrics.
	 */
	private final Route route;

	/** Only exists when {@code health.probe.enabled} is set. */
	private final HealthProbe probe;

	private final Failures failures;

	private final ChatCodec codec;

	private final EmbeddingCodec embeddingCodec;

	private final ExecutorService asyncExecutor;

	/** Only exists when async calls can queue for a thread (Java 17). */
	private final QueuedAsyncCalls asyncQueue;

	private final Retrier retrier;

	/**
	 * Aborts attempts that outlive the call's deadline; only exists when {@code timeout}
	 * is set.
	 */
	private final ScheduledExecutorService deadlineTimer;

	private final CallGate gate;

	/** Only exists with several endpoints. */
	private final Router router;

	/** Only exist with several endpoints: their probes, when probing is on. */
	private final List<HealthProbe> endpointProbes;

	private DefaultLlmClient(LlmClientSettings settings, RestClient.Builder restClientBuilder,
			MeterRegistry meterRegistry, ObservationRegistry observationRegistry,
			LlmObservationConvention observationConvention, LongSupplier nanoClock, Traffic traffic) {
		this.settings = settings;
		RestClient.Builder observedBuilder = observed(restClientBuilder, observationRegistry);
		List<LlmClientSettings> targets = settings.perEndpoint();
		this.transport = new HttpTransport(targets.get(0), observedBuilder);
		this.bulkhead = new Bulkhead(settings, Objects.requireNonNull(
				traffic.concurrencyLimiter().apply(Bulkhead.limiter(settings)), "concurrencyLimiter returned null"));
		this.requestBudget = traffic.requestBudget().apply(budget(settings.rateLimit().requestsPerMinute()));
		this.tokenBudget = traffic.tokenBudget().apply(budget(settings.rateLimit().tokensPerMinute()));
		this.failures = new Failures(settings);
		this.pacing = new ServerPacing(Clock.systemUTC(), settings.retry().maxRetryAfter());
		if (targets.size() == 1) {
			this.metrics = (meterRegistry != null)
					? MicrometerCallMetrics.create(targets.get(0), meterRegistry, this.transport, this.bulkhead)
					: CallMetrics.NONE;
			this.recorder = new CallRecorder(new LatencyWindow(settings.health().maxLatencyRecords()), this.metrics,
					settings.health().downAfterFailures());
			this.observations = CallObservations.create(targets.get(0), observationRegistry, observationConvention);
			this.admission = admission(settings);
			this.route = new Route(this.transport.restClient(), this.recorder, this.observations, this.transport,
					this.admission, this.failures);
			this.probe = settings.health().probeEnabled()
					? new HealthProbe(settings, settings.health().probeTtl(), this.transport, this.recorder, nanoClock)
					: null;
			this.router = null;
			this.endpointProbes = List.of();
		}
		else {
			this.metrics = (meterRegistry != null)
					? MicrometerCallMetrics.createRouted(settings, meterRegistry, this.bulkhead) : CallMetrics.NONE;
			LatencyWindow clientWindow = new LatencyWindow(settings.health().maxLatencyRecords());
			this.recorder = new CallRecorder(clientWindow, this.metrics, settings.health().downAfterFailures());
			this.observations = CallObservations.create(targets.get(0), observationRegistry, observationConvention);
			this.admission = admission(settings);
			List<RoutedEndpoint> endpoints = new ArrayList<>(targets.size());
			List<HealthProbe> probes = new ArrayList<>();
			for (int i = 0; i < targets.size(); i++) {
				LlmClientSettings target = targets.get(i);
				HttpTransport endpointTransport = (i == 0) ? this.transport
						: new HttpTransport(target, observedBuilder);
				CallMetrics endpointMetrics = (meterRegistry != null)
						? MicrometerCallMetrics.createEndpoint(target, meterRegistry, endpointTransport)
						: CallMetrics.NONE;
				CallRecorder endpointRecorder = new CallRecorder(
						new LatencyWindow(settings.health().maxLatencyRecords()), clientWindow, endpointMetrics,
						settings.health().downAfterFailures());
				EndpointSettings endpoint = settings.endpoints().get(i);
				// messages name the setting that holds the key this endpoint sends
				String apiKeyPath = (endpoint.apiKey() != null) ? "endpoints[" + i + "].api-key" : "api-key";
				Route endpointRoute = new Route(endpointTransport.restClient(), endpointRecorder, this.observations,
						endpointTransport, this.admission, new Failures(target, apiKeyPath));
				endpoints.add(new RoutedEndpoint(i, target, endpoint.weight(), endpointTransport, endpointRoute,
						endpointMetrics, nanoClock));
				if (settings.health().probeEnabled()) {
					probes.add(new HealthProbe(target, settings.health().probeTtl(), endpointTransport,
							endpointRecorder, nanoClock));
				}
			}
			this.route = new Route(this.transport.restClient(), this.recorder, this.observations, this.transport,
					this.admission, this.failures);
			this.probe = null;
			this.router = new Router(settings, endpoints);
			this.endpointProbes = List.copyOf(probes);
		}
		this.gate = new CallGate(settings);
		this.retrier = new Retrier(settings, this.metrics, this.gate, this.admission::serverPause, this.router);
		this.deadlineTimer = (settings.limits().timeout() != null) ? deadlineTimer() : null;
		this.codec = new ChatCodec(settings.streamUsage(), settings.chat().maxTokensField().wireName(), this.failures);
		this.embeddingCodec = new EmbeddingCodec(this.failures, settings.connection().maxResponseSize());
		this.asyncExecutor = CallExecutors.create("llm-client-async", settings.limits().maxConcurrent());
		this.asyncQueue = CallExecutors.queuesCalls(this.asyncExecutor) ? new QueuedAsyncCalls(this.bulkhead,
				this.recorder, (call) -> CallExecutors.removeQueued(this.asyncExecutor, call)) : null;
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
		return create(settings, restClientBuilder, meterRegistry, null, null);
	}

	/**
	 * Creates a client whose calls are observed.
	 * @param settings validated settings
	 * @param restClientBuilder the builder to start from (Spring Boot's, so its
	 * customizers and observation apply), or {@code null} for a plain one
	 * @param meterRegistry where metrics go, or {@code null} for none
	 * @param observationRegistry observes every call and every HTTP attempt, or
	 * {@code null} for nothing
	 * @param observationConvention names the calls' observations, or {@code null} for the
	 * default convention
	 * @return the client
	 */
	public static DefaultLlmClient create(LlmClientSettings settings, RestClient.Builder restClientBuilder,
			MeterRegistry meterRegistry, ObservationRegistry observationRegistry,
			LlmObservationConvention observationConvention) {
		return new DefaultLlmClient(Objects.requireNonNull(settings, "settings"), restClientBuilder, meterRegistry,
				observationRegistry, observationConvention, System::nanoTime, Traffic.NONE);
	}

	/**
	 * Creates a client from everything a builder holds: its settings, registries,
	 * observation convention, and what it made of the concurrency limiter and budgets.
	 * @param builder the builder
	 * @param restClientBuilder the builder to start from (Spring Boot's, so its
	 * customizers and observation apply), or {@code null} for a plain one
	 * @return the client
	 */
	public static DefaultLlmClient create(LlmClientBuilder builder, RestClient.Builder restClientBuilder) {
		return new DefaultLlmClient(builder.settings(), restClientBuilder, builder.meterRegistry(),
				builder.observationRegistry(), builder.observationConvention(), System::nanoTime,
				new Traffic(builder.concurrencyLimiter(), builder.requestBudget(), builder.tokenBudget()));
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
				null, null, nanoClock, Traffic.NONE);
	}

	/** The client's way in: its bulkhead, budgets and the server's pacing. */
	private Admission admission(LlmClientSettings settings) {
		return new Admission(this.bulkhead, this.requestBudget, this.tokenBudget, this.pacing, this.failures,
				this.metrics, settings.adaptive().enabled());
	}

	/** A budget of so many units per minute, or {@code null} when none is set. */
	private static RateBudget budget(Long perMinute) {
		return (perMinute != null) ? RateBudget.perPeriod(perMinute, Duration.ofMinutes(1)) : null;
	}

	/**
	 * The builder the client's {@code RestClient} is built from, observing each HTTP
	 * attempt in the same registry as the call, so the attempt's observation is the
	 * call's child and {@code traceparent} reaches the server on every attempt.
	 */
	private static RestClient.Builder observed(RestClient.Builder builder, ObservationRegistry registry) {
		if (registry == null) {
			return builder;
		}
		return ((builder != null) ? builder.clone() : RestClient.builder()).observationRegistry(registry);
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
		return chat(request, null, this.route, null);
	}

	/**
	 * @param parent the observation the call belongs to, or {@code null} for the one
	 * current on this thread
	 */
	private ChatResponse chat(ChatRequest request, AsyncCall<?> async, Route route, Observation parent) {
		Objects.requireNonNull(request, "request must not be null");
		CallObservations observations = route.observations();
		Observation observation = observations.start(LlmObservationContext.CHAT, request, model(request), parent);
		try (Observation.Scope scope = observation.openScope();
				Call call = admit(request, false, async, route, observation)) {
			ChatResponse response = run(call, null, () -> post(call), ChatResponse::usage, ChatResponse::latency);
			observations.answered(observation, response);
			return response;
		}
		catch (RuntimeException ex) {
			observation.error(ex);
			throw ex;
		}
		finally {
			observation.stop();
		}
	}

	/**
	 * Maps the answer into the record; with {@code chat.structured-output-repair}, an
	 * answer that does not fit (but not a refusal) is asked for once more.
	 */
	@Override
	public <T> T chat(ChatRequest request, Class<T> type) {
		ChatRequest structured = LlmClient.structured(request, type);
		ChatResponse response = chat(structured);
		try {
			return response.contentAs(type);
		}
		catch (LlmStructuredOutputException ex) {
			if (!repairs(ex)) {
				throw ex;
			}
			return chat(repair(structured, ex)).contentAs(type);
		}
	}

	@Override
	public <T> CompletableFuture<T> chatAsync(ChatRequest request, Class<T> type) {
		ChatRequest structured = LlmClient.structured(request, type);
		CompletableFuture<ChatResponse> call = chatAsync(structured);
		CompletableFuture<T> answer = call.thenCompose((response) -> {
			try {
				return CompletableFuture.completedFuture(response.contentAs(type));
			}
			catch (LlmStructuredOutputException ex) {
				if (!repairs(ex)) {
					throw ex;
				}
				return chatAsync(repair(structured, ex)).thenApply((repaired) -> repaired.contentAs(type));
			}
		});
		// cancelling the answer cancels the call it waits for
		answer.whenComplete((value, error) -> {
			if (answer.isCancelled()) {
				call.cancel(true);
			}
		});
		return answer;
	}

	private boolean repairs(LlmStructuredOutputException failure) {
		return this.settings.chat().structuredOutputRepair() && failure.refusal() == null;
	}

	/**
	 * The repair attempt: the conversation, the answer that did not fit, and what was
	 * wrong with it.
	 */
	private static ChatRequest repair(ChatRequest request, LlmStructuredOutputException failure) {
		String answer = (failure.rawText() != null && !failure.rawText().isEmpty()) ? failure.rawText() : "(empty)";
		return request.toBuilder()
			.message(ChatMessage.assistant(answer))
			.user("That answer cannot be used: " + failure.getMessage()
					+ ". Answer again with only the JSON object the schema describes.")
			.build();
	}

	@Override
	public String generate(String prompt) {
		return chat(ChatRequest.of(prompt)).content();
	}

	@Override
	public CompletableFuture<ChatResponse> chatAsync(ChatRequest request) {
		Objects.requireNonNull(request, "request must not be null");
		ensureOpen();
		String model = model(request);
		// the caller's observation, such as a batch's: the call runs on another thread
		Observation parent = this.observations.current();
		return submit(
				new AsyncCall<>((self) -> chat(request, self, this.route, parent),
						(nanos) -> this.recorder.cancelled(LlmObservationContext.CHAT, model, nanos)),
				LlmObservationContext.CHAT, model);
	}

	/** Hands an async call to the executor, where it may queue for a thread. */
	private <T> CompletableFuture<T> submit(AsyncCall<T> call, String operation, String model) {
		if (this.asyncQueue != null) {
			this.asyncQueue.watch(call, operation, model);
		}
		try {
			this.asyncExecutor.execute(call);
			return call;
		}
		catch (RejectedExecutionException ex) {
			IllegalStateException closed = closed();
			call.failQueued(closed, () -> {
				// refused, not a call: only leaves the queue it was counted in
			});
			throw closed;
		}
	}

	/**
	 * Streams the answer; the call holds its bulkhead permit until the stream has ended.
	 * Only failures before the stream starts (an error status, no connection, a stream
	 * cut before its first chunk) are retried: once a chunk may have reached the
	 * consumer, a retry could show it twice.
	 */
	@Override
	public ChatResponse stream(ChatRequest request, Consumer<ChatChunk> onChunk) {
		Objects.requireNonNull(request, "request must not be null");
		Objects.requireNonNull(onChunk, "onChunk must not be null");
		Observation observation = this.observations.start(LlmObservationContext.CHAT, request, model(request), null);
		try (Observation.Scope scope = observation.openScope();
				Call call = admit(request, true, null, this.route, observation)) {
			ChatStream stream = new ChatStream(this.codec, this.failures, this.settings.connection().maxResponseSize(),
					onChunk, call.model(), call.start());
			ChatResponse response = run(call, stream, () -> postStream(call, stream), ChatResponse::usage,
					ChatResponse::latency);
			this.observations.answered(observation, response);
			return response;
		}
		catch (RuntimeException ex) {
			observation.error(ex);
			throw ex;
		}
		finally {
			observation.stop();
		}
	}

	/**
	 * Lets a chat call in: checks it and encodes its body before anything else, then
	 * admits it.
	 */
	private Call admit(ChatRequest request, boolean stream, AsyncCall<?> async, Route route, Observation observation) {
		ensureOpen();
		String model = model(request);
		byte[] body = this.codec.encode(request, model, stream);
		Call call = admit(LlmObservationContext.CHAT, model, body, stream, tokenEstimate(request), async, route,
				observation);
		if (this.router != null && request.model() == null && route == this.route) {
			// endpoints may have default models of their own: the body is encoded again
			// for
			// the endpoint an attempt goes to
			call.encodeForEndpoints((endpointModel) -> this.codec.encode(request, endpointModel, stream));
		}
		return call;
	}

	/**
	 * Lets an encoded call of any operation in: takes what {@link Admission} asks (a
	 * permit, budgets, the server's pause) and a place in the gate, all given back when
	 * the call is closed.
	 * @param tokenEstimate the tokens the call is expected to use, reserved from the
	 * token budget
	 */
	private Call admit(String operation, String model, byte[] body, boolean stream, long tokenEstimate,
			AsyncCall<?> async, Route route, Observation observation) {
		Deadline deadline = Deadline.after(this.settings.limits().timeout());
		Admission.Ticket ticket = acquirePermit(deadline, tokenEstimate, operation, model, async, route, observation);
		if (!this.gate.enter()) {
			ticket.close();
			throw closed();
		}
		return new Call(operation, model, body, stream, deadline, async, route, observation, ticket, () -> {
			this.gate.exit();
			ticket.close();
		});
	}

	/**
	 * The tokens a chat call is expected to use: the characters of its messages' text
	 * (images are not counted: the server's usage settles them) / 4, plus its
	 * {@code max_tokens} or else {@code rate-limit.estimated-output-tokens}.
	 */
	private long tokenEstimate(ChatRequest request) {
		long characters = 0;
		for (ChatMessage message : request.messages()) {
			characters += (message.content() != null) ? message.content().length() : 0;
			if (message.parts() != null) {
				for (ContentPart part : message.parts()) {
					characters += (part instanceof ContentPart.Text text) ? text.text().length() : 0;
				}
			}
		}
		long output = (request.maxTokens() != null) ? request.maxTokens()
				: this.settings.rateLimit().estimatedOutputTokens();
		return Math.max(1, characters / 4 + output);
	}

	/**
	 * The tokens an embeddings call is expected to use: its texts' characters / 4 (an
	 * embedding generates none).
	 */
	private static long tokenEstimate(EmbeddingRequest request) {
		long characters = 0;
		for (String input : request.inputs()) {
			characters += input.length();
		}
		return Math.max(1, characters / 4);
	}

	/**
	 * Passes admission; a call refused is recorded (as failed, with its wait) and fails.
	 * A long wait is an event of the call's observation.
	 */
	private Admission.Ticket acquirePermit(Deadline deadline, long tokenEstimate, String operation, String model,
			AsyncCall<?> async, Route route, Observation observation) {
		long queued = System.nanoTime();
		try {
			Admission.Ticket ticket = route.admission().admit(deadline.cap(permitWait(async)), tokenEstimate);
			CallObservations.bulkheadWait(observation, System.nanoTime() - queued);
			return ticket;
		}
		catch (LlmClientException ex) {
			if (async != null && !async.claimOutcome()) {
				throw ex; // cancelled: the async call records it
			}
			LlmClientException failure = (ex instanceof LlmBulkheadFullException && deadline.expired())
					? deadline.exceeded(this.settings, ex) : ex;
			route.recorder().rejected(operation, model, System.nanoTime() - queued, failure);
			throw failure;
		}
	}

	/**
	 * How long a call may wait for a permit: {@code max-wait}, less what an async call
	 * has already waited for a thread.
	 */
	private Duration permitWait(AsyncCall<?> async) {
		Duration wait = this.bulkhead.maxWait();
		return (async != null) ? wait.minusNanos(Math.min(async.queuedNanos(), wait.toNanos())) : wait;
	}

	/**
	 * Runs the attempts of an admitted call and records how it ended, the same way for
	 * chat, stream and embeddings.
	 * @param stream the stream being read, or {@code null} for any other call
	 * @param send sends one attempt
	 * @param usage reads the token counts of an answer
	 * @param latency reads the time an answer took
	 */
	private <T> T run(Call call, ChatStream stream, Supplier<T> send, Function<T, Usage> usage,
			Function<T, Duration> latency) {
		T response;
		try {
			response = this.retrier.call(call, () -> attempt(call, send));
		}
		catch (ChatStream.ConsumerFailure ex) {
			recordFailure(call, stream,
					new LlmClientException(
							"Stream stopped by its consumer, which threw " + ex.getCause().getClass().getName(),
							ex.getCause()));
			throw ex.rethrow();
		}
		catch (RuntimeException ex) {
			if (!call.claimOutcome()) {
				throw ex; // cancelled: the async call records it
			}
			RuntimeException failure = explain(call, ex);
			if (failure instanceof LlmClientException llmFailure) {
				recordFailure(call, stream, llmFailure);
			}
			throw failure;
		}
		call.ticket().settle(usage.apply(response));
		if (call.claimOutcome()) {
			CallRecorder recorder = call.route().recorder();
			recorder.success(call.operation(), call.model(), latency.apply(response).toNanos(), usage.apply(response));
			if (stream != null) {
				recorder.firstChunk(call.model(), stream.firstChunkNanos(), null);
			}
		}
		if (stream != null) {
			CallObservations.firstChunk(call.observation(), call.start(), stream.firstChunkNanos());
		}
		return response;
	}

	private void recordFailure(Call call, ChatStream stream, LlmClientException failure) {
		CallRecorder recorder = call.route().recorder();
		recorder.failure(call.operation(), call.model(), call.elapsedNanos(), failure);
		if (stream != null) {
			recorder.firstChunk(call.model(), stream.firstChunkNanos(), failure);
			CallObservations.firstChunk(call.observation(), call.start(), stream.firstChunkNanos());
		}
	}

	/**
	 * Says why a call failed when closing cut it off, or which setting to turn off when a
	 * server rejects {@code stream_options}; other failures pass unchanged.
	 */
	private RuntimeException explain(Call call, RuntimeException failure) {
		if (this.gate.isCutOff()) {
			return this.gate.cutOff(failure);
		}
		if (call.isStream() && this.settings.streamUsage() && failure instanceof LlmHttpException http
				&& (http.statusCode() == 400 || http.statusCode() == 422)
				&& http.getMessage().contains("stream_options")) {
			return http.withNote("the server does not accept stream_options: set "
					+ this.settings.property("stream-usage") + "=false (its streams then end without token usage)");
		}
		return failure;
	}

	/**
	 * Runs one attempt, on the endpoint the router picks when there are several, and
	 * reports its outcome to the router.
	 */
	private <T> T attempt(Call call, Supplier<T> send) {
		if (this.router == null || call.route() != this.route && !isEndpointRoute(call.route())) {
			return reportedAttempt(call, send);
		}
		RoutedEndpoint endpoint = this.router.acquire(call);
		long start = System.nanoTime();
		T result;
		try {
			result = reportedAttempt(call, send);
		}
		catch (LlmClientException ex) {
			this.router.failed(endpoint, ex);
			throw ex;
		}
		catch (RuntimeException | Error ex) {
			this.router.abandoned(endpoint);
			throw ex;
		}
		this.router.succeeded(endpoint, System.nanoTime() - start);
		return result;
	}

	/**
	 * Whether the route is one of the router's endpoints: the warm-up's in-memory route
	 * is not, and is never routed.
	 */
	private boolean isEndpointRoute(Route route) {
		for (RoutedEndpoint endpoint : this.router.endpoints()) {
			if (endpoint.route() == route) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Runs one attempt and tells admission how it ended, so that an adaptive limit learns
	 * from every attempt, on whichever endpoint it ran.
	 */
	private <T> T reportedAttempt(Call call, Supplier<T> send) {
		long start = System.nanoTime();
		try {
			T response = abortableAttempt(call, send);
			call.ticket().attemptEnded(start, null);
			return response;
		}
		catch (LlmClientException ex) {
			call.ticket().attemptEnded(start, ex);
			throw ex;
		}
	}

	/**
	 * Runs one attempt so that it can be aborted from another thread when the call has a
	 * deadline or is an async call its caller may cancel.
	 */
	private <T> T abortableAttempt(Call call, Supplier<T> send) {
		if (!call.isAbortable()) {
			return send.get();
		}
		Deadline deadline = call.deadline();
		if (deadline.expired()) {
			throw deadline.exceeded(this.settings, null);
		}
		try (CancellableAttempt attempt = deadline.isSet()
				? CancellableAttempt.withDeadline(this.deadlineTimer, deadline.remaining().toNanos())
				: CancellableAttempt.withoutDeadline()) {
			call.track(attempt);
			try {
				return send.get();
			}
			catch (RuntimeException ex) {
				// an abort can surface as any exception, e.g. HttpClient's
				// IllegalStateException
				// "Endpoint not acquired" when it lands while a connection is being
				// leased
				if (attempt.deadlinePassed()) {
					throw deadline.exceeded(this.settings, ex);
				}
				throw ex;
			}
			finally {
				call.untrack(attempt);
			}
		}
	}

	private ChatResponse post(Call call) {
		return send(call.route(), call.route().transport().chatCompletionsUri(), call.body(),
				MediaType.APPLICATION_JSON,
				(request, response) -> read(call.route(), response, call.model(), call.start()));
	}

	/**
	 * Reads an event stream; an error status, or a server that answers in one piece, goes
	 * through {@link #read}.
	 */
	private ChatResponse postStream(Call call, ChatStream stream) {
		return send(call.route(), call.route().transport().chatCompletionsUri(), call.body(),
				MediaType.TEXT_EVENT_STREAM, (request, response) -> {
					MediaType type = response.getHeaders().getContentType();
					if (response.getStatusCode().is2xxSuccessful()
							&& (type == null || MediaType.TEXT_EVENT_STREAM.isCompatibleWith(type))) {
						return stream.read(response.getBody());
					}
					return stream.deliverWhole(read(call.route(), response, call.model(), call.start()));
				});
	}

	private <T> T send(Route route, URI uri, byte[] body, MediaType accept, ExchangeFunction<T> exchange) {
		try {
			return route.restClient()
				.post()
				.uri(uri)
				.contentType(MediaType.APPLICATION_JSON)
				.accept(accept)
				.body(body)
				.exchange((request, response) -> {
					if (this.router == null) {
						// with several endpoints, one server's limits cool down that
						// endpoint
						// (Router) instead of pausing the whole client
						this.pacing.observe(response.getStatusCode().value(), response.getHeaders());
					}
					return exchange.exchange(request, response);
				}, true);
		}
		catch (RestClientException ex) {
			throw route.failures().fromRestClient(ex);
		}
	}

	private ChatResponse read(Route route, ClientHttpResponse response, String model, long start) throws IOException {
		int status = response.getStatusCode().value();
		if (status < 200 || status >= 300) {
			throw failure(route, status, response);
		}
		byte[] body = BoundedBody.read(response.getBody(), this.settings.connection().maxResponseSize());
		if (body == null) {
			throw route.failures().tooLarge(-1);
		}
		return this.codec.completion(body, response.getHeaders().getContentType(), model, start);
	}

	/**
	 * The failure a non-2xx answer stands for, of any operation: read from its body
	 * (bounded by {@code max-response-size}) and named after the route's endpoint.
	 */
	private LlmClientException failure(Route route, int status, ClientHttpResponse response) throws IOException {
		byte[] body = BoundedBody.read(response.getBody(), this.settings.connection().maxResponseSize());
		if (body == null) {
			return route.failures().tooLarge(-1);
		}
		return (status >= 400) ? route.failures().fromStatus(status, response.getHeaders(), body)
				: route.failures().notACompletion(status);
	}

	@Override
	public EmbeddingResponse embed(EmbeddingRequest request) {
		Objects.requireNonNull(request, "request must not be null");
		if (request.inputs().size() <= embeddingBatchSize()) {
			return embedSlice(request, null, null);
		}
		CompletableFuture<EmbeddingResponse> slices = embedAsync(request);
		try {
			return slices.get();
		}
		catch (InterruptedException ex) {
			slices.cancel(true);
			Thread.currentThread().interrupt();
			throw new LlmClientException("Interrupted while waiting for the slices of an embeddings call", ex);
		}
		catch (ExecutionException ex) {
			throw (ex.getCause() instanceof RuntimeException failure) ? failure
					: new LlmClientException("Embeddings call failed", ex.getCause());
		}
	}

	@Override
	public CompletableFuture<EmbeddingResponse> embedAsync(EmbeddingRequest request) {
		Objects.requireNonNull(request, "request must not be null");
		ensureOpen();
		// the caller's observation, such as a batch's: the slices run on other threads
		Observation parent = this.observations.current();
		int size = embeddingBatchSize();
		if (request.inputs().size() <= size) {
			return embedAsync(request, parent);
		}
		return new EmbeddingSlices(EmbeddingSlices.slice(request, size), maxConcurrent(),
				(slice) -> embedAsync(slice, parent))
			.start();
	}

	/** Sends one slice as an async call. */
	private CompletableFuture<EmbeddingResponse> embedAsync(EmbeddingRequest slice, Observation parent) {
		String model = embeddingModel(slice);
		return submit(
				new AsyncCall<>((self) -> embedSlice(slice, self, parent),
						(nanos) -> this.recorder.cancelled(LlmObservationContext.EMBEDDINGS, model, nanos)),
				LlmObservationContext.EMBEDDINGS, model);
	}

	/**
	 * Sends one slice, at most {@code embedding-batch-size} texts, as one call: admitted,
	 * retried, timed out, recorded and observed as a chat call is.
	 */
	private EmbeddingResponse embedSlice(EmbeddingRequest slice, AsyncCall<?> async, Observation parent) {
		ensureOpen();
		String model = embeddingModel(slice);
		byte[] body = this.embeddingCodec.encode(slice, model);
		Observation observation = this.observations.start(slice, model, parent);
		try (Observation.Scope scope = observation.openScope();
				Call call = admit(LlmObservationContext.EMBEDDINGS, model, body, false, tokenEstimate(slice), async,
						this.route, observation)) {
			int inputs = slice.inputs().size();
			EmbeddingResponse response = run(call, null, () -> postEmbeddings(call, inputs), EmbeddingResponse::usage,
					EmbeddingResponse::latency);
			this.observations.answered(observation, response);
			return response;
		}
		catch (RuntimeException ex) {
			observation.error(ex);
			throw ex;
		}
		finally {
			observation.stop();
		}
	}

	private EmbeddingResponse postEmbeddings(Call call, int inputs) {
		return send(call.route(), call.route().transport().embeddingsUri(), call.body(), MediaType.APPLICATION_JSON,
				(request, response) -> {
					int status = response.getStatusCode().value();
					if (status >= 200 && status < 300) {
						return this.embeddingCodec.read(response.getBody(), inputs, call.model(), call.start());
					}
					throw failure(call.route(), status, response);
				});
	}

	@Override
	public int embeddingBatchSize() {
		return this.settings.embeddings().batchSize();
	}

	private String embeddingModel(EmbeddingRequest request) {
		return (request.model() != null) ? request.model() : this.settings.embeddings().model();
	}

	@Override
	public LlmClientHealth health() {
		if (this.probe != null) {
			this.probe.refresh();
		}
		if (this.router != null) {
			this.endpointProbes.forEach(HealthProbe::refresh);
			return RoutedHealth.of(this.settings, this.router.endpoints(), this.recorder, this.bulkhead.stats(),
					rateLimitStats());
		}
		return this.recorder.health(this.settings.displayEndpoint(), this.settings.model(), this.transport.poolStats(),
				this.bulkhead.stats(), rateLimitStats());
	}

	private LlmClientHealth.RateLimit rateLimitStats() {
		long pause = this.pacing.waitNanos(0);
		return new LlmClientHealth.RateLimit((this.requestBudget != null) ? this.requestBudget.available() : null,
				(this.tokenBudget != null) ? this.tokenBudget.available() : null, pause > 0,
				Duration.ofNanos(pause).toMillis());
	}

	/**
	 * Opens the warm-up connections and exercises the call path, as eager initialisation
	 * does (see {@link ConnectionWarmer}); logs what happened.
	 * @throws LlmConnectionException when the endpoint cannot be reached and
	 * {@code warm-up.fail-fast} is set
	 */
	public void warmUp() {
		ensureOpen();
		if (this.router == null) {
			new ConnectionWarmer(this.settings, this.transport, this.recorder).warmUp(this::warmCodePath);
			return;
		}
		warmUpEndpoints();
	}

	/**
	 * Warms every endpoint in parallel, each as a client of its own would (its own log
	 * line), and the code path once. With {@code warm-up.fail-fast}, start-up fails only
	 * when no endpoint can be reached: the others take the calls.
	 */
	private void warmUpEndpoints() {
		List<RoutedEndpoint> endpoints = this.router.endpoints();
		ExecutorService executor = CallExecutors.create("llm-client-warm-up-endpoints", endpoints.size());
		try {
			List<CompletableFuture<Void>> warmed = new ArrayList<>(endpoints.size());
			for (RoutedEndpoint endpoint : endpoints) {
				Runnable codePath = (endpoint.index() == 0) ? this::warmCodePath : () -> {
				};
				warmed.add(CompletableFuture.runAsync(() -> new ConnectionWarmer(endpoint.settings(),
						endpoint.transport(), endpoint.route().recorder())
					.warmUp(codePath), executor));
			}
			RuntimeException first = null;
			int failed = 0;
			for (CompletableFuture<Void> future : warmed) {
				try {
					future.join();
				}
				catch (java.util.concurrent.CompletionException ex) {
					failed++;
					if (first == null) {
						first = (ex.getCause() instanceof RuntimeException cause) ? cause : ex;
					}
				}
			}
			if (failed == endpoints.size()) {
				throw first;
			}
		}
		finally {
			executor.shutdown();
		}
	}

	/**
	 * Runs {@link #chat} in memory against a canned answer: the same admission, retry
	 * loop and attempt, this client's {@code RestClient} pipeline and request factory
	 * over an in-memory HTTP client, reading, parsing, and recording into a recorder and
	 * metrics of its own. The first real call then finds its classes loaded and its call
	 * sites linked. Nothing reaches the server and nothing is recorded in this client's
	 * metrics or health.
	 */
	private void warmCodePath() {
		RestClient inMemory = this.transport.restClient(new CannedHttpClient(ConnectionWarmer.CANNED_COMPLETION));
		CallRecorder detached = new CallRecorder(new LatencyWindow(1), this.metrics.detached(), 1);
		Admission admission = new Admission(new Bulkhead(this.settings, new FixedLimiter(maxConcurrent())), null, null,
				new ServerPacing(Clock.systemUTC(), Duration.ZERO), this.failures, CallMetrics.NONE, false);
		chat(ChatRequest.of("warm-up"), null,
				new Route(inMemory, detached, CallObservations.NONE, this.transport, admission, this.failures), null);
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
		if (this.router != null) {
			for (RoutedEndpoint endpoint : this.router.endpoints()) {
				endpoint.transport().close();
				endpoint.metrics().close();
			}
		}
		else {
			this.transport.close();
		}
		this.metrics.close();
	}

	@Override
	public String toString() {
		return "DefaultLlmClient[" + this.settings.displayEndpoint() + "]";
	}

	private String model(ChatRequest request) {
		return (request.model() != null) ? request.model() : this.settings.model();
	}

	private void ensureOpen() {
		if (!this.gate.isOpen()) {
			throw closed();
		}
	}

	private IllegalStateException closed() {
		return new IllegalStateException("LLM client for " + this.settings.displayEndpoint()
				+ " is closed: calls are refused once close() has been called or the application is shutting down");
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

	/**
	 * What the builder made of the limiter and the budgets the settings ask for.
	 */
	private record Traffic(UnaryOperator<ConcurrencyLimiter> concurrencyLimiter,
			UnaryOperator<RateBudget> requestBudget, UnaryOperator<RateBudget> tokenBudget) {

		static final Traffic NONE = new Traffic(UnaryOperator.identity(), UnaryOperator.identity(),
				UnaryOperator.identity());

	}

}
