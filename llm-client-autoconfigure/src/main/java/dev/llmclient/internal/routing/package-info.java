/**
 * Routing: one endpoint or several behind one route source, cooldowns, strategies and
 * health per endpoint. Not API: types here may be public only for other internal
 * packages, and change without notice.
 */
package dev.llmclient.internal.routing;
