package dev.llmclient;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * How requests are written and structured answers read, and which hints about a call's
 * {@link RequestClass} go to the provider.
 * <p>
 * Part of {@link LlmClientSettings}; changed through {@link LlmClientBuilder#chat}.
 *
 * @param maxTokensField the wire name {@link ChatRequest#maxTokens()} is sent under
 * @param structuredOutputRepair whether a structured answer that does not fit its record
 * is asked for once more, with the error shown to the model (one more call)
 * @param priorityField the body field a call's priority is sent in ({@code priority} for
 * vLLM), or {@code null} to send none ({@code chat.priority-field})
 * @param interactivePriority the priority sent for {@link RequestClass#INTERACTIVE} calls
 * ({@code chat.priority.interactive}); vLLM serves lower values first
 * @param batchPriority the priority sent for {@link RequestClass#BATCH} calls
 * ({@code chat.priority.batch})
 * @param batchServiceTier the {@code service_tier} sent with {@link RequestClass#BATCH}
 * chat calls, such as {@code flex}, or {@code null} to send none
 * ({@code batch.service-tier})
 * @param serviceTierFallback whether a batch call that the provider refuses because its
 * tier has no capacity now (OpenAI's 429 "resource unavailable" for {@code flex}) is sent
 * once more without {@code service_tier}, on the project's default tier
 * ({@code batch.service-tier-fallback})
 * @since 0.1.0
 */
public record ChatSettings(TokenLimitField maxTokensField, boolean structuredOutputRepair, String priorityField,
		int interactivePriority, int batchPriority, String batchServiceTier, boolean serviceTierFallback) {

	/**
	 * The defaults: {@code max_tokens}, no repair attempt, no priority, no service tier
	 * (priorities 0 and 10 once a field is named; no fallback).
	 */
	public static final ChatSettings DEFAULTS = new ChatSettings(TokenLimitField.MAX_TOKENS, false, null, 0, 10, null,
			false);

	/** Fields the client writes itself, which a priority must not overwrite. */
	private static final Set<String> WRITTEN_FIELDS = Set.of("model", "messages", "temperature", "max_tokens",
			"max_completion_tokens", "top_p", "stop", "tools", "tool_choice", "parallel_tool_calls", "response_format",
			"stream", "stream_options", "service_tier");

	/** A JSON field name as the APIs write them: no spaces, no quotes. */
	private static final Pattern FIELD_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]*");

	/** A tier name as OpenAI and compatible providers write them. */
	private static final Pattern TIER_NAME = Pattern.compile("[a-z][a-z0-9_-]*");

	/**
	 * Checks every value.
	 * @throws LlmClientSettingException naming the invalid setting
	 */
	public ChatSettings {
		if (maxTokensField == null) {
			throw new LlmClientSettingException("chat.max-tokens-field", null,
					"is required: max-tokens or max-completion-tokens");
		}
		if (priorityField != null
				&& (!FIELD_NAME.matcher(priorityField).matches() || WRITTEN_FIELDS.contains(priorityField))) {
			throw new LlmClientSettingException("chat.priority-field", priorityField,
					"must be the name of the body field the server reads a request's priority from, such as "
							+ "'priority' for vLLM, and not one the client writes itself; leave it unset to send none");
		}
		if (batchServiceTier != null && !TIER_NAME.matcher(batchServiceTier).matches()) {
			throw new LlmClientSettingException("batch.service-tier", batchServiceTier,
					"must be a service tier name such as flex, default or priority; leave it unset to send none");
		}
	}

	/**
	 * Returns a copy that sends the token limit under another name.
	 * @param maxTokensField the wire name
	 * @return the copy
	 */
	public ChatSettings withMaxTokensField(TokenLimitField maxTokensField) {
		return new ChatSettings(maxTokensField, this.structuredOutputRepair, this.priorityField,
				this.interactivePriority, this.batchPriority, this.batchServiceTier, this.serviceTierFallback);
	}

	/**
	 * Returns a copy that makes one repair attempt for a structured answer that does not
	 * fit, or not.
	 * @param structuredOutputRepair {@code true} for one repair attempt
	 * @return the copy
	 */
	public ChatSettings withStructuredOutputRepair(boolean structuredOutputRepair) {
		return new ChatSettings(this.maxTokensField, structuredOutputRepair, this.priorityField,
				this.interactivePriority, this.batchPriority, this.batchServiceTier, this.serviceTierFallback);
	}

	/**
	 * Returns a copy that sends each call's priority in a body field, or none.
	 * @param priorityField the field, such as {@code priority}, or {@code null} for none
	 * @return the copy
	 */
	public ChatSettings withPriorityField(String priorityField) {
		return new ChatSettings(this.maxTokensField, this.structuredOutputRepair, priorityField,
				this.interactivePriority, this.batchPriority, this.batchServiceTier, this.serviceTierFallback);
	}

	/**
	 * Returns a copy that sends another priority for interactive calls.
	 * @param interactivePriority the priority
	 * @return the copy
	 */
	public ChatSettings withInteractivePriority(int interactivePriority) {
		return new ChatSettings(this.maxTokensField, this.structuredOutputRepair, this.priorityField,
				interactivePriority, this.batchPriority, this.batchServiceTier, this.serviceTierFallback);
	}

	/**
	 * Returns a copy that sends another priority for batch calls.
	 * @param batchPriority the priority
	 * @return the copy
	 */
	public ChatSettings withBatchPriority(int batchPriority) {
		return new ChatSettings(this.maxTokensField, this.structuredOutputRepair, this.priorityField,
				this.interactivePriority, batchPriority, this.batchServiceTier, this.serviceTierFallback);
	}

	/**
	 * Returns a copy that sends a service tier with batch chat calls, or none.
	 * @param batchServiceTier the tier, such as {@code flex}, or {@code null} for none
	 * @return the copy
	 */
	public ChatSettings withBatchServiceTier(String batchServiceTier) {
		return new ChatSettings(this.maxTokensField, this.structuredOutputRepair, this.priorityField,
				this.interactivePriority, this.batchPriority, batchServiceTier, this.serviceTierFallback);
	}

	/**
	 * Returns a copy that sends a batch call refused for its tier's capacity once more on
	 * the default tier, or not.
	 * @param serviceTierFallback {@code true} to fall back once
	 * @return the copy
	 */
	public ChatSettings withServiceTierFallback(boolean serviceTierFallback) {
		return new ChatSettings(this.maxTokensField, this.structuredOutputRepair, this.priorityField,
				this.interactivePriority, this.batchPriority, this.batchServiceTier, serviceTierFallback);
	}

	/**
	 * Returns the priority sent for a call of the class.
	 * @param requestClass the call's class
	 * @return {@link #interactivePriority()} or {@link #batchPriority()}
	 */
	public int priority(RequestClass requestClass) {
		return (requestClass == RequestClass.BATCH) ? this.batchPriority : this.interactivePriority;
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
