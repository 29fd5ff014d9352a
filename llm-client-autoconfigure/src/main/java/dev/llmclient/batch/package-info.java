/**
 * Batch service: many chat requests through one {@link dev.llmclient.LlmClient}, at most
 * {@code max-concurrent} at a time, every input answered in order.
 */
package dev.llmclient.batch;
