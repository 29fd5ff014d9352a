/**
 * Records as JSON for structured output and tool arguments: strict schemas and checked
 * reading. Not API: public only for the API types that read answers.
 */
package dev.llmclient.internal.json;
