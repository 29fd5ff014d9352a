/**
 * Actuator health indicator of the LLM client.
 */
package dev.llmclient.health;
