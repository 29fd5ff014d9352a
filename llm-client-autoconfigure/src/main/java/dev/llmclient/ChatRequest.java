package dev.llmclient;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A chat completion request. Options left {@code null} are not sent, so the server's
 * defaults apply.
 *
 * @param model the model, or {@code null} for the client's default model
 * @param messages the conversation, at least one message
 * @param temperature sampling temperature, or {@code null}
 * @param maxTokens upper bound on generated tokens, or {@code null}; sent as
 * {@code max_tokens} or {@code max_completion_tokens} as the client's
 * {@code chat.max-tokens-field} setting says
 * @param topP nucleus sampling ({@code top_p}), or {@code null}
 * @param stop sequences that end generation, or {@code null}
 * @param extra further top-level fields passed to the server as they are (for example
 * {@code seed} or a server-specific option); never {@code null}
 * @param tools the functions the model may call ({@code tools}); never {@code null}
 * @param toolChoice whether and which tool the model must call, or {@code null} for the
 * server's default
 * @param parallelToolCalls whether the model may ask for several calls at once, or
 * {@code null} for the server's default
 * @param responseFormat the format the answer must have, or {@code null} for text
 * @param requestClass whether someone waits for the answer or it is work that can wait,
 * or {@code null} for the default of the way it is sent (see {@link RequestClass})
 * @param promptCacheKey groups requests that share a prompt prefix so that the server
 * keeps them on the same cache ({@code prompt_cache_key}), or {@code null}
 * @since 0.1.0
 */
public record ChatRequest(String model, List<ChatMessage> messages, Double temperature, Integer maxTokens, Double topP,
		List<String> stop, Map<String, Object> extra, List<ToolDefinition> tools, ToolChoice toolChoice,
		Boolean parallelToolCalls, ResponseFormat responseFormat, RequestClass requestClass, String promptCacheKey) {

	/**
	 * Creates a request, checking each field.
	 * @throws IllegalArgumentException naming the field that is invalid
	 */
	public ChatRequest {
		if (messages == null || messages.isEmpty()) {
			throw new IllegalArgumentException("ChatRequest.messages must hold at least one message");
		}
		for (int i = 0; i < messages.size(); i++) {
			if (messages.get(i) == null) {
				throw new IllegalArgumentException("ChatRequest.messages[" + i + "] must not be null");
			}
		}
		if (model != null && model.isBlank()) {
			throw new IllegalArgumentException(
					"ChatRequest.model must not be blank; leave it null to use the client's model");
		}
		if (temperature != null && (temperature < 0 || temperature.isNaN())) {
			throw new IllegalArgumentException("ChatRequest.temperature must be 0 or more, was " + temperature);
		}
		if (maxTokens != null && maxTokens < 1) {
			throw new IllegalArgumentException("ChatRequest.maxTokens must be at least 1, was " + maxTokens);
		}
		if (topP != null && !(topP > 0 && topP <= 1)) {
			throw new IllegalArgumentException("ChatRequest.topP must be in (0, 1], was " + topP);
		}
		if (promptCacheKey != null && promptCacheKey.isBlank()) {
			throw new IllegalArgumentException(
					"ChatRequest.promptCacheKey must not be blank; leave it null to send no prompt_cache_key");
		}
		messages = List.copyOf(messages);
		stop = (stop != null) ? List.copyOf(stop) : null;
		extra = (extra != null) ? Map.copyOf(extra) : Map.of();
		tools = checkTools(tools);
		if (toolChoice != null && "function".equals(toolChoice.mode())
				&& tools.stream().noneMatch((tool) -> tool.name().equals(toolChoice.functionName()))) {
			throw new IllegalArgumentException("ChatRequest.toolChoice names function '" + toolChoice.functionName()
					+ "', which is not one of ChatRequest.tools");
		}
	}

	/**
	 * Creates a request without tools or response format.
	 * @param model the model, or {@code null} for the client's default model
	 * @param messages the conversation, at least one message
	 * @param temperature sampling temperature, or {@code null}
	 * @param maxTokens upper bound on generated tokens, or {@code null}
	 * @param topP nucleus sampling, or {@code null}
	 * @param stop sequences that end generation, or {@code null}
	 * @param extra further top-level fields, or {@code null}
	 */
	public ChatRequest(String model, List<ChatMessage> messages, Double temperature, Integer maxTokens, Double topP,
			List<String> stop, Map<String, Object> extra) {
		this(model, messages, temperature, maxTokens, topP, stop, extra, null, null, null, null, null, null);
	}

	/**
	 * Creates a request of the default class, without a prompt cache key.
	 * @param model the model, or {@code null} for the client's default model
	 * @param messages the conversation, at least one message
	 * @param temperature sampling temperature, or {@code null}
	 * @param maxTokens upper bound on generated tokens, or {@code null}
	 * @param topP nucleus sampling, or {@code null}
	 * @param stop sequences that end generation, or {@code null}
	 * @param extra further top-level fields, or {@code null}
	 * @param tools the functions the model may call, or {@code null}
	 * @param toolChoice whether and which tool the model must call, or {@code null}
	 * @param parallelToolCalls whether the model may ask for several calls at once, or
	 * {@code null}
	 * @param responseFormat the format the answer must have, or {@code null}
	 */
	public ChatRequest(String model, List<ChatMessage> messages, Double temperature, Integer maxTokens, Double topP,
			List<String> stop, Map<String, Object> extra, List<ToolDefinition> tools, ToolChoice toolChoice,
			Boolean parallelToolCalls, ResponseFormat responseFormat) {
		this(model, messages, temperature, maxTokens, topP, stop, extra, tools, toolChoice, parallelToolCalls,
				responseFormat, null, null);
	}

	/**
	 * Returns the class this request is sent as when it says none itself.
	 * @param byDefault the default of the way it is sent
	 * @return {@link #requestClass()}, or {@code byDefault} when that is {@code null}
	 */
	public RequestClass requestClassOr(RequestClass byDefault) {
		return (this.requestClass != null) ? this.requestClass : byDefault;
	}

	private static List<ToolDefinition> checkTools(List<ToolDefinition> tools) {
		if (tools == null) {
			return List.of();
		}
		Set<String> names = new HashSet<>();
		for (int i = 0; i < tools.size(); i++) {
			ToolDefinition tool = tools.get(i);
			if (tool == null) {
				throw new IllegalArgumentException("ChatRequest.tools[" + i + "] must not be null");
			}
			if (!names.add(tool.name())) {
				throw new IllegalArgumentException("ChatRequest.tools[" + i + "] repeats the name '" + tool.name()
						+ "': tool names must be unique");
			}
		}
		return List.copyOf(tools);
	}

	/**
	 * Returns a builder holding this request's fields, to send a variation of it.
	 * @return a new builder
	 */
	public Builder toBuilder() {
		Builder builder = new Builder().model(this.model)
			.messages(this.messages)
			.temperature(this.temperature)
			.maxTokens(this.maxTokens)
			.topP(this.topP)
			.stop(this.stop)
			.tools(this.tools)
			.toolChoice(this.toolChoice)
			.parallelToolCalls(this.parallelToolCalls)
			.responseFormat(this.responseFormat)
			.requestClass(this.requestClass)
			.promptCacheKey(this.promptCacheKey);
		builder.extra.putAll(this.extra);
		return builder;
	}

	/**
	 * Creates a request holding one user message, for the client's default model.
	 * @param prompt the user's text
	 * @return the request
	 */
	public static ChatRequest of(String prompt) {
		if (prompt == null || prompt.isBlank()) {
			throw new IllegalArgumentException("prompt must not be null or blank");
		}
		return builder().user(prompt).build();
	}

	/**
	 * Starts building a request.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Builds a {@link ChatRequest}.
	 */
	public static final class Builder {

		private String model;

		private final List<ChatMessage> messages = new ArrayList<>();

		private Double temperature;

		private Integer maxTokens;

		private Double topP;

		private List<String> stop;

		private final Map<String, Object> extra = new LinkedHashMap<>();

		private final List<ToolDefinition> tools = new ArrayList<>();

		private ToolChoice toolChoice;

		private Boolean parallelToolCalls;

		private ResponseFormat responseFormat;

		private RequestClass requestClass;

		private String promptCacheKey;

		private Builder() {
		}

		/**
		 * Sets the model; without it the client's default model is used.
		 * @param model the model name
		 * @return this builder
		 */
		public Builder model(String model) {
			this.model = model;
			return this;
		}

		/**
		 * Appends a message.
		 * @param message the message
		 * @return this builder
		 */
		public Builder message(ChatMessage message) {
			this.messages.add(message);
			return this;
		}

		/**
		 * Appends messages.
		 * @param messages the messages
		 * @return this builder
		 */
		public Builder messages(List<ChatMessage> messages) {
			this.messages.addAll(messages);
			return this;
		}

		/**
		 * Appends a system message.
		 * @param content the instructions
		 * @return this builder
		 */
		public Builder system(String content) {
			return message(ChatMessage.system(content));
		}

		/**
		 * Appends a user message.
		 * @param content the user's text
		 * @return this builder
		 */
		public Builder user(String content) {
			return message(ChatMessage.user(content));
		}

		/**
		 * Appends a user message made of parts, such as text and images.
		 * @param parts the parts, at least one
		 * @return this builder
		 */
		public Builder user(ContentPart... parts) {
			return message(ChatMessage.user(parts));
		}

		/**
		 * Adds a function the model may call.
		 * @param tool the definition
		 * @return this builder
		 */
		public Builder tool(ToolDefinition tool) {
			this.tools.add(tool);
			return this;
		}

		/**
		 * Adds functions the model may call.
		 * @param tools the definitions
		 * @return this builder
		 */
		public Builder tools(List<ToolDefinition> tools) {
			this.tools.addAll(tools);
			return this;
		}

		/**
		 * Sets whether and which tool the model must call.
		 * @param toolChoice the choice, or {@code null} for the server's default
		 * @return this builder
		 */
		public Builder toolChoice(ToolChoice toolChoice) {
			this.toolChoice = toolChoice;
			return this;
		}

		/**
		 * Sets whether the model may ask for several tool calls in one answer.
		 * @param parallelToolCalls the flag, or {@code null} for the server's default
		 * @return this builder
		 */
		public Builder parallelToolCalls(Boolean parallelToolCalls) {
			this.parallelToolCalls = parallelToolCalls;
			return this;
		}

		/**
		 * Sets the format the answer must have.
		 * @param responseFormat the format, or {@code null} for text
		 * @return this builder
		 */
		public Builder responseFormat(ResponseFormat responseFormat) {
			this.responseFormat = responseFormat;
			return this;
		}

		/**
		 * Sets whether someone waits for the answer or it is work that can wait.
		 * @param requestClass the class, or {@code null} for the default of the way it is
		 * sent: interactive through {@link LlmClient}, batch through
		 * {@code LlmBatchService}
		 * @return this builder
		 */
		public Builder requestClass(RequestClass requestClass) {
			this.requestClass = requestClass;
			return this;
		}

		/**
		 * Sets the key that keeps requests sharing a prompt prefix on the same cache.
		 * @param promptCacheKey the key ({@code prompt_cache_key}), or {@code null}
		 * @return this builder
		 */
		public Builder promptCacheKey(String promptCacheKey) {
			this.promptCacheKey = promptCacheKey;
			return this;
		}

		/**
		 * Sets the sampling temperature.
		 * @param temperature 0 or more, or {@code null} for the server's default
		 * @return this builder
		 */
		public Builder temperature(Double temperature) {
			this.temperature = temperature;
			return this;
		}

		/**
		 * Sets the upper bound on generated tokens.
		 * @param maxTokens at least 1, or {@code null} for the server's default
		 * @return this builder
		 */
		public Builder maxTokens(Integer maxTokens) {
			this.maxTokens = maxTokens;
			return this;
		}

		/**
		 * Sets nucleus sampling.
		 * @param topP in (0, 1], or {@code null} for the server's default
		 * @return this builder
		 */
		public Builder topP(Double topP) {
			this.topP = topP;
			return this;
		}

		/**
		 * Sets the stop sequences.
		 * @param stop the sequences
		 * @return this builder
		 */
		public Builder stop(List<String> stop) {
			this.stop = stop;
			return this;
		}

		/**
		 * Adds a top-level field sent to the server as it is.
		 * @param name the JSON field name
		 * @param value its value, mapped to JSON
		 * @return this builder
		 */
		public Builder extra(String name, Object value) {
			this.extra.put(name, value);
			return this;
		}

		/**
		 * Builds the request.
		 * @return the request
		 * @throws IllegalArgumentException naming the field that is invalid
		 */
		public ChatRequest build() {
			return new ChatRequest(this.model, this.messages, this.temperature, this.maxTokens, this.topP, this.stop,
					this.extra, this.tools, this.toolChoice, this.parallelToolCalls, this.responseFormat,
					this.requestClass, this.promptCacheKey);
		}

	}

}
