/**
 * Helpers for Spring MVC applications that call the LLM client: forwarding a stream to a
 * browser as server-sent events, and answering the client's failures as problem details
 * that carry no internals.
 */
package dev.llmclient.web;
