/**
 * HTTP transport: pooled Apache HttpClient 5 connections, proxy, TLS, wire-log masking,
 * abortable attempts. Not API: types here may be public only for other internal packages,
 * and change without notice.
 */
package dev.llmclient.internal.http;
