package dev.llmclient.sample.demo;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import tools.jackson.databind.JsonNode;

/**
 * JSON shapes of the OpenAI chat completions and embeddings APIs that the demo backend
 * reads and writes.
 */
final class DemoWireFormat {

	private DemoWireFormat() {
	}

	/**
	 * Real clients send many more fields (temperature, tools, ...): the echo model
	 * ignores them.
	 */
	@JsonIgnoreProperties(ignoreUnknown = true)
	record CompletionRequest(String model, List<Message> messages, Boolean stream, List<JsonNode> tools,
			@JsonProperty("tool_choice") JsonNode toolChoice, @JsonProperty("response_format") JsonNode responseFormat,
			Integer priority, @JsonProperty("service_tier") String serviceTier) {

		/** vLLM's priority: lower served first; 0 when the request sends none. */
		int priorityOrDefault() {
			return (this.priority != null) ? this.priority : 0;
		}

	}

	/**
	 * A message of the conversation: {@code content} is a string or an array of parts,
	 * and may be absent from an assistant message that carries tool calls.
	 */
	@JsonIgnoreProperties(ignoreUnknown = true)
	record Message(String role, JsonNode content, @JsonProperty("tool_calls") List<JsonNode> toolCalls,
			@JsonProperty("tool_call_id") String toolCallId) {
	}

	record Completion(String id, String object, long created, String model, List<Choice> choices, TokenUsage usage) {
	}

	record Choice(int index, AnswerMessage message, @JsonProperty("finish_reason") String finishReason) {
	}

	/** The assistant's answer: text, or tool calls with {@code content: null}. */
	record AnswerMessage(String role, String content,
			@JsonInclude(JsonInclude.Include.NON_EMPTY) @JsonProperty("tool_calls") List<ToolCall> toolCalls) {
	}

	@JsonInclude(JsonInclude.Include.NON_NULL)
	record ToolCall(Integer index, String id, String type, Function function) {
	}

	@JsonInclude(JsonInclude.Include.NON_NULL)
	record Function(String name, String arguments) {
	}

	record Chunk(String id, String object, long created, String model, List<ChunkChoice> choices,
			@JsonInclude(JsonInclude.Include.NON_NULL) TokenUsage usage) {
	}

	record ChunkChoice(int index, Delta delta, @JsonProperty("finish_reason") String finishReason) {
	}

	@JsonInclude(JsonInclude.Include.NON_NULL)
	record Delta(String role, String content, @JsonProperty("tool_calls") List<ToolCall> toolCalls) {
	}

	record TokenUsage(@JsonProperty("prompt_tokens") int promptTokens,
			@JsonProperty("completion_tokens") int completionTokens, @JsonProperty("total_tokens") int totalTokens,
			@JsonProperty("prompt_tokens_details") PromptTokensDetails promptTokensDetails) {
	}

	/** How many of the prompt's tokens the server's prefix cache served. */
	record PromptTokensDetails(@JsonProperty("cached_tokens") int cachedTokens) {
	}

	record ModelList(String object, List<Model> data) {
	}

	record Model(String id, String object, long created, @JsonProperty("owned_by") String ownedBy) {
	}

	record ErrorBody(ErrorDetail error) {
	}

	record ErrorDetail(String message, String type, String code) {
	}

	/**
	 * {@code input} is a string or an array of strings (token arrays are not served).
	 */
	@JsonIgnoreProperties(ignoreUnknown = true)
	record EmbeddingsRequest(String model, JsonNode input, Integer dimensions) {
	}

	record EmbeddingList(String object, List<EmbeddingData> data, String model, EmbeddingUsage usage) {
	}

	record EmbeddingData(String object, int index, float[] embedding) {
	}

	record EmbeddingUsage(@JsonProperty("prompt_tokens") int promptTokens,
			@JsonProperty("total_tokens") int totalTokens) {
	}

}
