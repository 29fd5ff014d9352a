package dev.llmclient.sample;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Body answered when a request fails.
 *
 * @param error what went wrong
 * @param type a stable kind of failure: for a failed LLM call the client's
 * {@link dev.llmclient.LlmClientException#errorType()} ({@code 429}, {@code timeout},
 * {@code io}, ...), else {@code bad_request} or {@code busy}
 * @param status the LLM server's HTTP status, or {@code null} when it sent none
 * @param serverType the LLM server's own error type, such as
 * {@code invalid_request_error}; left out when it sent none
 */
record ErrorResponse(String error, String type, Integer status,
		@JsonInclude(JsonInclude.Include.NON_NULL) String serverType) {

	ErrorResponse(String error, String type) {
		this(error, type, null, null);
	}

}
