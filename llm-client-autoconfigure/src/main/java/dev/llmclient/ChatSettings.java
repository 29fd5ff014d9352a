package dev.llmclient;

/**
 * How requests are written and structured answers read.
 * <p>
 * Part of {@link LlmClientSettings}; changed through {@link LlmClientBuilder#chat}.
 *
 * @param maxTokensField the wire name {@link ChatRequest#maxTokens()} is sent under
 * @param structuredOutputRepair whether a structured answer that does not fit its record
 * is asked for once more, with the error shown to the model (one more call)
 * @since 0.1.0
 */
public record ChatSettings(TokenLimitField maxTokensField, boolean structuredOutputRepair) {

	/** The defaults: {@code max_tokens}, no repair attempt. */
	public static final ChatSettings DEFAULTS = new ChatSettings(TokenLimitField.MAX_TOKENS, false);

	/**
	 * Checks every value.
	 * @throws LlmClientSettingException naming the invalid setting
	 */
	public ChatSettings {
		if (maxTokensField == null) {
			throw new LlmClientSettingException("chat.max-tokens-field", null,
					"is required: max-tokens or max-completion-tokens");
		}
	}

	/**
	 * Returns a copy that sends the token limit under another name.
	 * @param maxTokensField the wire name
	 * @return the copy
	 */
	public ChatSettings withMaxTokensField(TokenLimitField maxTokensField) {
		return new ChatSettings(maxTokensField, this.structuredOutputRepair);
	}

	/**
	 * Returns a copy that makes one repair attempt for a structured answer that does not
	 * fit, or not.
	 * @param structuredOutputRepair {@code true} for one repair attempt
	 * @return the copy
	 */
	public ChatSettings withStructuredOutputRepair(boolean structuredOutputRepair) {
		return new ChatSettings(this.maxTokensField, structuredOutputRepair);
	}

	/**
	 * The wire name of the token limit. The OpenAI API definition marks
	 * {@code max_tokens} deprecated and OpenAI's reasoning models (o1, o3, o4-mini,
	 * gpt-5) reject it; vLLM, Ollama, llama.cpp and LM Studio read {@code max_tokens},
	 * and only recent versions also read {@code max_completion_tokens}.
	 *
	 * @since 0.1.0
	 */
	public enum TokenLimitField {

		/**
		 * {@code max_tokens}: what vLLM, Ollama, llama.cpp, LM Studio and OpenAI's
		 * non-reasoning models read.
		 */
		MAX_TOKENS("max_tokens"),

		/**
		 * {@code max_completion_tokens}: what OpenAI's reasoning models require, and
		 * Azure OpenAI for them.
		 */
		MAX_COMPLETION_TOKENS("max_completion_tokens");

		private final String wireName;

		TokenLimitField(String wireName) {
			this.wireName = wireName;
		}

		/**
		 * Returns the JSON field name.
		 * @return {@code max_tokens} or {@code max_completion_tokens}
		 */
		public String wireName() {
			return this.wireName;
		}

	}

}
