package dev.llmclient.batch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;

import dev.llmclient.ChatMessage;
import dev.llmclient.ChatRequest;
import dev.llmclient.ChatResponse;
import dev.llmclient.EmbeddingRequest;
import dev.llmclient.EmbeddingResponse;
import dev.llmclient.internal.operation.BatchApi;
import dev.llmclient.internal.wire.ChatCodec;

/**
 * What a batch job carries, chat or embeddings requests: how each request becomes the
 * body of its input line and counts toward the provider's limit, how an answered line is
 * read, how a resumed job reads its requests back from its input file, and how the
 * outcomes become the job's result.
 *
 * @param <Q> the request
 * @param <R> the result
 */
abstract class JobKind<Q, R> {

	static final JobKind<ChatRequest, BatchResult> CHAT = new Chat();

	static final JobKind<EmbeddingRequest, EmbeddingBatchResult> EMBEDDINGS = new Embeddings();

	private final String name;

	private final String url;

	JobKind(String name, String url) {
		this.name = name;
		this.url = url;
	}

	/** The name written in a batch's metadata: {@code chat} or {@code embeddings}. */
	final String name() {
		return this.name;
	}

	/** The {@code url} of each input line and the {@code endpoint} of the batch. */
	final String url() {
		return this.url;
	}

	abstract byte[] body(BatchApi api, Q request, int endpoint);

	/**
	 * What the request counts toward the provider's limit per batch: 1 for a chat
	 * request, its texts for an embeddings request.
	 */
	abstract int weight(Q request);

	/** Reads a request back from the body of its input line. */
	abstract Q decode(JsonNode body);

	/** Reads the body of an answered line. */
	abstract Object answer(BatchApi api, byte[] body, Q request);

	/**
	 * Puts the outcomes together: for each request, its answer or its failure.
	 */
	abstract R result(List<Q> requests, Object[] answers, Throwable[] failures, Duration elapsed);

	/** Runs the requests through the service's live batch path. */
	abstract R live(LlmBatchService service, List<Q> requests, BatchOptions options);

	private static final class Chat extends JobKind<ChatRequest, BatchResult> {

		Chat() {
			super("chat", BatchApi.CHAT_URL);
		}

		@Override
		byte[] body(BatchApi api, ChatRequest request, int endpoint) {
			return api.chatBody(request, endpoint);
		}

		@Override
		int weight(ChatRequest request) {
			return 1;
		}

		@Override
		ChatRequest decode(JsonNode body) {
			ChatRequest.Builder request = ChatRequest.builder();
			for (Map.Entry<String, JsonNode> field : body.properties()) {
				JsonNode value = field.getValue();
				switch (field.getKey()) {
					case "model" -> request.model(value.asString());
					case "messages" -> {
						for (JsonNode message : value) {
							request.message(message(message));
						}
					}
					case "temperature" -> request.temperature(value.asDouble());
					case "top_p" -> request.topP(value.asDouble());
					case "max_tokens", "max_completion_tokens" -> request.maxTokens(value.asInt());
					default -> {
						if (!value.isNull()) {
							request.extra(field.getKey(), ChatCodec.MAPPER.treeToValue(value, Object.class));
						}
					}
				}
			}
			return request.build();
		}

		/**
		 * A message read back: its role, its text (the text parts of a message of parts,
		 * joined) and the id of the tool call it answers; what else it held stays in the
		 * provider's input file.
		 */
		private static ChatMessage message(JsonNode message) {
			JsonNode content = message.path("content");
			String text;
			if (content.isArray()) {
				StringBuilder joined = new StringBuilder();
				for (JsonNode part : content) {
					joined.append(part.path("text").asString(""));
				}
				text = joined.toString();
			}
			else {
				text = content.isString() ? content.asString() : "";
			}
			JsonNode toolCallId = message.get("tool_call_id");
			return new ChatMessage(message.path("role").asString("user"), text, null, null,
					(toolCallId != null) ? toolCallId.asString() : null);
		}

		@Override
		Object answer(BatchApi api, byte[] body, ChatRequest request) {
			return api.chatResponse(body);
		}

		@Override
		BatchResult result(List<ChatRequest> requests, Object[] answers, Throwable[] failures, Duration elapsed) {
			List<BatchItem> items = new ArrayList<>(requests.size());
			int succeeded = 0;
			for (int i = 0; i < requests.size(); i++) {
				if (answers[i] != null) {
					items.add(new BatchItem.Success(i, requests.get(i), (ChatResponse) answers[i]));
					succeeded++;
				}
				else {
					items.add(new BatchItem.Failure(i, requests.get(i), failures[i]));
				}
			}
			return new BatchResult(items, succeeded, requests.size() - succeeded, elapsed);
		}

		@Override
		BatchResult live(LlmBatchService service, List<ChatRequest> requests, BatchOptions options) {
			return service.chatAll(requests, options);
		}

	}

	private static final class Embeddings extends JobKind<EmbeddingRequest, EmbeddingBatchResult> {

		Embeddings() {
			super("embeddings", BatchApi.EMBEDDINGS_URL);
		}

		@Override
		byte[] body(BatchApi api, EmbeddingRequest request, int endpoint) {
			return api.embeddingsBody(request, endpoint);
		}

		@Override
		int weight(EmbeddingRequest request) {
			return request.inputs().size();
		}

		@Override
		EmbeddingRequest decode(JsonNode body) {
			JsonNode input = body.path("input");
			List<String> texts = new ArrayList<>();
			if (input.isArray()) {
				input.forEach((text) -> texts.add(text.asString()));
			}
			else {
				texts.add(input.asString());
			}
			JsonNode dimensions = body.get("dimensions");
			return new EmbeddingRequest(texts, body.path("model").asString(null),
					(dimensions != null && dimensions.isIntegralNumber()) ? dimensions.asInt() : null);
		}

		@Override
		Object answer(BatchApi api, byte[] body, EmbeddingRequest request) {
			return api.embeddingResponse(body, request.inputs().size());
		}

		@Override
		EmbeddingBatchResult result(List<EmbeddingRequest> requests, Object[] answers, Throwable[] failures,
				Duration elapsed) {
			List<EmbeddingItem> items = new ArrayList<>();
			int succeeded = 0;
			for (int i = 0; i < requests.size(); i++) {
				EmbeddingResponse response = (EmbeddingResponse) answers[i];
				for (int t = 0; t < requests.get(i).inputs().size(); t++) {
					String text = requests.get(i).inputs().get(t);
					if (response != null) {
						items.add(new EmbeddingItem.Success(items.size(), text, response.vector(t), response.model()));
						succeeded++;
					}
					else {
						items.add(new EmbeddingItem.Failure(items.size(), text, failures[i]));
					}
				}
			}
			return new EmbeddingBatchResult(items, succeeded, items.size() - succeeded, elapsed);
		}

		@Override
		EmbeddingBatchResult live(LlmBatchService service, List<EmbeddingRequest> requests, BatchOptions options) {
			List<EmbeddingItem> items = new ArrayList<>();
			int succeeded = 0;
			long start = System.nanoTime();
			for (EmbeddingRequest request : requests) {
				EmbeddingBatchResult part = service.embedAll(request, options);
				for (EmbeddingItem item : part.items()) {
					int index = items.size();
					items.add((item instanceof EmbeddingItem.Success ok)
							? new EmbeddingItem.Success(index, ok.text(), ok.vector(), ok.model())
							: new EmbeddingItem.Failure(index, item.text(), ((EmbeddingItem.Failure) item).error()));
				}
				succeeded += part.succeeded();
			}
			return new EmbeddingBatchResult(items, succeeded, items.size() - succeeded,
					Duration.ofNanos(System.nanoTime() - start));
		}

	}

	/** The metadata of a batch: the job's kind and the requests it holds. */
	static Map<String, String> metadata(Map<String, String> own, JobKind<?, ?> kind, int from, int count) {
		Map<String, String> metadata = new LinkedHashMap<>(own);
		metadata.put(ProviderJob.JOB_KEY, kind.name() + ":" + from + ":" + count);
		return metadata;
	}

}
