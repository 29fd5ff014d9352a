/**
 * Traffic control a call passes before it is sent: the client-wide
 * {@link dev.llmclient.traffic.ConcurrencyLimiter} and the
 * {@link dev.llmclient.traffic.RateBudget}s of requests and tokens, both replaceable (for
 * example by limits shared through Redis) without touching the call path; and
 * {@link dev.llmclient.traffic.Interrupts}, for implementations that give units or
 * permits back on the thread of a cancelled call.
 */
package dev.llmclient.traffic;
