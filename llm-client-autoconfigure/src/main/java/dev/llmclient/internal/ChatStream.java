package dev.llmclient.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import dev.llmclient.ChatChunk;
import dev.llmclient.ChatResponse;
import dev.llmclient.LlmClientSettings;
import dev.llmclient.LlmMalformedResponseException;
import dev.llmclient.LlmStreamException;
import dev.llmclient.LlmTimeoutException;
import dev.llmclient.Usage;

/**
 * One streamed answer: reads the server-sent events of a chat completion as they arrive,
 * hands each delta to the consumer at once, and assembles the whole answer. It ends
 * normally only on {@code [DONE]} or once a finish reason was seen; an error event, a cut
 * stream, silence longer than {@code read-timeout} or a body past
 * {@code max-response-size} each end it with a typed exception. Whenever it does not end
 * normally, the connection is aborted rather than drained.
 */
final class ChatStream {

	/**
	 * Wraps what the caller's consumer threw, so that no retry or mapping mistakes it for
	 * a failure of the call.
	 */
	static final class ConsumerFailure extends RuntimeException {

		private static final long serialVersionUID = 1L;

		ConsumerFailure(Throwable cause) {
			super(cause.toString(), cause, false, false);
		}

		/** Throws what the consumer threw, as it was. */
		RuntimeException rethrow() {
			Throwable cause = getCause();
			if (cause instanceof Error error) {
				throw error;
			}
			return (RuntimeException) cause;
		}

	}

	/**
	 * One chunk, or an error in the stream: OpenAI's {@code {"error": {...}}} or vLLM's
	 * {@code {"object": "error", ...}}.
	 */
	@JsonIgnoreProperties(ignoreUnknown = true)
	record ChunkBody(String id, String object, String model, List<WireFormat.Choice> choices,
			WireFormat.UsageBody usage, JsonNode error, JsonNode message, JsonNode type, JsonNode code) {
	}

	private static final String DONE = "[DONE]";

	private final LlmClientSettings settings;

	private final Failures failures;

	private final Consumer<ChatChunk> onChunk;

	private final String requestedModel;

	private final long start;

	private final StringBuilder content = new StringBuilder();

	private long firstChunkNanos = -1;

	private int delivered;

	private String id;

	private String model;

	private String finishReason;

	private Usage usage;

	/**
	 * Whether the stream reached {@code [DONE]} or its end, so that what is left may be
	 * read to reuse the connection.
	 */
	private boolean done;

	ChatStream(LlmClientSettings settings, Failures failures, Consumer<ChatChunk> onChunk, String requestedModel,
			long start) {
		this.settings = settings;
		this.failures = failures;
		this.onChunk = onChunk;
		this.requestedModel = requestedModel;
		this.start = start;
	}

	/**
	 * Time from the start of the call to the first chunk received, or -1 when none
	 * arrived.
	 */
	long firstChunkNanos() {
		return this.firstChunkNanos;
	}

	/**
	 * Reads the event stream to its end.
	 * @param body the response body
	 * @return the assembled answer
	 * @throws ConsumerFailure when the consumer threw
	 */
	ChatResponse read(InputStream body) {
		startAttempt();
		SseReader reader = new SseReader(body, this.settings.connection().maxResponseSize());
		boolean complete = false;
		try {
			ChatResponse response = readEvents(reader);
			complete = drainAfterDone(reader);
			return response;
		}
		finally {
			if (!complete) {
				abort(body);
			}
		}
	}

	/**
	 * Forgets what an earlier attempt read: it can only have been retried when nothing
	 * had reached the consumer, so at most the id, model, usage and arrival of its
	 * opening chunks.
	 */
	private void startAttempt() {
		this.firstChunkNanos = -1;
		this.id = null;
		this.model = null;
		this.usage = null;
		this.done = false;
	}

	/**
	 * Hands a server's whole, non-streamed answer to the consumer as one chunk: some
	 * servers and proxies ignore {@code "stream": true}.
	 * @param whole the answer
	 * @return the same answer
	 */
	ChatResponse deliverWhole(ChatResponse whole) {
		this.firstChunkNanos = System.nanoTime() - this.start;
		deliver(new ChatChunk(whole.content(), whole.finishReason()));
		return whole;
	}

	/**
	 * Reads events until {@code [DONE]} or the end; {@link #done} tells which ended it.
	 */
	private ChatResponse readEvents(SseReader reader) {
		while (true) {
			SseReader.Event event;
			try {
				event = reader.next();
			}
			catch (SseReader.LimitExceededException ex) {
				throw tooLarge();
			}
			catch (IOException ex) {
				if (this.finishReason != null) {
					// the answer is complete; only the trailer (usage, [DONE]) was lost
					this.done = false;
					return assemble();
				}
				throw (ex instanceof InterruptedIOException) ? silence(ex) : cut(ex);
			}
			if (event == null) {
				if (this.finishReason != null) {
					this.done = true;
					return assemble();
				}
				throw cut(null);
			}
			if ("error".equals(event.type())) {
				throw serverError(event.data());
			}
			if (!"message".equals(event.type()) || event.data().isBlank()) {
				continue;
			}
			if (DONE.equals(event.data().strip())) {
				this.done = true;
				return assemble();
			}
			accept(event.data());
		}
	}

	/**
	 * After {@code [DONE]} the body normally ends at once: reading to its end returns the
	 * connection to the pool. Anything odd (more data past the limit, a failure) discards
	 * it.
	 */
	private boolean drainAfterDone(SseReader reader) {
		if (!this.done) {
			return false;
		}
		try {
			while (reader.next() != null) {
				// events after [DONE] carry nothing for this call
			}
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private void accept(String data) {
		ChunkBody chunk;
		try {
			chunk = WireFormat.MAPPER.readValue(data, ChunkBody.class);
		}
		catch (JacksonException ex) {
			throw malformed("a stream event that is not a chat completion chunk: " + snippet(data), ex);
		}
		if (chunk == null) {
			throw malformed("a stream event holding JSON null", null);
		}
		if (isError(chunk)) {
			throw serverError(chunk);
		}
		if (this.firstChunkNanos < 0) {
			this.firstChunkNanos = System.nanoTime() - this.start;
		}
		if (this.id == null) {
			this.id = chunk.id();
		}
		if (this.model == null) {
			this.model = chunk.model();
		}
		Usage reported = DefaultLlmClient.usage(chunk.usage());
		if (reported != null) {
			this.usage = reported;
		}
		WireFormat.Choice choice = firstChoice(chunk.choices());
		if (choice == null) {
			return;
		}
		String text = (choice.delta() != null && choice.delta().content() != null) ? choice.delta().content() : "";
		String finish = choice.finishReason();
		if (finish != null) {
			this.finishReason = finish;
		}
		if (!text.isEmpty() || finish != null) {
			this.content.append(text);
			deliver(new ChatChunk(text, finish));
		}
	}

	private void deliver(ChatChunk chunk) {
		try {
			this.onChunk.accept(chunk);
		}
		catch (RuntimeException | Error ex) {
			throw new ConsumerFailure(ex);
		}
		this.delivered++;
	}

	/**
	 * The choice with index 0: with {@code n > 1} the other choices are not part of this
	 * answer.
	 */
	private static WireFormat.Choice firstChoice(List<WireFormat.Choice> choices) {
		if (choices == null) {
			return null;
		}
		for (WireFormat.Choice choice : choices) {
			if (choice != null && (choice.index() == null || choice.index() == 0)) {
				return choice;
			}
		}
		return null;
	}

	private ChatResponse assemble() {
		return new ChatResponse(this.id, (this.model != null) ? this.model : this.requestedModel,
				this.content.toString(), this.finishReason, this.usage,
				Duration.ofNanos(System.nanoTime() - this.start));
	}

	private static boolean isError(ChunkBody chunk) {
		return (chunk.error() != null && !chunk.error().isNull()) || "error".equals(chunk.object());
	}

	private LlmStreamException serverError(ChunkBody chunk) {
		JsonNode error = (chunk.error() != null && !chunk.error().isNull()) ? chunk.error() : null;
		String type = (error != null) ? text(error.get("type")) : text(chunk.type());
		String code = (error != null) ? text(error.get("code")) : text(chunk.code());
		String message = (error != null) ? (error.isObject() ? text(error.get("message")) : text(error))
				: text(chunk.message());
		return serverError(type, code, message);
	}

	/** An {@code event: error}: its data is usually JSON, but any text is shown. */
	private LlmStreamException serverError(String data) {
		try {
			ChunkBody chunk = WireFormat.MAPPER.readValue(data, ChunkBody.class);
			if (chunk != null && isError(chunk)) {
				return serverError(chunk);
			}
		}
		catch (JacksonException ex) {
			// not JSON: the text itself is the message
		}
		return serverError(null, null, data);
	}

	private LlmStreamException serverError(String type, String code, String serverMessage) {
		StringBuilder message = new StringBuilder("LLM server at ").append(this.settings.displayEndpoint())
			.append(" reported an error in the middle of a stream, after ")
			.append(this.delivered)
			.append(" chunks");
		if (type != null || code != null) {
			message.append(" (type=").append(type).append(", code=").append(code).append(')');
		}
		if (serverMessage != null && !serverMessage.isBlank()) {
			message.append(": ").append(snippet(serverMessage));
		}
		message.append(". The answer is incomplete.");
		return new LlmStreamException(message.toString(), true, type, code, this.delivered, null);
	}

	private LlmStreamException cut(IOException cause) {
		String how = (cause != null)
				? "the connection broke (" + this.failures.scrub(String.valueOf(cause.getMessage())) + ")"
				: "the stream ended";
		return new LlmStreamException(
				"LLM server at " + this.settings.displayEndpoint() + ": " + how + " after " + this.delivered
						+ " chunks, before [DONE] and before a finish reason. The answer is incomplete.",
				false, null, null, this.delivered, cause);
	}

	private LlmTimeoutException silence(IOException cause) {
		Duration timeout = this.settings.connection().readTimeout();
		return new LlmTimeoutException("LLM server at " + this.settings.displayEndpoint()
				+ " stopped sending in the middle of a stream: nothing for " + this.settings.property("read-timeout")
				+ "=" + timeout + " after " + this.delivered + " chunks. The answer is incomplete; raise "
				+ this.settings.property("read-timeout") + " if the model pauses longer between chunks.",
				this.settings.property("read-timeout"), timeout, cause);
	}

	private LlmMalformedResponseException tooLarge() {
		return new LlmMalformedResponseException("LLM server at " + this.settings.displayEndpoint()
				+ " streamed more than " + this.settings.property("max-response-size") + "="
				+ this.settings.connection().maxResponseSize() + " bytes after " + this.delivered
				+ " chunks; the rest was not read. Raise " + this.settings.property("max-response-size")
				+ " or lower max_tokens.", null);
	}

	private LlmMalformedResponseException malformed(String what, Throwable cause) {
		return new LlmMalformedResponseException(
				"LLM server at " + this.settings.displayEndpoint() + " answered 2xx with " + what, cause);
	}

	private String snippet(String text) {
		return this.failures.snippet(text.getBytes(StandardCharsets.UTF_8));
	}

	private static String text(JsonNode node) {
		if (node == null || node.isNull() || node.isMissingNode()) {
			return null;
		}
		return node.isValueNode() ? node.asString() : node.toString();
	}

	private static void abort(InputStream body) {
		try {
			BoundedBody.abort(body);
		}
		catch (IOException ex) {
			// the connection is discarded either way
		}
	}

}
