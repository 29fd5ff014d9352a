package dev.llmclient.internal.wire;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import tools.jackson.databind.JsonNode;

/**
 * The JSON shapes {@link ChatCodec} binds answers to: a completion, a stream chunk and
 * what they hold. Every field is optional and boxed: real servers omit {@code usage},
 * {@code index}, {@code created} or {@code id}. Each record carries
 * {@code @JsonIgnoreProperties}: {@code LlmClientRuntimeHintsTests} finds them by it, and
 * fails when {@link dev.llmclient.internal.LlmClientRuntimeHints} does not give a native
 * image their reflection hints.
 */
public final class ChatWire {

	private ChatWire() {
	}

	@JsonIgnoreProperties(ignoreUnknown = true)
	public record CompletionResponse(String id, String model, List<Choice> choices, UsageBody usage) {
	}

	@JsonIgnoreProperties(ignoreUnknown = true)
	public record Choice(Integer index, MessageBody message, MessageBody delta,
			@JsonProperty("finish_reason") String finishReason) {
	}

	@JsonIgnoreProperties(ignoreUnknown = true)
	public record MessageBody(String role, String content, String refusal,
			@JsonProperty("tool_calls") List<ToolCallBody> toolCalls) {
	}

	/**
	 * A tool call, whole in an answer or a fragment in a stream's delta (where
	 * {@code index} says which call it continues).
	 */
	@JsonIgnoreProperties(ignoreUnknown = true)
	record ToolCallBody(Integer index, String id, String type, FunctionBody function) {
	}

	@JsonIgnoreProperties(ignoreUnknown = true)
	record FunctionBody(String name, JsonNode arguments) {
	}

	/**
	 * Token counts, with the details servers report under various names: see
	 * {@link dev.llmclient.Usage} for which field is read for what.
	 */
	@JsonIgnoreProperties(ignoreUnknown = true)
	public record UsageBody(@JsonProperty("prompt_tokens") Integer promptTokens,
			@JsonProperty("completion_tokens") Integer completionTokens,
			@JsonProperty("total_tokens") Integer totalTokens,
			@JsonProperty("prompt_tokens_details") PromptDetails promptDetails,
			@JsonProperty("completion_tokens_details") CompletionDetails completionDetails,
			@JsonProperty("prompt_cache_hit_tokens") Integer promptCacheHitTokens,
			@JsonProperty("cache_creation_input_tokens") Integer cacheCreationInputTokens) {
	}

	@JsonIgnoreProperties(ignoreUnknown = true)
	public record PromptDetails(@JsonProperty("cached_tokens") Integer cachedTokens,
			@JsonProperty("cache_write_tokens") Integer cacheWriteTokens) {
	}

	@JsonIgnoreProperties(ignoreUnknown = true)
	public record CompletionDetails(@JsonProperty("reasoning_tokens") Integer reasoningTokens) {
	}

	/**
	 * One chunk, or an error in the stream: OpenAI's {@code {"error": {...}}} or vLLM's
	 * {@code {"object": "error", ...}}.
	 */
	@JsonIgnoreProperties(ignoreUnknown = true)
	public record ChunkBody(String id, String object, String model, List<Choice> choices, UsageBody usage,
			JsonNode error, JsonNode message, JsonNode type, JsonNode code) {
	}

}
