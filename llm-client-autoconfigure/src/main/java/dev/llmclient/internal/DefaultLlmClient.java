package dev.llmclient.internal;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import io.micrometer.observation.Observation;

import org.springframework.web.client.RestClient;

import dev.llmclient.ChatChunk;
import dev.llmclient.ChatRequest;
import dev.llmclient.ChatResponse;
import dev.llmclient.EmbeddingRequest;
import dev.llmclient.EmbeddingResponse;
import dev.llmclient.LlmClient;
import dev.llmclient.LlmClientBuilder;
import dev.llmclient.LlmClientException;
import dev.llmclient.LlmClientHealth;
import dev.llmclient.LlmClientSettings;
import dev.llmclient.internal.call.AsyncCalls;
import dev.llmclient.internal.call.CallPipeline;
import dev.llmclient.internal.operation.BatchApi;
import dev.llmclient.internal.operation.EmbeddingSlices;
import dev.llmclient.internal.operation.Operations;
import dev.llmclient.internal.operation.StructuredCalls;
import dev.llmclient.internal.recording.CallMetrics;
import dev.llmclient.internal.recording.CallObservations;

/**
 * The client: a facade that checks its arguments, picks the
 * {@link dev.llmclient.internal.call.Operation} (chat, stream, embeddings) and hands it
 * to the {@link CallPipeline}, which runs every call the same way (admission, routing,
 * attempts and retries, record, observation). An {@code embed} call of many texts is
 * several calls, one per slice of {@code embedding-batch-size} texts (see
 * {@link EmbeddingSlices}). The parts are put together once, by {@link ClientAssembly}.
 * <p>
 * {@link #create(LlmClientBuilder, RestClient.Builder)} is the one seam between the
 * public API and the implementation: {@link LlmClientBuilder#build()} and the
 * auto-configuration hand it the builder.
 */
public final class DefaultLlmClient implements LlmClient {

	private final LlmClientSettings settings;

	private final Operations operations;

	private final CallPipeline pipeline;

	private final AsyncCalls async;

	private final StructuredCalls structured;

	private final WarmUp warmUp;

	private final CallObservations observations;

	private final CallMetrics metrics;

	private final BatchApi batchApi;

	private DefaultLlmClient(ClientAssembly parts) {
		this.settings = parts.settings;
		this.operations = parts.operations;
		this.pipeline = parts.pipeline;
		this.async = parts.async;
		this.warmUp = parts.warmUp;
		this.observations = parts.observations;
		this.metrics = parts.metrics;
		this.structured = new StructuredCalls(this, this.settings.chat().structuredOutputRepair());
		this.batchApi = new BatchApi(this.settings, this.operations, this.pipeline);
	}

	/**
	 * Creates a client from everything a builder holds: its settings, registries,
	 * observation convention, and what it made of the concurrency limiter and budgets.
	 * @param builder the builder
	 * @param restClientBuilder the builder to start from (Spring Boot's, so its
	 * customizers and observation apply), or {@code null} for a plain one
	 * @return the client, not warmed up yet (see {@link #warmUp()})
	 */
	public static DefaultLlmClient create(LlmClientBuilder builder, RestClient.Builder restClientBuilder) {
		return create(builder, restClientBuilder, System::nanoTime);
	}

	/**
	 * Creates a client whose health probes and cooldowns read time from the given clock,
	 * so tests let time pass without sleeping.
	 */
	static DefaultLlmClient create(LlmClientBuilder builder, RestClient.Builder restClientBuilder,
			LongSupplier nanoClock) {
		return new DefaultLlmClient(new ClientAssembly(builder, restClientBuilder, nanoClock));
	}

	/**
	 * Returns the settings this client was built with.
	 * @return the settings
	 */
	public LlmClientSettings settings() {
		return this.settings;
	}

	/**
	 * Returns the provider's Files and Batches API over this client's pipeline: the seam
	 * {@link dev.llmclient.batch.LlmBatchService} runs batch jobs through.
	 * @return the API
	 */
	public BatchApi batchApi() {
		return this.batchApi;
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
		return this.pipeline.run(this.operations.chat(request), null, null);
	}

	@Override
	public <T> T chat(ChatRequest request, Class<T> type) {
		return this.structured.chat(request, type);
	}

	@Override
	public <T> CompletableFuture<T> chatAsync(ChatRequest request, Class<T> type) {
		return this.structured.chatAsync(request, type);
	}

	@Override
	public String generate(String prompt) {
		return chat(ChatRequest.of(prompt)).content();
	}

	@Override
	public CompletableFuture<ChatResponse> chatAsync(ChatRequest request) {
		Objects.requireNonNull(request, "request must not be null");
		this.pipeline.ensureOpen();
		// the caller's observation, such as a batch's: the call runs on another thread
		return this.async.submit(this.operations.chat(request), this.observations.current());
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
		return this.pipeline.run(this.operations.stream(request, onChunk), null, null);
	}

	@Override
	public CompletableFuture<ChatResponse> streamAsync(ChatRequest request, Consumer<ChatChunk> onChunk) {
		Objects.requireNonNull(request, "request must not be null");
		Objects.requireNonNull(onChunk, "onChunk must not be null");
		this.pipeline.ensureOpen();
		return this.async.submit(this.operations.stream(request, onChunk), this.observations.current());
	}

	@Override
	public EmbeddingResponse embed(EmbeddingRequest request) {
		Objects.requireNonNull(request, "request must not be null");
		if (request.inputs().size() <= embeddingBatchSize()) {
			return this.pipeline.run(this.operations.embeddings(request), null, null);
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
		this.pipeline.ensureOpen();
		// the caller's observation, such as a batch's: the slices run on other threads
		Observation parent = this.observations.current();
		int size = embeddingBatchSize();
		if (request.inputs().size() <= size) {
			return this.async.submit(this.operations.embeddings(request), parent);
		}
		return new EmbeddingSlices(EmbeddingSlices.slice(request, size), maxConcurrent(),
				(slice) -> this.async.submit(this.operations.embeddings(slice), parent))
			.start();
	}

	@Override
	public int embeddingBatchSize() {
		return this.settings.embeddings().batchSize();
	}

	@Override
	public LlmClientHealth health() {
		return this.pipeline.health();
	}

	/**
	 * Opens the warm-up connections and exercises the call path, as eager initialisation
	 * does (see {@link WarmUp}); logs what happened.
	 * @throws dev.llmclient.LlmConnectionException when the endpoint cannot be reached
	 * and {@code warm-up.fail-fast} is set
	 */
	public void warmUp() {
		this.pipeline.ensureOpen();
		this.warmUp.run();
	}

	/**
	 * Stops taking calls, lets calls in flight finish within {@code shutdown-timeout},
	 * then closes the pools; calls still running then fail saying the client was closed.
	 */
	@Override
	public void close() {
		this.pipeline.close(this.async::shutdown, this.metrics::close);
	}

	@Override
	public String toString() {
		return "DefaultLlmClient[" + this.settings.displayEndpoint() + "]";
	}

}
