package dev.llmclient.internal.wire;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.function.Consumer;

import dev.llmclient.ChatChunk;
import dev.llmclient.ChatResponse;
import dev.llmclient.LlmClientException;
import dev.llmclient.Usage;

/**
 * One streamed answer: reads the server-sent events of a chat completion as they arrive,
 * hands each delta to the consumer at once, and assembles the whole answer. It ends
 * normally only on {@code [DONE]} or once a finish reason was seen; an error event, a cut
 * stream, silence longer than {@code read-timeout} or a body past
 * {@code max-response-size} each end it with a typed exception. Whenever it does not end
 * normally, the connection is aborted rather than drained.
 */
public final class ChatStream {

	/**
	 * The stream was stopped on the caller's side: its consumer threw (anything, checked
	 * exceptions thrown sneakily included), or the thread reading it was interrupted
	 * between two chunks. Never retried and never the server's failure; the connection is
	 * aborted.
	 */
	public static final class Stopped extends RuntimeException {

		private static final long serialVersionUID = 1L;

		/** What the consumer threw, or {@code null} when the thread was interrupted. */
		private final Throwable consumerFailure;

		private Stopped(Throwable consumerFailure) {
			super((consumerFailure != null) ? consumerFailure.toString() : "interrupted", consumerFailure, false,
					false);
			this.consumerFailure = consumerFailure;
		}

		/**
		 * What the caller receives: what the consumer threw, as it was when unchecked,
		 * else an {@link LlmClientException} saying the stream was stopped, with the
		 * checked exception as its cause.
		 */
		public RuntimeException rethrow() {
			Throwable cause = this.consumerFailure;
			if (cause instanceof Error error) {
				throw error;
			}
			if (cause instanceof RuntimeException runtime) {
				return runtime;
			}
			if (cause != null) {
				return new LlmClientException("Stream stopped by its consumer, which threw " + cause, cause);
			}
			return new LlmClientException("Stream stopped: the thread reading it was interrupted");
		}

	}

	private static final String DONE = "[DONE]";

	private final ChatCodec codec;

	private final Failures failures;

	private final long maxResponseSize;

	private final Consumer<ChatChunk> onChunk;

	private final String requestedModel;

	private final long start;

	private final StringBuilder content = new StringBuilder();

	private final ToolCallAssembler toolCalls;

	private StringBuilder refusal;

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

	public ChatStream(ChatCodec codec, Failures failures, long maxResponseSize, Consumer<ChatChunk> onChunk,
			String requestedModel, long start) {
		this.codec = codec;
		this.failures = failures;
		this.toolCalls = new ToolCallAssembler(failures);
		this.maxResponseSize = maxResponseSize;
		this.onChunk = onChunk;
		this.requestedModel = requestedModel;
		this.start = start;
	}

	/**
	 * Time from the start of the call to the first chunk received, or -1 when none
	 * arrived.
	 */
	public long firstChunkNanos() {
		return this.firstChunkNanos;
	}

	/**
	 * Reads the event stream to its end.
	 * @param body the response body
	 * @return the assembled answer
	 * @throws Stopped when the consumer threw or the thread was interrupted
	 */
	public ChatResponse read(InputStream body) {
		startAttempt();
		SseReader reader = new SseReader(body, this.maxResponseSize);
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
	 * had reached the consumer, so at most the id, model, usage, arrival, tool-call
	 * fragments and refusal of its opening chunks.
	 */
	private void startAttempt() {
		this.firstChunkNanos = -1;
		this.toolCalls.clear();
		this.refusal = null;
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
	public ChatResponse deliverWhole(ChatResponse whole) {
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
				throw this.failures.tooLarge(this.delivered);
			}
			catch (IOException ex) {
				if (this.finishReason != null) {
					// the answer is complete; only the trailer (usage, [DONE]) was lost
					this.done = false;
					return assemble();
				}
				throw (ex instanceof InterruptedIOException) ? this.failures.streamSilence(ex, this.delivered)
						: this.failures.streamCut(ex, this.delivered);
			}
			if (event == null) {
				if (this.finishReason != null) {
					this.done = true;
					return assemble();
				}
				throw this.failures.streamCut(null, this.delivered);
			}
			if ("error".equals(event.type())) {
				throw this.failures.streamError(ChatCodec.streamError(event.data()), this.delivered);
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
		ChatCodec.Chunk chunk = this.codec.chunk(data);
		if (chunk.error() != null) {
			throw this.failures.streamError(chunk.error(), this.delivered);
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
		if (chunk.usage() != null) {
			this.usage = chunk.usage();
		}
		if (chunk.text() == null) {
			return;
		}
		if (chunk.toolCalls() != null) {
			for (ChatWire.ToolCallBody fragment : chunk.toolCalls()) {
				if (fragment != null) {
					this.toolCalls.append(fragment);
				}
			}
		}
		if (chunk.refusal() != null) {
			this.refusal = (this.refusal != null) ? this.refusal.append(chunk.refusal())
					: new StringBuilder(chunk.refusal());
		}
		String finish = chunk.finishReason();
		if (finish != null) {
			this.finishReason = finish;
		}
		if (!chunk.text().isEmpty() || finish != null) {
			this.content.append(chunk.text());
			deliver(new ChatChunk(chunk.text(), finish));
		}
	}

	/**
	 * Hands a chunk to the consumer; stops the stream when the consumer throws, or when
	 * the thread was interrupted (so a caller can stop a stream with no deadline).
	 */
	private void deliver(ChatChunk chunk) {
		try {
			this.onChunk.accept(chunk);
		}
		catch (Throwable ex) {
			throw new Stopped(ex);
		}
		this.delivered++;
		if (Thread.currentThread().isInterrupted()) {
			throw new Stopped(null);
		}
	}

	private ChatResponse assemble() {
		return new ChatResponse(this.id, (this.model != null) ? this.model : this.requestedModel,
				this.content.toString(), this.finishReason, this.usage,
				Duration.ofNanos(System.nanoTime() - this.start), this.toolCalls.calls(),
				(this.refusal != null) ? this.refusal.toString() : null);
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
