/**
 * The wire format: request and answer codecs, server-sent events, and what failing
 * answers mean. Not API: types here may be public only for other internal packages, and
 * change without notice.
 */
package dev.llmclient.internal.wire;
