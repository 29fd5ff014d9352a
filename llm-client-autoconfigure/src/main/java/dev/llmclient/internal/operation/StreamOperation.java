package dev.llmclient.internal.operation;

import java.util.function.Consumer;

import org.springframework.http.MediaType;

import dev.llmclient.ChatChunk;
import dev.llmclient.ChatRequest;
import dev.llmclient.ChatResponse;
import dev.llmclient.LlmClientException;
import dev.llmclient.LlmClientSettings;
import dev.llmclient.LlmHttpException;
import dev.llmclient.internal.call.Call;
import dev.llmclient.internal.call.Route;
import dev.llmclient.internal.recording.CallObservations;
import dev.llmclient.internal.wire.ChatStream;

/**
 * A chat completion read as server-sent events, each delta handed to the consumer as it
 * arrives (see {@link ChatStream}); a server that answers in one piece is handed over as
 * one chunk. Its time to first chunk is recorded and observed when it ends.
 */
final class StreamOperation extends ChatOperation {

	private final Consumer<ChatChunk> onChunk;

	/** Made at the first attempt, which knows when the call started. */
	private ChatStream stream;

	StreamOperation(Operations operations, ChatRequest request, Consumer<ChatChunk> onChunk) {
		super(operations, request);
		this.onChunk = onChunk;
	}

	@Override
	public boolean isStream() {
		return true;
	}

	@Override
	public ChatResponse send(Call call) {
		if (this.stream == null) {
			this.stream = new ChatStream(this.operations.chatCodec(), this.operations.failures(),
					this.operations.settings().connection().maxResponseSize(), this.onChunk, call.model(),
					call.start());
		}
		ChatStream stream = this.stream;
		HttpExchange exchange = this.operations.exchange();
		Route route = call.route();
		return exchange.post(call, route.transport().chatCompletionsUri(), MediaType.TEXT_EVENT_STREAM,
				(request, response) -> {
					MediaType type = response.getHeaders().getContentType();
					if (response.getStatusCode().is2xxSuccessful()
							&& (type == null || MediaType.TEXT_EVENT_STREAM.isCompatibleWith(type))) {
						return stream.read(response.getBody());
					}
					return stream.deliverWhole(exchange.completion(route, response, call.model(), call.start()));
				});
	}

	@Override
	public void ended(Call call, LlmClientException failure, boolean recorded) {
		long firstChunk = (this.stream != null) ? this.stream.firstChunkNanos() : -1;
		if (recorded) {
			call.route().recorder().firstChunk(call.model(), firstChunk, failure);
		}
		CallObservations.firstChunk(call.observation(), call.start(), firstChunk);
	}

	/**
	 * Names the setting to turn off when a server rejects {@code stream_options}, after
	 * the hints a chat call names.
	 */
	@Override
	public RuntimeException explain(RuntimeException failure) {
		RuntimeException explained = super.explain(failure);
		if (explained != failure) {
			return explained;
		}
		LlmClientSettings settings = this.operations.settings();
		if (settings.streamUsage() && failure instanceof LlmHttpException http
				&& (http.statusCode() == 400 || http.statusCode() == 422)
				&& http.getMessage().contains("stream_options")) {
			return http.withNote("the server does not accept stream_options: set " + settings.property("stream-usage")
					+ "=false (its streams then end without token usage)");
		}
		return failure;
	}

}
