/**
 * The call pipeline: admission, attempts, retries and the record of every call, whatever
 * its operation. Not API: types here may be public only for other internal packages, and
 * change without notice.
 */
package dev.llmclient.internal.call;
