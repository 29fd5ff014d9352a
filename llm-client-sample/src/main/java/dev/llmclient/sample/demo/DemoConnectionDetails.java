package dev.llmclient.sample.demo;

import dev.llmclient.autoconfigure.LlmClientConnectionDetails;

/**
 * Points the client at the demo backend. The demo needs no API key; the model is whatever
 * {@code llm.client.model} says (the echo model answers to any name), because connection
 * details replace that property, else {@code echo}: a batch job needs a model in every
 * request.
 *
 * @param endpoint the demo backend's base URL
 * @param model the model from {@code llm.client.model}, else {@code echo}
 */
record DemoConnectionDetails(String endpoint, String model) implements LlmClientConnectionDetails {

}
