package dev.llmclient.internal.operation;

import java.math.BigDecimal;
import java.util.function.Consumer;

import dev.llmclient.ChatChunk;
import dev.llmclient.ChatMessage;
import dev.llmclient.ChatRequest;
import dev.llmclient.ContentPart;
import dev.llmclient.EmbeddingRequest;
import dev.llmclient.LlmClientSettings;
import dev.llmclient.internal.wire.ChatCodec;
import dev.llmclient.internal.wire.EmbeddingCodec;
import dev.llmclient.internal.wire.Failures;

/**
 * Makes the operations of one client, and holds what they share: the settings, the codecs
 * and the HTTP exchange.
 */
public final class Operations {

	private final LlmClientSettings settings;

	private final ChatCodec chatCodec;

	private final EmbeddingCodec embeddingCodec;

	private final HttpExchange exchange;

	private final Failures failures;

	public Operations(LlmClientSettings settings, Failures failures) {
		this.settings = settings;
		this.failures = failures;
		this.chatCodec = new ChatCodec(settings.streamUsage(), settings.chat(), failures);
		this.embeddingCodec = new EmbeddingCodec(failures, settings.connection().maxResponseSize());
		this.exchange = new HttpExchange(settings.connection().maxResponseSize(), this.chatCodec);
	}

	public ChatOperation chat(ChatRequest request) {
		return new ChatOperation(this, request);
	}

	public StreamOperation stream(ChatRequest request, Consumer<ChatChunk> onChunk) {
		return new StreamOperation(this, request, onChunk);
	}

	public EmbeddingsOperation embeddings(EmbeddingRequest slice) {
		return new EmbeddingsOperation(this, slice);
	}

	/** The model a chat request asks for: its own, else the client's default. */
	String model(ChatRequest request) {
		return (request.model() != null) ? request.model() : this.settings.model();
	}

	/** The model an embeddings request asks for: its own, else the client's default. */
	String model(EmbeddingRequest request) {
		return (request.model() != null) ? request.model() : this.settings.embeddings().model();
	}

	/**
	 * The tokens a chat call is expected to use: the characters of its messages' text
	 * (images are not counted: the server's usage settles them) / 4, plus its
	 * {@code max_tokens} or else {@code rate-limit.estimated-output-tokens}.
	 */
	long tokenEstimate(ChatRequest request) {
		return Math.max(1, promptEstimate(request) + outputEstimate(request));
	}

	/**
	 * The most a chat call may cost, as the spend budgets reserve it: its prompt estimate
	 * priced as uncached input and its output estimate as output; {@code null} when the
	 * model is not priced.
	 */
	BigDecimal costEstimate(ChatRequest request, String model) {
		if (this.settings.pricing().isEmpty()) {
			return null;
		}
		return this.settings.pricing()
			.priceOf(null, model)
			.map((price) -> price.estimate(promptEstimate(request), outputEstimate(request)))
			.orElse(null);
	}

	private static long promptEstimate(ChatRequest request) {
		long characters = 0;
		for (ChatMessage message : request.messages()) {
			characters += (message.content() != null) ? message.content().length() : 0;
			if (message.parts() != null) {
				for (ContentPart part : message.parts()) {
					characters += (part instanceof ContentPart.Text text) ? text.text().length() : 0;
				}
			}
		}
		return characters / 4;
	}

	private long outputEstimate(ChatRequest request) {
		return (request.maxTokens() != null) ? request.maxTokens() : this.settings.rateLimit().estimatedOutputTokens();
	}

	/**
	 * The tokens an embeddings call is expected to use: its texts' characters / 4 (an
	 * embedding generates none).
	 */
	static long tokenEstimate(EmbeddingRequest request) {
		long characters = 0;
		for (String input : request.inputs()) {
			characters += input.length();
		}
		return Math.max(1, characters / 4);
	}

	LlmClientSettings settings() {
		return this.settings;
	}

	ChatCodec chatCodec() {
		return this.chatCodec;
	}

	EmbeddingCodec embeddingCodec() {
		return this.embeddingCodec;
	}

	HttpExchange exchange() {
		return this.exchange;
	}

	public Failures failures() {
		return this.failures;
	}

}
