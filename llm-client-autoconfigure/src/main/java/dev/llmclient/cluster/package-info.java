/**
 * Limits shared by every instance of an application through Redis: a cluster-wide lease
 * semaphore for calls in flight and cluster-wide request and token budgets, with a policy
 * for when Redis cannot be reached.
 */
package dev.llmclient.cluster;
