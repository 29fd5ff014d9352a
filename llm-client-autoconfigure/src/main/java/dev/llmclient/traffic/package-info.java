/**
 * Traffic control a call passes before it is sent: the client-wide
 * {@link dev.llmclient.traffic.ConcurrencyLimiter} and the
 * {@link dev.llmclient.traffic.RateBudget}s of requests and tokens, both replaceable (for
 * example by limits shared through Redis) without touching the call path.
 */
package dev.llmclient.traffic;
