package dev.llmclient;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A chat completion request. Options left {@code null} are not sent, so the server's
 * defaults apply.
 *
 * @param model the model, or {@code null} for the client's default model
 * @param messages the conversation, at least one message
 * @param temperature sampling temperature, or {@code null}
 * @param maxTokens upper bound on generated tokens ({@code max_tokens}), or {@code null}
 * @param topP nucleus sampling ({@code top_p}), or {@code null}
 * @param stop sequences that end generation, or {@code null}
 * @param extra further top-level fields passed to the server as they are (for example
 * {@code seed} or a server-specific option); never {@code null}
 * @since 0.1.0
 */
public record ChatRequest(String model, List<ChatMessage> messages, Double temperature, Integer maxTokens, Double topP,
		List<String> stop, Map<String, Object> extra) {

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
		messages = List.copyOf(messages);
		stop = (stop != null) ? List.copyOf(stop) : null;
		extra = (extra != null) ? Map.copyOf(extra) : Map.of();
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
					this.extra);
		}

	}

}
