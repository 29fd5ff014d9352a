/**
 * Spring Boot auto-configuration of the LLM client: properties, connection details,
 * auto-configurations and the failure analyzer for bad {@code llm.client.*} values.
 */
package dev.llmclient.autoconfigure;
