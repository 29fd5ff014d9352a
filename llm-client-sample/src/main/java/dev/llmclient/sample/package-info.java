/**
 * Sample application: an HTTP API over the auto-configured
 * {@link dev.llmclient.LlmClient}.
 */
package dev.llmclient.sample;
