/**
 * The operations a client runs through the pipeline: chat, stream, embeddings, and what
 * they share. Not API: types here may be public only for other internal packages, and
 * change without notice.
 */
package dev.llmclient.internal.operation;
