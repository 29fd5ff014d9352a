package dev.llmclient;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Client for a server that speaks the OpenAI-compatible chat completions and embeddings
 * API (OpenAI, vLLM, Ollama, llama.cpp, LM Studio and the like).
 * <p>
 * An instance is thread-safe and holds a connection pool: share one per endpoint across
 * the application rather than creating one per call. In a Spring Boot application inject
 * the auto-configured bean; elsewhere build one with {@link #builder()} and close it when
 * done, ideally with try-with-resources.
 *
 * @since 0.1.0
 */
public interface LlmClient extends AutoCloseable {

	/**
	 * Sends one chat completion request and waits for the whole answer.
	 * @param request the request; its model defaults to the client's model
	 * @return the answer
	 * @throws LlmClientException (or a subtype) when the call fails
	 * @throws IllegalArgumentException when the request is invalid
	 * @throws IllegalStateException when the client is closed
	 */
	ChatResponse chat(ChatRequest request);

	/**
	 * Sends a request for a structured answer and maps it into a record. Unless the
	 * request sets a response format of its own, it is sent with
	 * {@link ResponseFormat#jsonSchema(Class) the strict JSON schema of the type}
	 * (generated once per type); with {@link ResponseFormat#JSON_OBJECT} the answer is
	 * mapped the same way. The call is one call of the client: same bulkhead, retries and
	 * metrics as {@link #chat(ChatRequest)}.
	 * <p>
	 * This default sends one call; the client built by {@link #builder()} or
	 * auto-configured also makes the one repair attempt its
	 * {@code chat.structured-output-repair} setting allows.
	 * @param request the request
	 * @param type a record type
	 * @param <T> the type of the answer
	 * @return the answer as a record
	 * @throws LlmStructuredOutputException carrying the raw text when the model refused,
	 * or its answer is not JSON or lacks a required field
	 * @throws IllegalArgumentException naming the type and field when the type cannot be
	 * described by a schema, before anything is sent
	 * @throws LlmClientException (or another subtype) when the call fails
	 */
	default <T> T chat(ChatRequest request, Class<T> type) {
		return chat(structured(request, type)).contentAs(type);
	}

	/**
	 * Sends a request for a structured answer without blocking the caller; see
	 * {@link #chat(ChatRequest, Class)}.
	 * @param request the request
	 * @param type a record type
	 * @param <T> the type of the answer
	 * @return a future completed with the answer, or exceptionally with the exceptions
	 * {@link #chat(ChatRequest, Class)} throws
	 * @throws IllegalArgumentException naming the type and field when the type cannot be
	 * described by a schema, before anything is sent
	 */
	default <T> CompletableFuture<T> chatAsync(ChatRequest request, Class<T> type) {
		return chatAsync(structured(request, type)).thenApply((response) -> response.contentAs(type));
	}

	/**
	 * Returns the request a structured call sends: the request itself when it sets a
	 * response format, otherwise a copy asking for the strict schema of the type.
	 * @param request the request
	 * @param type a record type
	 * @return the request to send
	 * @throws IllegalArgumentException naming the type and field when the type cannot be
	 * described by a schema
	 */
	static ChatRequest structured(ChatRequest request, Class<?> type) {
		if (request == null) {
			throw new IllegalArgumentException("request must not be null");
		}
		ResponseFormat format = ResponseFormat.jsonSchema(type);
		if (request.responseFormat() != null) {
			return request;
		}
		// the canonical constructor, not a builder: its copies of immutable lists are
		// free
		return new ChatRequest(request.model(), request.messages(), request.temperature(), request.maxTokens(),
				request.topP(), request.stop(), request.extra(), request.tools(), request.toolChoice(),
				request.parallelToolCalls(), format, request.requestClass(), request.promptCacheKey());
	}

	/**
	 * Sends one user message with the client's default model and returns the answer's
	 * text.
	 * @param prompt the user message, not blank
	 * @return the text of the answer
	 */
	String generate(String prompt);

	/**
	 * Sends a chat completion request without blocking the caller. Cancelling the
	 * returned future stops the call: one not started is never sent, one on the wire is
	 * aborted and its connection closed, and its {@code max-concurrent} slot is free
	 * again at once.
	 * @param request the request
	 * @return a future completed with the answer, or exceptionally with the same
	 * exceptions {@link #chat(ChatRequest)} throws
	 */
	CompletableFuture<ChatResponse> chatAsync(ChatRequest request);

	/**
	 * Sends a chat completion request as a stream of server-sent events, handing each
	 * delta to {@code onChunk} as it arrives. The call blocks until the stream has ended,
	 * holding one of the client's {@code max-concurrent} slots. It is retried only while
	 * nothing has reached {@code onChunk}; a stream that does not end with {@code [DONE]}
	 * or a finish reason is never returned as a success.
	 * @param request the request
	 * @param onChunk called on the calling thread for every delta that carries text or
	 * the finish reason, in order; if it throws, the stream stops, its connection is
	 * closed and the exception propagates unchanged
	 * @return the assembled answer once the stream has ended
	 * @throws LlmStreamException when the server sends an error inside the stream, or the
	 * stream is cut before it is complete
	 * @throws LlmClientException (or another subtype) when the call fails as
	 * {@link #chat} can, including {@link LlmTimeoutException} when the server is silent
	 * for {@code read-timeout} between chunks
	 */
	ChatResponse stream(ChatRequest request, Consumer<ChatChunk> onChunk);

	/**
	 * Streams a chat completion without blocking the caller: the same call as
	 * {@link #stream(ChatRequest, Consumer)}, run on the client's async executor (where
	 * {@link #chatAsync(ChatRequest)} calls run). Cancelling the returned future stops
	 * the stream at once, also while the server is silent: its connection is aborted, its
	 * {@code max-concurrent} slot is free again, and the call counts as cancelled, never
	 * as failed.
	 * @param request the request
	 * @param onChunk called on the thread running the call for every delta that carries
	 * text or the finish reason, in order; if it throws, the stream stops and the future
	 * completes exceptionally with what it threw
	 * @return a future completed with the assembled answer once the stream has ended, or
	 * exceptionally with the same exceptions {@link #stream(ChatRequest, Consumer)}
	 * throws
	 * @throws IllegalStateException when the client is closed
	 * @since 0.1.0
	 */
	CompletableFuture<ChatResponse> streamAsync(ChatRequest request, Consumer<ChatChunk> onChunk);

	/**
	 * Turns texts into vectors ({@code POST {endpoint}/embeddings}). Any number of texts
	 * may be given: they are sent in slices of at most {@code embedding-batch-size}
	 * texts, at most {@link #maxConcurrent()} slices at once, and the vectors come back
	 * in input order. Each slice is one call, like a chat call: it takes one of the
	 * client's {@code max-concurrent} slots, and is retried, timed out and recorded on
	 * its own. When one slice fails for good the whole call fails with its exception, and
	 * slices not yet sent are not sent; to keep the vectors of the slices that succeeded,
	 * use {@code LlmBatchService.embedAll}.
	 * @param request the texts and options; its model defaults to the client's
	 * {@code embedding-model}
	 * @return one vector per text, in input order
	 * @throws LlmClientException (or a subtype) when a slice fails, including
	 * {@link LlmMalformedResponseException} when the server answers fewer or more vectors
	 * than it was sent texts
	 * @throws IllegalArgumentException when the request is invalid
	 * @throws IllegalStateException when the client is closed
	 */
	EmbeddingResponse embed(EmbeddingRequest request);

	/**
	 * Turns texts into vectors with the client's embedding model: see
	 * {@link #embed(EmbeddingRequest)}.
	 * @param texts the texts, at least one, none {@code null} or empty
	 * @return one vector per text, in input order
	 */
	default EmbeddingResponse embed(List<String> texts) {
		return embed(EmbeddingRequest.of(texts));
	}

	/**
	 * Turns one text into a vector with the client's embedding model.
	 * @param text the text, not {@code null} or empty
	 * @return its vector
	 */
	default float[] embed(String text) {
		return embed(EmbeddingRequest.of(List.of(text))).vector(0);
	}

	/**
	 * Turns texts into vectors without blocking the caller: see
	 * {@link #embed(EmbeddingRequest)}. Cancelling the returned future stops every slice,
	 * as cancelling {@link #chatAsync} stops a chat call.
	 * @param request the texts and options
	 * @return a future completed with the vectors, or exceptionally with the same
	 * exceptions {@link #embed(EmbeddingRequest)} throws
	 */
	CompletableFuture<EmbeddingResponse> embedAsync(EmbeddingRequest request);

	/**
	 * Returns how many texts the client sends in one embeddings request at most (its
	 * {@code embedding-batch-size} setting): what a caller that wants the failure of one
	 * request to cost only that request's texts, such as a batch, slices by.
	 * @return the limit, 1 to 2048
	 */
	int embeddingBatchSize();

	/**
	 * Returns the client's health: the facts shown by the Actuator health indicator.
	 * Makes no call to the server unless an active probe is configured.
	 * @return a snapshot of the client's health
	 */
	LlmClientHealth health();

	/**
	 * Returns the client's name, which tells several clients of one application apart:
	 * the name given to the builder, {@code default} when none was given.
	 * @return the name, 1 to 64 characters of {@code [A-Za-z0-9._-]}
	 */
	String name();

	/**
	 * Returns how many calls the client lets be in flight at once, client-wide (its
	 * {@code max-concurrent} setting): what a caller that fans out work, such as a batch,
	 * needs to size itself. Reads the settings only: unlike {@link #health()} it never
	 * touches the network.
	 * @return the limit, at least 1
	 */
	int maxConcurrent();

	/**
	 * Stops taking calls, lets calls in flight finish within the shutdown timeout, then
	 * closes the connection pool. Idempotent; calls made afterwards fail with
	 * {@link IllegalStateException}.
	 */
	@Override
	void close();

	/**
	 * Starts building a client with no meter or observation registry, customizer or
	 * {@code RestClient.Builder}: for use outside a Spring application context. In a
	 * Spring Boot application, inject the {@code llmClientBuilder} bean instead, which
	 * comes with the application's.
	 * @return a new builder
	 */
	static LlmClientBuilder builder() {
		return new LlmClientBuilder();
	}

}
