package dev.llmclient.internal.recording;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

import dev.llmclient.ChatMessage;
import dev.llmclient.ChatRequest;
import dev.llmclient.ChatResponse;
import dev.llmclient.EmbeddingRequest;
import dev.llmclient.EmbeddingResponse;
import dev.llmclient.LlmClientSettings;
import dev.llmclient.ObservationSettings;
import dev.llmclient.observation.DefaultLlmObservationConvention;
import dev.llmclient.observation.LlmObservationContext;
import dev.llmclient.observation.LlmObservationConvention;
import dev.llmclient.internal.wire.ChatCodec;

/**
 * Starts the observation of each call and adds what happens during it: retries, a long
 * wait for a bulkhead permit, a stream's first chunk. With no registry, or one without
 * handlers, every observation is {@link Observation#NOOP}: no context is built and no
 * event text is formatted, so an unobserved call pays a few checks.
 */
public final class CallObservations {

	/** Observes nothing: for clients without a registry and for warm-up's calls. */
	public static final CallObservations NONE = new CallObservations(ObservationRegistry.NOOP, null, null, 0,
			ObservationSettings.DEFAULTS);

	/** Waits for a permit shorter than this are not worth an event. */
	public static final long BULKHEAD_WAIT_EVENT_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

	private static final DefaultLlmObservationConvention DEFAULT_CONVENTION = new DefaultLlmObservationConvention();

	private static final String TRUNCATED = "...";

	private final ObservationRegistry registry;

	/** The application's convention, or {@code null} for the default one. */
	private final LlmObservationConvention convention;

	private final String serverAddress;

	private final int serverPort;

	private final ObservationSettings content;

	private CallObservations(ObservationRegistry registry, LlmObservationConvention convention, String serverAddress,
			int serverPort, ObservationSettings content) {
		this.registry = registry;
		this.convention = convention;
		this.serverAddress = serverAddress;
		this.serverPort = serverPort;
		this.content = content;
	}

	public static CallObservations create(LlmClientSettings settings, ObservationRegistry registry,
			LlmObservationConvention convention) {
		if (registry == null) {
			return NONE;
		}
		int port = settings.endpoint().getPort();
		if (port < 0) {
			port = "https".equals(settings.endpoint().getScheme()) ? 443 : 80;
		}
		return new CallObservations(registry, convention, settings.endpoint().getHost(), port, settings.observations());
	}

	/**
	 * Returns the observation current on this thread: an async call started there becomes
	 * its child, wherever it runs.
	 */
	public Observation current() {
		return this.registry.getCurrentObservation();
	}

	/**
	 * Starts the observation of one call.
	 * @param parent the observation the call belongs to, or {@code null} for the one
	 * current on this thread
	 */
	public Observation start(String operation, ChatRequest request, String model, Observation parent) {
		return start(Observation.createNotStarted(this.convention, DEFAULT_CONVENTION,
				() -> context(operation, request, model), this.registry), parent);
	}

	/**
	 * Starts the observation of one embeddings request. Its texts are never captured:
	 * they are data to index rather than a conversation, often many and large.
	 * @param parent the observation the request belongs to, or {@code null} for the one
	 * current on this thread
	 */
	public Observation start(EmbeddingRequest request, String model, Observation parent) {
		return start(Observation.createNotStarted(this.convention, DEFAULT_CONVENTION,
				() -> new LlmObservationContext(request, model, this.serverAddress, this.serverPort), this.registry),
				parent);
	}

	/**
	 * Starts the observation of a call that carries neither a chat nor an embeddings
	 * request, such as a batch job's file upload or poll.
	 * @param operation the {@code gen_ai.operation.name}
	 * @param parent the observation the call belongs to, or {@code null} for the one
	 * current on this thread
	 */
	public Observation start(String operation, Observation parent) {
		return start(
				Observation.createNotStarted(this.convention, DEFAULT_CONVENTION,
						() -> new LlmObservationContext(operation, this.serverAddress, this.serverPort), this.registry),
				parent);
	}

	private static Observation start(Observation observation, Observation parent) {
		if (parent != null) {
			observation.parentObservation(parent);
		}
		return observation.start();
	}

	private LlmObservationContext context(String operation, ChatRequest request, String model) {
		LlmObservationContext context = new LlmObservationContext(operation, request, model, this.serverAddress,
				this.serverPort);
		if (this.content.includePrompt()) {
			List<Map<String, String>> messages = new ArrayList<>(request.messages().size());
			for (ChatMessage message : request.messages()) {
				messages.add(message(message.role(), message.content(), null));
			}
			context.setInputMessages(json(messages));
		}
		return context;
	}

	/** Gives the observation the server's answer. */
	public void answered(Observation observation, ChatResponse response) {
		if (observation.isNoop()) {
			return;
		}
		LlmObservationContext context = (LlmObservationContext) observation.getContext();
		context.setResponse(response);
		if (this.content.includeCompletion() && response.content() != null) {
			context.setOutputMessages(json(List.of(message("assistant", response.content(), response.finishReason()))));
		}
	}

	/** Gives the observation the server's answer to an embeddings request. */
	public void answered(Observation observation, EmbeddingResponse response) {
		if (!observation.isNoop()) {
			((LlmObservationContext) observation.getContext()).setEmbeddingResponse(response);
		}
	}

	/** One message as the GenAI conventions write it, its keys in a stable order. */
	private static Map<String, String> message(String role, String content, String finishReason) {
		Map<String, String> message = new LinkedHashMap<>();
		message.put("role", role);
		message.put("content", content);
		if (finishReason != null) {
			message.put("finish_reason", finishReason);
		}
		return message;
	}

	/** Cuts a captured value to {@code max-content-length} characters. */
	private String json(Object value) {
		String json = ChatCodec.MAPPER.writeValueAsString(value);
		int max = this.content.maxContentLength();
		return (json.length() <= max) ? json : json.substring(0, max) + TRUNCATED;
	}

	/** Adds an event for a retry: why, and how long the client waits first. */
	public static void retry(Observation observation, String reason, Duration backoff) {
		if (!observation.isNoop()) {
			observation.event(Observation.Event.of("llm.client.retry",
					"retry after " + reason + ", backoff " + backoff.toMillis() + " ms"));
		}
	}

	/** Adds an event for a wait for a bulkhead permit long enough to matter. */
	public static void bulkheadWait(Observation observation, long nanos) {
		if (nanos >= BULKHEAD_WAIT_EVENT_NANOS && !observation.isNoop()) {
			observation.event(Observation.Event.of("llm.client.bulkhead.wait",
					"bulkhead wait " + TimeUnit.NANOSECONDS.toMillis(nanos) + " ms"));
		}
	}

	/**
	 * Adds an event, dated when the first chunk came, for a stream's time to first chunk.
	 * @param nanos time from the start of the call to the first chunk, negative when none
	 * came
	 */
	public static void firstChunk(Observation observation, long start, long nanos) {
		if (nanos >= 0 && !observation.isNoop()) {
			long sinceFirstChunk = System.nanoTime() - (start + nanos);
			long wallTime = System.currentTimeMillis() - TimeUnit.NANOSECONDS.toMillis(sinceFirstChunk);
			observation.event(Observation.Event.of("gen_ai.client.first_chunk",
					"first chunk after " + TimeUnit.NANOSECONDS.toMillis(nanos) + " ms", wallTime));
		}
	}

}
