package dev.llmclient.batch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import java.util.concurrent.atomic.AtomicReferenceArray;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;

import dev.llmclient.BatchJobSettings;
import dev.llmclient.ChatRequest;
import dev.llmclient.ChatResponse;
import dev.llmclient.EmbeddingRequest;
import dev.llmclient.EmbeddingResponse;
import dev.llmclient.LlmClient;
import dev.llmclient.internal.DefaultLlmClient;

/**
 * Sends many requests through one {@link LlmClient} and answers every one of them, in
 * order.
 * <p>
 * A batch keeps at most {@code maxConcurrent} items in flight (by default the client's
 * {@code llm.client.max-concurrent}) and starts the next item as soon as one ends, so a
 * batch of 100 000 prompts holds as many calls, threads and connections as a batch of
 * 100; only the result grows with the batch. Items are ordinary calls of the client: they
 * share its client-wide limit with every other call and batch, and they are retried,
 * timed out and recorded like any call. A failing item never fails the batch: it becomes
 * a {@link BatchItem.Failure} holding the exception.
 * <p>
 * The calling thread runs the batch and waits for it; it is thread-safe, and several
 * batches may run at once from different threads. In a Spring Boot application inject the
 * auto-configured bean; elsewhere create one over a client.
 *
 * <pre>{@code
 * BatchResult result = batch.generateAll(List.of("Summarize: ...", "Translate: ..."));
 * for (BatchItem item : result.items()) {
 *     if (item instanceof BatchItem.Success ok) {
 *         System.out.println(item.index() + ": " + ok.response().content());
 *     }
 *     else if (item instanceof BatchItem.Failure ko) {
 *         System.out.println(item.index() + " failed: " + ko.error().getMessage());
 *     }
 * }
 * }</pre>
 *
 * @since 0.1.0
 */
public final class LlmBatchService {

	private final LlmClient client;

	private final int maxConcurrent;

	private final BatchMetrics metrics;

	private final ObservationRegistry observationRegistry;

	private final BatchJobs jobs;

	/**
	 * Creates a batch service that keeps as many items in flight as the client's
	 * {@code max-concurrent} allows ({@link LlmClient#maxConcurrent()}), and records no
	 * metrics.
	 * @param client the client every item goes through
	 */
	public LlmBatchService(LlmClient client) {
		this(client, null);
	}

	/**
	 * Creates a batch service that keeps as many items in flight as the client's
	 * {@code max-concurrent} allows ({@link LlmClient#maxConcurrent()}).
	 * @param client the client every item goes through
	 * @param meterRegistry where {@code llm.client.batch.items} is counted, or
	 * {@code null} for nowhere
	 */
	public LlmBatchService(LlmClient client, MeterRegistry meterRegistry) {
		this(client, maxConcurrentOf(client), meterRegistry);
	}

	/**
	 * Creates a batch service that keeps as many items in flight as the client's
	 * {@code max-concurrent} allows, and observes each batch.
	 * @param client the client every item goes through
	 * @param meterRegistry where {@code llm.client.batch.items} is counted, or
	 * {@code null} for nowhere
	 * @param observationRegistry where each batch is observed ({@code llm.client.batch},
	 * its items' calls as children), or {@code null} for nowhere
	 */
	public LlmBatchService(LlmClient client, MeterRegistry meterRegistry, ObservationRegistry observationRegistry) {
		this(client, maxConcurrentOf(client), meterRegistry, observationRegistry);
	}

	/**
	 * Creates a batch service that keeps at most {@code maxConcurrent} items of each
	 * batch in flight. A value above the client's own limit gains nothing: the extra
	 * items wait for the client's slots. A lower one leaves room for other callers.
	 * @param client the client every item goes through
	 * @param maxConcurrent items of one batch in flight at once, at least 1
	 * @param meterRegistry where {@code llm.client.batch.items} is counted, or
	 * {@code null} for nowhere
	 */
	public LlmBatchService(LlmClient client, int maxConcurrent, MeterRegistry meterRegistry) {
		this(client, maxConcurrent, meterRegistry, null);
	}

	/**
	 * Creates a batch service whose batches are observed: each batch is an observation
	 * {@code llm.client.batch} with its items' calls as children (when the client
	 * observes its calls in the same registry).
	 * @param client the client every item goes through
	 * @param maxConcurrent items of one batch in flight at once, at least 1
	 * @param meterRegistry where {@code llm.client.batch.items} is counted, or
	 * {@code null} for nowhere
	 * @param observationRegistry where batches are observed, or {@code null} for nowhere
	 */
	public LlmBatchService(LlmClient client, int maxConcurrent, MeterRegistry meterRegistry,
			ObservationRegistry observationRegistry) {
		this.client = Objects.requireNonNull(client, "client must not be null");
		if (maxConcurrent < 1) {
			throw new IllegalArgumentException("maxConcurrent must be at least 1, was " + maxConcurrent);
		}
		this.maxConcurrent = maxConcurrent;
		this.metrics = (meterRegistry != null) ? new MicrometerBatchMetrics(meterRegistry, client.name())
				: BatchMetrics.NONE;
		this.observationRegistry = (observationRegistry != null) ? observationRegistry : ObservationRegistry.NOOP;
		this.jobs = (client instanceof DefaultLlmClient own)
				? new BatchJobs(this, own.batchApi(), own.settings().batchJobs(), this.metrics)
				: new BatchJobs(this, null, BatchJobSettings.DEFAULTS, this.metrics);
	}

	LlmClient client() {
		return this.client;
	}

	private static int maxConcurrentOf(LlmClient client) {
		Objects.requireNonNull(client, "client must not be null");
		int maxConcurrent = client.maxConcurrent();
		if (maxConcurrent < 1) {
			throw new IllegalArgumentException("Cannot size a batch from " + client + ".maxConcurrent() = "
					+ maxConcurrent + ": pass maxConcurrent to the LlmBatchService constructor");
		}
		return maxConcurrent;
	}

	/**
	 * Returns how many items of one batch are in flight at most.
	 * @return the limit per batch
	 */
	public int maxConcurrent() {
		return this.maxConcurrent;
	}

	/**
	 * Sends each prompt as one user message with the client's default model.
	 * @param prompts the prompts, none {@code null} or blank
	 * @return one item per prompt, in order
	 * @throws IllegalArgumentException before anything is sent, naming the index of the
	 * first invalid prompt
	 */
	public BatchResult generateAll(List<String> prompts) {
		return generateAll(prompts, BatchOptions.defaults());
	}

	/**
	 * Sends each prompt as one user message with the client's default model, with a
	 * deadline or progress callback.
	 * @param prompts the prompts, none {@code null} or blank
	 * @param options deadline and progress callback
	 * @return one item per prompt, in order
	 * @throws IllegalArgumentException before anything is sent, naming the index of the
	 * first invalid prompt
	 */
	public BatchResult generateAll(List<String> prompts, BatchOptions options) {
		if (prompts == null) {
			throw new IllegalArgumentException("prompts must not be null");
		}
		List<ChatRequest> requests = new ArrayList<>(prompts.size());
		int index = 0;
		for (String prompt : prompts) {
			if (prompt == null || prompt.isBlank()) {
				throw new IllegalArgumentException("prompts[" + index + "] must not be "
						+ ((prompt == null) ? "null" : "blank") + "; nothing was sent");
			}
			requests.add(ChatRequest.of(prompt));
			index++;
		}
		return run(requests, options);
	}

	/**
	 * Sends each request.
	 * @param requests the requests, none {@code null}
	 * @return one item per request, in order
	 * @throws IllegalArgumentException before anything is sent, naming the index of the
	 * first {@code null} request
	 */
	public BatchResult chatAll(List<ChatRequest> requests) {
		return chatAll(requests, BatchOptions.defaults());
	}

	/**
	 * Sends each request, with a deadline or progress callback.
	 * @param requests the requests, none {@code null}
	 * @param options deadline and progress callback
	 * @return one item per request, in order
	 * @throws IllegalArgumentException before anything is sent, naming the index of the
	 * first {@code null} request
	 */
	public BatchResult chatAll(List<ChatRequest> requests, BatchOptions options) {
		if (requests == null) {
			throw new IllegalArgumentException("requests must not be null");
		}
		List<ChatRequest> copy = new ArrayList<>(requests.size());
		int index = 0;
		for (ChatRequest request : requests) {
			if (request == null) {
				throw new IllegalArgumentException("requests[" + index + "] must not be null; nothing was sent");
			}
			copy.add(request);
			index++;
		}
		return run(copy, options);
	}

	/**
	 * Sends each request for a structured answer and maps each answer into a record, as
	 * {@link LlmClient#chat(ChatRequest, Class)} does: requests without a response format
	 * of their own ask for the strict schema of the type (generated once). An answer that
	 * does not fit fails only its item, with an
	 * {@link dev.llmclient.LlmStructuredOutputException} carrying the raw text; no repair
	 * attempt is made inside a batch (resend the failed items if wanted).
	 * @param requests the requests, none {@code null}
	 * @param type a record type
	 * @param <T> the type of the answers
	 * @return one item and one value per request, in order
	 * @throws IllegalArgumentException before anything is sent, naming the first
	 * {@code null} request, or the type and field that cannot be described
	 */
	public <T> StructuredBatchResult<T> chatAll(List<ChatRequest> requests, Class<T> type) {
		return chatAll(requests, type, BatchOptions.defaults());
	}

	/**
	 * Sends each request for a structured answer, with a deadline or progress callback;
	 * see {@link #chatAll(List, Class)}.
	 * @param requests the requests, none {@code null}
	 * @param type a record type
	 * @param options deadline and progress callback
	 * @param <T> the type of the answers
	 * @return one item and one value per request, in order
	 * @throws IllegalArgumentException before anything is sent, naming the first
	 * {@code null} request, or the type and field that cannot be described
	 */
	public <T> StructuredBatchResult<T> chatAll(List<ChatRequest> requests, Class<T> type, BatchOptions options) {
		if (requests == null) {
			throw new IllegalArgumentException("requests must not be null");
		}
		List<ChatRequest> structured = new ArrayList<>(requests.size());
		int index = 0;
		for (ChatRequest request : requests) {
			if (request == null) {
				throw new IllegalArgumentException("requests[" + index + "] must not be null; nothing was sent");
			}
			structured.add(LlmClient.structured(request, type));
			index++;
		}
		AtomicReferenceArray<T> values = new AtomicReferenceArray<>(structured.size());
		BatchResult result = run(structured, options, (item) -> {
			CompletableFuture<ChatResponse> call = this.client.chatAsync(structured.get(item));
			CompletableFuture<ChatResponse> mapped = call.thenApply((response) -> {
				values.set(item, response.contentAs(type));
				return response;
			});
			// the batch cancels what it started: the mapping, and so the call under it
			mapped.whenComplete((response, error) -> {
				if (mapped.isCancelled()) {
					call.cancel(true);
				}
			});
			return mapped;
		});
		List<T> list = new ArrayList<>(structured.size());
		for (int i = 0; i < structured.size(); i++) {
			list.add(result.items().get(i).ok() ? values.get(i) : null);
		}
		return new StructuredBatchResult<>(result, list);
	}

	/**
	 * Embeds every text with the client's embedding model. The texts are sent in requests
	 * of at most the client's {@code embedding-batch-size} texts
	 * ({@link LlmClient#embeddingBatchSize()}), at most {@link #maxConcurrent()} requests
	 * in flight; a request that fails fails only its own texts.
	 * @param texts the texts, none {@code null} or empty
	 * @return one item per text, in order
	 * @throws IllegalArgumentException before anything is sent, naming the index of the
	 * first invalid text
	 */
	public EmbeddingBatchResult embedAll(List<String> texts) {
		return embedAll(EmbeddingRequest.of(texts), BatchOptions.defaults());
	}

	/**
	 * Embeds every text of a request (its model and dimensions apply to every text), with
	 * a deadline or progress callback; progress counts texts. See
	 * {@link #embedAll(List)}.
	 * @param request the texts and options
	 * @param options deadline and progress callback
	 * @return one item per text, in order
	 */
	public EmbeddingBatchResult embedAll(EmbeddingRequest request, BatchOptions options) {
		Objects.requireNonNull(request, "request must not be null");
		int size = this.client.embeddingBatchSize();
		if (size < 1) {
			throw new IllegalArgumentException("Cannot slice texts for " + this.client + ".embeddingBatchSize() = "
					+ size + ": it must be at least 1");
		}
		List<String> texts = request.inputs();
		List<EmbeddingRequest> slices = new ArrayList<>((texts.size() + size - 1) / size);
		for (int from = 0; from < texts.size(); from += size) {
			slices.add(request.withInputs(texts.subList(from, Math.min(from + size, texts.size()))));
		}
		EmbeddingItem[] items = new EmbeddingItem[texts.size()];
		BatchRun.Slots<EmbeddingResponse> slots = new BatchRun.Slots<>() {

			@Override
			public int size(int unit) {
				return slices.get(unit).inputs().size();
			}

			@Override
			public void record(int unit, EmbeddingResponse response, Throwable error) {
				int first = unit * size;
				List<String> inputs = slices.get(unit).inputs();
				for (int i = 0; i < inputs.size(); i++) {
					items[first + i] = (error == null)
							? new EmbeddingItem.Success(first + i, inputs.get(i), response.vector(i), response.model())
							: new EmbeddingItem.Failure(first + i, inputs.get(i), error);
				}
			}

		};
		BatchRun.Tally tally = run(slices, this.client::embedAsync, slots, options);
		return new EmbeddingBatchResult(Arrays.asList(items), tally.succeeded(), tally.failed(), tally.elapsed());
	}

	/**
	 * Hands chat requests to the provider as one batch job and returns its handle at once
	 * (after the input file is uploaded and the batch created). See {@link BatchJob} and
	 * the guide's "Batch jobs": half the price of live calls, answered within the
	 * completion window; on a server without the Batch API (404), and with
	 * {@code batch-jobs.mode=auto}, the requests run through {@link #chatAll} behind the
	 * same handle ({@link BatchJob.Mode#LIVE}).
	 * @param requests the requests, none {@code null}
	 * @return the job's handle
	 * @throws IllegalArgumentException before anything is sent, naming the first
	 * {@code null} request
	 * @throws dev.llmclient.LlmClientException when the file cannot be uploaded or the
	 * batch created, or the server has no Batch API and {@code batch-jobs.mode} is
	 * {@code provider}
	 */
	public BatchJob<BatchResult> submit(List<ChatRequest> requests) {
		return submit(requests, BatchJobOptions.defaults());
	}

	/**
	 * Hands chat requests to the provider as one batch job, with a completion window,
	 * metadata or mode of its own; see {@link #submit(List)}.
	 * @param requests the requests, none {@code null}
	 * @param options the job's options
	 * @return the job's handle
	 */
	public BatchJob<BatchResult> submit(List<ChatRequest> requests, BatchJobOptions options) {
		return this.jobs.submit(JobKind.CHAT, copyOf(requests),
				(options != null) ? options : BatchJobOptions.defaults());
	}

	/**
	 * Hands embeddings requests to the provider as one batch job; one item of the result
	 * per text, in order over all requests. See {@link #submit(List)}.
	 * @param requests the requests, none {@code null}
	 * @return the job's handle
	 */
	public BatchJob<EmbeddingBatchResult> submitEmbeddings(List<EmbeddingRequest> requests) {
		return submitEmbeddings(requests, BatchJobOptions.defaults());
	}

	/**
	 * Hands embeddings requests to the provider as one batch job, with options of its
	 * own; see {@link #submitEmbeddings(List)}.
	 * @param requests the requests, none {@code null}
	 * @param options the job's options
	 * @return the job's handle
	 */
	public BatchJob<EmbeddingBatchResult> submitEmbeddings(List<EmbeddingRequest> requests, BatchJobOptions options) {
		return this.jobs.submit(JobKind.EMBEDDINGS, copyOf(requests),
				(options != null) ? options : BatchJobOptions.defaults());
	}

	/**
	 * Finds a chat batch job again from its id alone, after a restart or in another
	 * process: the requests are read back from the provider's input file.
	 * @param id what {@link BatchJob#id()} returned
	 * @return the job's handle
	 * @throws IllegalArgumentException for an id that is not a batch job's, or the id of
	 * a {@link BatchJob.Mode#LIVE} job of another process (which cannot be resumed)
	 * @throws dev.llmclient.LlmClientException when the provider cannot be asked, or does
	 * not know the id
	 */
	public BatchJob<BatchResult> job(String id) {
		return this.jobs.job(JobKind.CHAT, id);
	}

	/**
	 * Finds an embeddings batch job again from its id alone; see {@link #job(String)}.
	 * @param id what {@link BatchJob#id()} returned
	 * @return the job's handle
	 */
	public BatchJob<EmbeddingBatchResult> embeddingsJob(String id) {
		return this.jobs.job(JobKind.EMBEDDINGS, id);
	}

	/** A copy of the requests of a job, none {@code null} and at least one. */
	private static <Q> List<Q> copyOf(List<Q> requests) {
		if (requests == null || requests.isEmpty()) {
			throw new IllegalArgumentException("requests must hold at least one request; nothing was sent");
		}
		List<Q> copy = new ArrayList<>(requests.size());
		for (Q request : requests) {
			if (request == null) {
				throw new IllegalArgumentException("requests[" + copy.size() + "] must not be null; nothing was sent");
			}
			copy.add(request);
		}
		return copy;
	}

	private BatchResult run(List<ChatRequest> requests, BatchOptions options) {
		return run(requests, options, (index) -> this.client.chatAsync(requests.get(index)));
	}

	/**
	 * Runs chat requests, one item per request; {@code send} starts the call of the
	 * request at an index. Cancelling the future it returns must cancel the call.
	 */
	private BatchResult run(List<ChatRequest> requests, BatchOptions options,
			IntFunction<CompletableFuture<ChatResponse>> send) {
		BatchItem[] items = new BatchItem[requests.size()];
		BatchProgress progress = (options != null) ? options.progress() : null;
		BatchRun.Slots<ChatResponse> slots = new BatchRun.Slots<>() {

			@Override
			public int size(int unit) {
				return 1;
			}

			@Override
			public void record(int unit, ChatResponse response, Throwable error) {
				ChatRequest request = requests.get(unit);
				items[unit] = (error == null) ? new BatchItem.Success(unit, request, response)
						: new BatchItem.Failure(unit, request, error);
				if (progress != null) {
					progress.onItem(items[unit]);
				}
			}

		};
		List<Integer> indexes = IntStream.range(0, requests.size()).boxed().toList();
		BatchRun.Tally tally = run(indexes, send::apply, slots, options);
		return new BatchResult(Arrays.asList(items), tally.succeeded(), tally.failed(), tally.elapsed());
	}

	private <Q, R> BatchRun.Tally run(List<Q> units, Function<Q, CompletableFuture<R>> send, BatchRun.Slots<R> slots,
			BatchOptions options) {
		return new BatchRun<>(units, send, slots, this.maxConcurrent,
				(options != null) ? options : BatchOptions.defaults(), this.metrics, this.observationRegistry)
			.run();
	}

	@Override
	public String toString() {
		return "LlmBatchService[maxConcurrent=" + this.maxConcurrent + ", client=" + this.client + "]";
	}

}
