package dev.llmclient;

/**
 * One delta of a streamed answer.
 *
 * @param content the text added by this delta, empty when it carries none
 * @param finishReason why generation stopped, on the last delta only; otherwise
 * {@code null}
 * @since 0.1.0
 */
public record ChatChunk(String content, String finishReason) {
}
