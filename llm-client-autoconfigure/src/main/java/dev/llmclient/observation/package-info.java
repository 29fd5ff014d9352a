/**
 * Micrometer observations of the client's calls: the context an observation carries, and
 * the convention that names it ({@code gen_ai.client.operation}, with the OpenTelemetry
 * GenAI span attributes) and that an application may replace.
 */
package dev.llmclient.observation;
