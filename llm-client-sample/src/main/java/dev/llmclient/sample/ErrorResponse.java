package dev.llmclient.sample;

/**
 * Body answered when a request fails.
 *
 * @param error what went wrong
 * @param type a stable kind of failure, such as {@code bad_request}, {@code timeout} or
 * the LLM server's own error type
 * @param status the LLM server's HTTP status, or {@code null} when it sent none
 */
record ErrorResponse(String error, String type, Integer status) {
}
