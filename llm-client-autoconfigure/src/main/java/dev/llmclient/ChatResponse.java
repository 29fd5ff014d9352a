package dev.llmclient;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import dev.llmclient.internal.json.StructuredJson;

/**
 * The answer to a chat completion request.
 *
 * @param id the server's completion id, or {@code null} when it sent none
 * @param model the model that answered, as the server names it (the requested model when
 * the server does not say)
 * @param content the text of the first choice; empty when the model sent none (as with
 * tool calls or a refusal)
 * @param finishReason why generation stopped ({@code stop}, {@code length},
 * {@code tool_calls}, ...), or {@code null}
 * @param usage token counts, or {@code null} when the server reported none
 * @param latency time from sending the request to reading the whole answer
 * @param toolCalls the tool calls the model asked for, complete (also when streamed);
 * never {@code null}
 * @param refusal the model's refusal to answer in the requested format, or {@code null}
 * @param cost what the call cost, priced from its usage with {@code pricing.*}; empty
 * when its model is not priced or the server reported no usage
 * @since 0.1.0
 */
public record ChatResponse(String id, String model, String content, String finishReason, Usage usage, Duration latency,
		List<ToolCall> toolCalls, String refusal, Optional<Cost> cost) {

	/**
	 * Creates a response, copying its tool calls.
	 */
	public ChatResponse {
		toolCalls = (toolCalls != null) ? List.copyOf(toolCalls) : List.of();
		cost = (cost != null) ? cost : Optional.empty();
	}

	/**
	 * Creates a response without a cost.
	 * @param id the server's completion id, or {@code null}
	 * @param model the model that answered
	 * @param content the text
	 * @param finishReason why generation stopped, or {@code null}
	 * @param usage token counts, or {@code null}
	 * @param latency time the call took
	 * @param toolCalls the tool calls, or {@code null} for none
	 * @param refusal the model's refusal, or {@code null}
	 */
	public ChatResponse(String id, String model, String content, String finishReason, Usage usage, Duration latency,
			List<ToolCall> toolCalls, String refusal) {
		this(id, model, content, finishReason, usage, latency, toolCalls, refusal, Optional.empty());
	}

	/**
	 * Creates a text answer without tool calls or refusal.
	 * @param id the server's completion id, or {@code null}
	 * @param model the model that answered
	 * @param content the text
	 * @param finishReason why generation stopped, or {@code null}
	 * @param usage token counts, or {@code null}
	 * @param latency time the call took
	 */
	public ChatResponse(String id, String model, String content, String finishReason, Usage usage, Duration latency) {
		this(id, model, content, finishReason, usage, latency, null, null);
	}

	/**
	 * Returns a copy with a cost.
	 * @param cost what the call cost, or {@code null} for none
	 * @return the copy
	 */
	public ChatResponse withCost(Cost cost) {
		return new ChatResponse(this.id, this.model, this.content, this.finishReason, this.usage, this.latency,
				this.toolCalls, this.refusal, Optional.ofNullable(cost));
	}

	/**
	 * Returns whether the model asked for tool calls.
	 * @return {@code true} when {@link #toolCalls()} is not empty
	 */
	public boolean hasToolCalls() {
		return !this.toolCalls.isEmpty();
	}

	/**
	 * Reads the answer into a record, as an answer to
	 * {@link ResponseFormat#jsonSchema(Class)} or {@link ResponseFormat#JSON_OBJECT}: for
	 * example after {@link LlmClient#stream} of a structured request.
	 * @param type the record type
	 * @return the value
	 * @throws LlmStructuredOutputException carrying the raw text when the model refused,
	 * or the text is not JSON or does not fit the type
	 * @throws IllegalArgumentException when the type cannot be described by a schema
	 */
	public <T> T contentAs(Class<T> type) {
		if (this.refusal != null) {
			throw new LlmStructuredOutputException(
					"The model refused to answer as " + type.getName() + ": " + StructuredJson.snippet(this.refusal),
					this.content, this.refusal, null);
		}
		try {
			return StructuredJson.read(this.content, type, "structured answer");
		}
		catch (StructuredJson.Mismatch ex) {
			throw LlmStructuredOutputException.of(ex);
		}
	}

}
