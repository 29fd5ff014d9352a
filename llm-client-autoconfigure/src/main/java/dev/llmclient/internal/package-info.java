/**
 * Implementation of the client: HTTP transport, wire format, bulkhead, recording. Not
 * API: may change in any release.
 */
package dev.llmclient.internal;
