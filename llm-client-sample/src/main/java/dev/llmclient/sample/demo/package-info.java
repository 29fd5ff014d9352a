/**
 * Built-in OpenAI-compatible demo backend (an echo model) that lets the sample run
 * without an LLM server.
 */
package dev.llmclient.sample.demo;
