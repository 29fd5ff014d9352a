package dev.llmclient.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter;

import dev.llmclient.ChatChunk;
import dev.llmclient.ChatRequest;
import dev.llmclient.ChatResponse;
import dev.llmclient.LlmClient;
import dev.llmclient.LlmClientException;
import dev.llmclient.Usage;

/**
 * {@code GET /api/stream?prompt=…} (or {@code POST /api/stream} with the JSON body of
 * {@code /api/generate}): answers {@code text/event-stream}, forwarding each delta of the
 * LLM's streamed answer as a {@code data:} event as soon as it arrives. The stream ends
 * with {@code event: done} (finish reason, model, usage, latency, time to first chunk),
 * or with {@code event: error} (the same JSON as an error of {@code /api/generate}) when
 * the LLM call fails, also mid-way.
 * <p>
 * {@link LlmClient#stream} blocks while the answer streams, so each stream runs on a
 * bounded pool of as many threads as the client lets call at once; when the pool and its
 * queue are full the request is refused with a 503 rather than piling up. A caller that
 * goes away makes the next send fail, which stops the LLM stream and frees its
 * connection.
 */
@RestController
class StreamController implements DisposableBean {

	private static final Log logger = LogFactory.getLog(StreamController.class);

	/**
	 * Longest a stream may stay open; the LLM client's own timeouts normally end it
	 * first.
	 */
	private static final Duration STREAM_TIMEOUT = Duration.ofMinutes(10);

	/** Streams that may wait for a thread, per thread. */
	private static final int QUEUED_PER_THREAD = 4;

	private final LlmClient llmClient;

	private final JsonMapper jsonMapper;

	private final ThreadPoolExecutor executor;

	private final int maxPromptChars;

	StreamController(LlmClient llmClient, JsonMapper jsonMapper,
			@Value("${sample.prompt.max-chars:100000}") int maxPromptChars) {
		this.llmClient = llmClient;
		this.jsonMapper = jsonMapper;
		this.maxPromptChars = maxPromptChars;
		int threads = llmClient.maxConcurrent();
		AtomicInteger count = new AtomicInteger();
		this.executor = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
				new ArrayBlockingQueue<>(threads * QUEUED_PER_THREAD), (runnable) -> {
					Thread thread = new Thread(runnable, "llm-stream-" + count.incrementAndGet());
					thread.setDaemon(true);
					return thread;
				});
		this.executor.allowCoreThreadTimeOut(true);
	}

	@GetMapping("/api/stream")
	ResponseEntity<ResponseBodyEmitter> stream(@RequestParam(name = "prompt", required = false) String prompt) {
		return stream(new GenerateRequest(prompt, null, null, null));
	}

	/**
	 * The same stream for a body like that of {@code /api/generate}: a prompt too long
	 * for a URL fits, and a page can stop the stream by aborting its fetch.
	 * @param body the prompt and options
	 * @return the event stream
	 */
	@PostMapping("/api/stream")
	ResponseEntity<ResponseBodyEmitter> stream(@RequestBody GenerateRequest body) {
		ChatRequest request = body.toChatRequest(this.maxPromptChars);
		ResponseBodyEmitter emitter = new ResponseBodyEmitter(STREAM_TIMEOUT.toMillis());
		this.executor.execute(() -> forward(request, emitter));
		return ResponseEntity.ok()
			.contentType(MediaType.TEXT_EVENT_STREAM)
			.cacheControl(CacheControl.noStore())
			.header("X-Accel-Buffering", "no")
			.body(emitter);
	}

	private void forward(ChatRequest request, ResponseBodyEmitter emitter) {
		long start = System.nanoTime();
		AtomicLong firstChunkAt = new AtomicLong();
		try {
			ChatResponse response = this.llmClient.stream(request, (chunk) -> {
				firstChunkAt.compareAndSet(0, System.nanoTime());
				send(emitter, chunk);
			});
			long timeToFirstChunk = (firstChunkAt.get() != 0) ? firstChunkAt.get() - start : 0;
			send(emitter, ServerSentEvent.event("done",
					this.jsonMapper.writeValueAsString(Summary.of(response, Duration.ofNanos(timeToFirstChunk)))));
			emitter.complete();
		}
		catch (LlmClientException ex) {
			logger.warn("LLM stream failed: " + ex.getMessage());
			try {
				send(emitter, ServerSentEvent.event("error",
						this.jsonMapper.writeValueAsString(ApiExceptionHandler.describe(ex))));
				emitter.complete();
			}
			catch (UncheckedIOException | IllegalStateException gone) {
				// the caller has gone: there is nobody to tell
			}
		}
		catch (UncheckedIOException | IllegalStateException ex) {
			// the caller went away (or the emitter timed out): the LLM stream was stopped
			logger.debug("Caller of /api/stream went away: " + ex.getMessage());
		}
	}

	private static void send(ResponseBodyEmitter emitter, ChatChunk chunk) {
		if (!chunk.content().isEmpty()) {
			send(emitter, ServerSentEvent.data(chunk.content()));
		}
	}

	private static void send(ResponseBodyEmitter emitter, byte[] event) {
		try {
			emitter.send(event, MediaType.APPLICATION_OCTET_STREAM);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	public void destroy() throws InterruptedException {
		this.executor.shutdown();
		if (!this.executor.awaitTermination(5, TimeUnit.SECONDS)) {
			this.executor.shutdownNow();
		}
	}

	/**
	 * Data of the final {@code event: done}.
	 *
	 * @param finishReason why generation stopped, or {@code null}
	 * @param model the model that answered
	 * @param usage token counts, or {@code null} when the LLM server reported none
	 * @param latencyMs time the whole stream took, in milliseconds
	 * @param timeToFirstChunkMs time from the call to its first chunk, in milliseconds
	 */
	record Summary(String finishReason, String model, Usage usage, long latencyMs, long timeToFirstChunkMs) {

		static Summary of(ChatResponse response, Duration timeToFirstChunk) {
			return new Summary(response.finishReason(), response.model(), response.usage(),
					response.latency().toMillis(), timeToFirstChunk.toMillis());
		}

	}

}
