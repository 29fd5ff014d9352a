package dev.llmclient.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import dev.llmclient.ChatChunk;
import dev.llmclient.ChatRequest;
import dev.llmclient.ChatResponse;
import dev.llmclient.LlmClient;
import dev.llmclient.LlmClientException;

/**
 * Forwards a streamed answer to a browser in one call from a Spring MVC controller:
 * <pre class="code">
 * &#64;GetMapping(path = "/chat", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
 * SseEmitter chat(&#64;RequestParam String prompt) {
 *     return LlmSseEmitters.stream(this.llmClient, ChatRequest.of(prompt));
 * }
 * </pre> The returned emitter sends, as server-sent events:
 * <ul>
 * <li>one unnamed ({@code message}) event per delta that carries text, its data the JSON
 * object {@code {"content":" world"}}: as JSON every character of the delta arrives, a
 * leading space or a line break included (written as a bare {@code data:} line, a reader
 * would drop the first space of {@code " world"});</li>
 * <li>{@code event: usage} with the token counts ({@code inputTokens},
 * {@code outputTokens}, {@code totalTokens}, and {@code cachedInputTokens},
 * {@code cacheWriteInputTokens}, {@code reasoningTokens}, {@code null} when not
 * reported), when the server reported them;</li>
 * <li>{@code event: done} with {@code finishReason}, {@code model}, {@code latencyMs},
 * {@code timeToFirstChunkMs} and, when the model is priced, {@code cost} ({@code amount},
 * {@code currency}), the last event of a complete answer;</li>
 * <li>or {@code event: error} in place of {@code done} when the call fails, before or
 * during the stream: the problem detail {@link LlmProblemDetails} would answer
 * ({@code status}, {@code title}, {@code errorType}, a {@code detail} without the
 * endpoint, settings or the model's text).</li>
 * </ul>
 * The call runs through {@link LlmClient#streamAsync}, on the client's executor, so no
 * servlet thread waits for the model. When the browser goes away (its connection closes,
 * the next write fails, or the request's async timeout passes) the call is cancelled at
 * once: its connection to the LLM server is aborted, its slot freed, and it counts as
 * cancelled, never as failed. The emitter has no timeout of its own: the client's
 * {@code read-timeout} and {@code timeout} bound the stream. Responses carry
 * {@code Cache-Control: no-store} and {@code X-Accel-Buffering: no}, so that proxies pass
 * each event on as it comes.
 *
 * @since 0.1.0
 */
public final class LlmSseEmitters {

	private static final Log logger = LogFactory.getLog(LlmSseEmitters.class);

	/** No async timeout: the client's own timeouts end a stuck stream. */
	private static final long NO_TIMEOUT = 0;

	private LlmSseEmitters() {
	}

	/**
	 * Starts streaming the answer to {@code request} and returns the emitter to return
	 * from a controller method.
	 * @param client the client to call
	 * @param request the request
	 * @return the emitter the answer's events are sent to
	 * @throws IllegalArgumentException when the request is invalid
	 * @throws IllegalStateException when the client is closed
	 */
	public static SseEmitter stream(LlmClient client, ChatRequest request) {
		Objects.requireNonNull(client, "client must not be null");
		Objects.requireNonNull(request, "request must not be null");
		EventStream emitter = new EventStream();
		long start = System.nanoTime();
		AtomicLong firstChunk = new AtomicLong();
		CompletableFuture<ChatResponse> call = client.streamAsync(request, (chunk) -> {
			firstChunk.compareAndSet(0, System.nanoTime());
			forward(emitter, chunk);
		});
		emitter.onCompletion(() -> call.cancel(true));
		emitter.onTimeout(() -> call.cancel(true));
		emitter.onError((ex) -> call.cancel(true));
		call.whenComplete((response, failure) -> {
			if (failure == null) {
				long toFirstChunk = (firstChunk.get() != 0) ? firstChunk.get() - start : 0;
				finish(emitter, response, toFirstChunk / 1_000_000);
			}
			else {
				fail(emitter, (failure instanceof CompletionException) ? failure.getCause() : failure);
			}
		});
		return emitter;
	}

	private static void forward(SseEmitter emitter, ChatChunk chunk) {
		if (!chunk.content().isEmpty()) {
			send(emitter, SseEmitter.event().data(Map.of("content", chunk.content()), MediaType.APPLICATION_JSON));
		}
	}

	private static void finish(SseEmitter emitter, ChatResponse response, long timeToFirstChunkMs) {
		try {
			if (response.usage() != null) {
				send(emitter, SseEmitter.event().name("usage").data(response.usage(), MediaType.APPLICATION_JSON));
			}
			Map<String, Object> done = new LinkedHashMap<>();
			done.put("finishReason", response.finishReason());
			done.put("model", response.model());
			done.put("latencyMs", response.latency().toMillis());
			done.put("timeToFirstChunkMs", timeToFirstChunkMs);
			response.cost().ifPresent((cost) -> done.put("cost", cost));
			send(emitter, SseEmitter.event().name("done").data(done, MediaType.APPLICATION_JSON));
			emitter.complete();
		}
		catch (UncheckedIOException | IllegalStateException ex) {
			logger.debug("The stream's caller went away before its last event: " + ex.getMessage());
		}
	}

	private static void fail(SseEmitter emitter, Throwable failure) {
		if (failure instanceof CancellationException) {
			return; // cancelled by the emitter's own callbacks: the caller has gone
		}
		if (!(failure instanceof LlmClientException ex)) {
			// the consumer's write failed: the caller has gone, and the call was stopped
			logger.debug("The stream's caller went away: " + failure);
			return;
		}
		if (ex.origin() == LlmClientException.Origin.REQUEST) {
			logger.debug("LLM stream failed (" + ex.errorType() + "), sent as an error event: " + ex.getMessage());
		}
		else {
			logger.warn("LLM stream failed (" + ex.errorType() + "), sent as an error event: " + ex.getMessage());
		}
		try {
			send(emitter, SseEmitter.event().name("error").data(errorEvent(ex), MediaType.APPLICATION_JSON));
			emitter.complete();
		}
		catch (UncheckedIOException | IllegalStateException gone) {
			logger.debug("The stream's caller went away before its error event: " + gone.getMessage());
		}
	}

	private static Map<String, Object> errorEvent(LlmClientException ex) {
		ProblemDetail problem = LlmProblemDetails.toProblemDetail(ex, false);
		Map<String, Object> event = new LinkedHashMap<>();
		event.put("title", problem.getTitle());
		event.put("status", problem.getStatus());
		event.put("detail", problem.getDetail());
		if (problem.getProperties() != null) {
			event.putAll(problem.getProperties());
		}
		return event;
	}

	private static void send(SseEmitter emitter, SseEmitter.SseEventBuilder event) {
		try {
			emitter.send(event);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** The emitter, with headers that keep proxies from holding events back. */
	private static final class EventStream extends SseEmitter {

		EventStream() {
			super(NO_TIMEOUT);
		}

		@Override
		protected void extendResponse(ServerHttpResponse outputMessage) {
			super.extendResponse(outputMessage);
			HttpHeaders headers = outputMessage.getHeaders();
			headers.setCacheControl(CacheControl.noStore());
			headers.set("X-Accel-Buffering", "no");
		}

	}

}
