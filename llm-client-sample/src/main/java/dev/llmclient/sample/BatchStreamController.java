package dev.llmclient.sample;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter;

import dev.llmclient.Cost;
import dev.llmclient.Usage;
import dev.llmclient.batch.BatchItem;
import dev.llmclient.batch.BatchOptions;
import dev.llmclient.batch.BatchProgress;
import dev.llmclient.batch.BatchResult;
import dev.llmclient.batch.LlmBatchService;

/**
 * {@code POST /api/batch/stream}: the batch of {@code /api/batch}, answered as
 * {@code text/event-stream} so a page can show it advancing. As each prompt ends, fed by
 * the batch service's progress callback, an {@code event: item} (the JSON of one result
 * of {@code /api/batch}, with its {@code index}: prompts end in any order) and an
 * {@code event: progress} ({@code completed}, {@code total}, {@code elapsedMs}); at the
 * end, {@code event: done} with the totals, the answers' summed usage and their cost.
 * <p>
 * The request is checked, and refused with 400, before the stream starts. Batches run on
 * a small pool of their own, since a batch blocks its thread; when it is full the request
 * is refused with a 503.
 */
@RestController
class BatchStreamController implements DisposableBean {

	private static final Log logger = LogFactory.getLog(BatchStreamController.class);

	/** Longest a batch's stream may stay open. */
	private static final Duration STREAM_TIMEOUT = Duration.ofMinutes(30);

	/**
	 * Batches running at once: each already runs as many prompts at once as the client
	 * allows, so more would only queue in the bulkhead.
	 */
	private static final int THREADS = 2;

	private static final int QUEUED = 2;

	private final LlmBatchService batchService;

	private final JsonMapper jsonMapper;

	private final int maxPrompts;

	private final int maxPromptChars;

	private final ThreadPoolExecutor executor;

	BatchStreamController(LlmBatchService batchService, JsonMapper jsonMapper,
			@Value("${sample.batch.max-prompts:1000}") int maxPrompts,
			@Value("${sample.prompt.max-chars:100000}") int maxPromptChars) {
		this.batchService = batchService;
		this.jsonMapper = jsonMapper;
		this.maxPrompts = maxPrompts;
		this.maxPromptChars = maxPromptChars;
		AtomicInteger count = new AtomicInteger();
		this.executor = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUED),
				(runnable) -> {
					Thread thread = new Thread(runnable, "llm-batch-stream-" + count.incrementAndGet());
					thread.setDaemon(true);
					return thread;
				});
		this.executor.allowCoreThreadTimeOut(true);
	}

	@PostMapping("/api/batch/stream")
	ResponseEntity<ResponseBodyEmitter> stream(@RequestBody BatchRequest request) {
		List<String> prompts = request.checkedPrompts(this.maxPrompts, this.maxPromptChars);
		ResponseBodyEmitter emitter = new ResponseBodyEmitter(STREAM_TIMEOUT.toMillis());
		this.executor.execute(() -> run(prompts, new Events(emitter)));
		return ResponseEntity.ok()
			.contentType(MediaType.TEXT_EVENT_STREAM)
			.cacheControl(CacheControl.noStore())
			.header("X-Accel-Buffering", "no")
			.body(emitter);
	}

	private void run(List<String> prompts, Events events) {
		long start = System.nanoTime();
		BatchResult result = this.batchService.generateAll(prompts,
				BatchOptions.defaults().withProgress(new BatchProgress() {

					@Override
					public void onItem(BatchItem item) {
						events.send("item", BatchResponse.Result.from(item));
					}

					@Override
					public void onProgress(int completed, int total) {
						events.send("progress",
								new Progress(completed, total, Duration.ofNanos(System.nanoTime() - start).toMillis()));
					}

				}));
		events.send("done", new Totals(result.succeeded(), result.failed(), result.elapsed().toMillis(), result.usage(),
				result.cost().orElse(null)));
		events.complete();
	}

	@Override
	public void destroy() throws InterruptedException {
		this.executor.shutdown();
		if (!this.executor.awaitTermination(5, TimeUnit.SECONDS)) {
			this.executor.shutdownNow();
		}
	}

	/**
	 * Sends the events of one batch. Once the caller has gone, sends are dropped: the
	 * batch, bounded by {@code sample.batch.max-prompts}, runs to its end, since the
	 * batch service has no way to stop it early but its deadline.
	 */
	private final class Events {

		private final ResponseBodyEmitter emitter;

		private boolean gone;

		Events(ResponseBodyEmitter emitter) {
			this.emitter = emitter;
		}

		void send(String name, Object data) {
			if (this.gone) {
				return;
			}
			try {
				this.emitter.send(
						ServerSentEvent.event(name, BatchStreamController.this.jsonMapper.writeValueAsString(data)),
						MediaType.APPLICATION_OCTET_STREAM);
			}
			catch (IOException | IllegalStateException ex) {
				logger.debug("Caller of /api/batch/stream went away: " + ex.getMessage());
				this.gone = true;
			}
		}

		void complete() {
			if (!this.gone) {
				this.emitter.complete();
			}
		}

	}

	/**
	 * Data of an {@code event: progress}.
	 *
	 * @param completed prompts ended so far, answered or failed
	 * @param total prompts in the batch
	 * @param elapsedMs time since the batch started, in milliseconds
	 */
	record Progress(int completed, int total, long elapsedMs) {
	}

	/**
	 * Data of the final {@code event: done}.
	 *
	 * @param succeeded prompts answered
	 * @param failed prompts that failed
	 * @param elapsedMs time the whole batch took, in milliseconds
	 * @param usage the answers' token counts summed, or {@code null} when none reported
	 * usage
	 * @param cost what the answers cost together, or {@code null} when nothing was priced
	 */
	record Totals(int succeeded, int failed, long elapsedMs, Usage usage, Cost cost) {
	}

}
