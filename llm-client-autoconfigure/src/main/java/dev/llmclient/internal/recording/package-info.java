/**
 * Recording: metrics, the latency window, health and observations of every call. Not API:
 * types here may be public only for other internal packages, and change without notice.
 */
package dev.llmclient.internal.recording;
