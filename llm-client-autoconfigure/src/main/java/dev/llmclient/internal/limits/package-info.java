/**
 * The client-wide limit (fixed or adaptive) and the server's pacing. Not API: types here
 * may be public only for other internal packages, and change without notice.
 */
package dev.llmclient.internal.limits;
