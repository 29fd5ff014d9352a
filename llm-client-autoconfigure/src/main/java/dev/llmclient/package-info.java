/**
 * Public API of the LLM client: the {@link dev.llmclient.LlmClient} interface, its
 * immutable request and response records, its exceptions and the customizer hook. Plain
 * Java, no Spring.
 */
package dev.llmclient;
