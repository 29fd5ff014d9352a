package dev.llmclient;

/**
 * Token counts reported by the server for one call.
 *
 * @param inputTokens tokens in the prompt ({@code prompt_tokens})
 * @param outputTokens tokens in the answer ({@code completion_tokens})
 * @param totalTokens both together ({@code total_tokens})
 * @since 0.1.0
 */
public record Usage(int inputTokens, int outputTokens, int totalTokens) {
}
