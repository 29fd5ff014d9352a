package dev.llmclient.internal.operation;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.springframework.http.MediaType;

import dev.llmclient.ChatRequest;
import dev.llmclient.ChatResponse;
import dev.llmclient.EmbeddingRequest;
import dev.llmclient.EmbeddingResponse;
import dev.llmclient.LlmClientSettings;
import dev.llmclient.internal.call.CallPipeline;

/**
 * The provider's Files and Batches API ({@code /files}, {@code /batches}) as a batch job
 * uses it: every call goes through the client's {@link CallPipeline} (endpoint, key, SSL
 * bundle, proxy, admission, retries with {@code Retry-After}, spans and metrics), pinned
 * to one endpoint; request lines are encoded, and answer lines read, by the same codecs
 * as live calls.
 */
public final class BatchApi {

	/** The {@code url} of a chat request line and the {@code endpoint} of its batch. */
	public static final String CHAT_URL = "/v1/chat/completions";

	/**
	 * The {@code url} of an embeddings request line and the {@code endpoint} of its
	 * batch.
	 */
	public static final String EMBEDDINGS_URL = "/v1/embeddings";

	private final LlmClientSettings settings;

	private final List<LlmClientSettings> endpoints;

	private final Operations operations;

	private final CallPipeline pipeline;

	public BatchApi(LlmClientSettings settings, Operations operations, CallPipeline pipeline) {
		this.settings = settings;
		this.endpoints = settings.perEndpoint();
		this.operations = operations;
		this.pipeline = pipeline;
	}

	/** The client's settings. */
	public LlmClientSettings settings() {
		return this.settings;
	}

	/** How many endpoints the client has: a job lives on one of them. */
	public int endpoints() {
		return this.endpoints.size();
	}

	/**
	 * The body of a chat request line, as a live call would send it to the endpoint.
	 * @throws IllegalArgumentException when neither the request nor the client names a
	 * model (a batch line must)
	 */
	public byte[] chatBody(ChatRequest request, int endpoint) {
		String model = (request.model() != null) ? request.model() : this.endpoints.get(endpoint).model();
		if (model == null) {
			throw new IllegalArgumentException("The request names no model and " + this.settings.property("model")
					+ " is not set: every request of a batch job must name its model");
		}
		return this.operations.chatCodec().encode(request, model, false);
	}

	/**
	 * The body of an embeddings request line, as a live call would send it.
	 * @throws IllegalArgumentException when neither the request nor the client names a
	 * model
	 */
	public byte[] embeddingsBody(EmbeddingRequest request, int endpoint) {
		String model = (request.model() != null) ? request.model() : this.endpoints.get(endpoint).embeddings().model();
		if (model == null) {
			throw new IllegalArgumentException(
					"The request names no model and " + this.settings.property("embedding-model")
							+ " is not set: every request of a batch job must name its model");
		}
		return this.operations.embeddingCodec().encode(request, model);
	}

	/** Reads the body of an answered chat request line, as a live answer is read. */
	public ChatResponse chatResponse(byte[] body) {
		return this.operations.chatCodec().completion(body, MediaType.APPLICATION_JSON, null, System.nanoTime());
	}

	/**
	 * Reads the body of an answered embeddings request line, as a live answer is read.
	 */
	public EmbeddingResponse embeddingResponse(byte[] body, int inputs) {
		try {
			return this.operations.embeddingCodec()
				.read(new ByteArrayInputStream(body), inputs, null, System.nanoTime());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Uploads an input file with {@code purpose=batch}; returns its id. */
	public String upload(int endpoint, Path file, String filename) {
		return this.pipeline.run(new BatchApiOperation.Upload(this.operations, endpoint, file, filename), null, null);
	}

	/** Creates a batch over an uploaded input file. */
	public ProviderBatch create(int endpoint, String inputFileId, String url, String completionWindow,
			Map<String, String> metadata) {
		byte[] body = BatchJson.createBody(inputFileId, url, completionWindow, metadata);
		return this.pipeline.run(new BatchApiOperation.Create(this.operations, endpoint, body), null, null);
	}

	/** Asks the provider for a batch. */
	public ProviderBatch retrieve(int endpoint, String id) {
		return this.pipeline.run(new BatchApiOperation.Status(this.operations, endpoint, id, false), null, null);
	}

	/** Asks the provider to cancel a batch. */
	public ProviderBatch cancel(int endpoint, String id) {
		return this.pipeline.run(new BatchApiOperation.Status(this.operations, endpoint, id, true), null, null);
	}

	/**
	 * Reads a file line by line as it arrives (a retried download hands the lines again
	 * from the first); returns the number of lines.
	 */
	public int read(int endpoint, String fileId, Consumer<byte[]> lines) {
		return this.pipeline.run(new BatchApiOperation.Read(this.operations, endpoint, fileId, lines), null, null);
	}

	/** Deletes a file. */
	public void delete(int endpoint, String fileId) {
		this.pipeline.run(new BatchApiOperation.Delete(this.operations, endpoint, fileId), null, null);
	}

}
