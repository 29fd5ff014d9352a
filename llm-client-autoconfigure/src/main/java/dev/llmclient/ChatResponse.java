package dev.llmclient;

import java.time.Duration;

/**
 * The answer to a chat completion request.
 *
 * @param id the server's completion id, or {@code null} when it sent none
 * @param model the model that answered, as the server names it (the requested model when
 * the server does not say)
 * @param content the text of the first choice
 * @param finishReason why generation stopped ({@code stop}, {@code length}, ...), or
 * {@code null}
 * @param usage token counts, or {@code null} when the server reported none
 * @param latency time from sending the request to reading the whole answer
 * @since 0.1.0
 */
public record ChatResponse(String id, String model, String content, String finishReason, Usage usage,
		Duration latency) {
}
