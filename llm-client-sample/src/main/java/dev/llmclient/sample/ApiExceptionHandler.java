package dev.llmclient.sample;

import java.util.concurrent.RejectedExecutionException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

import dev.llmclient.LlmBulkheadFullException;
import dev.llmclient.LlmClientException;
import dev.llmclient.LlmConnectionException;
import dev.llmclient.LlmHttpException;
import dev.llmclient.LlmMalformedResponseException;
import dev.llmclient.LlmStreamException;
import dev.llmclient.LlmTimeoutException;

/**
 * Answers failures of the sample's API as {@link ErrorResponse} JSON: 400 for a bad
 * request (including one the LLM server refused as invalid), 502 for any trouble on the
 * LLM server's side (an error status, no connection, a timeout, an answer that is not a
 * completion: the body's {@code type} tells which), 503 when this application's own
 * limits are full (every slot of the client, or every stream slot, is taken).
 */
@RestControllerAdvice(basePackageClasses = SampleApplication.class)
class ApiExceptionHandler {

	private static final Log logger = LogFactory.getLog(ApiExceptionHandler.class);

	@ExceptionHandler
	ResponseEntity<ErrorResponse> llmCallFailed(LlmClientException ex) {
		logger.warn("LLM call failed: " + ex.getMessage());
		return ResponseEntity.status(status(ex)).contentType(MediaType.APPLICATION_JSON).body(describe(ex));
	}

	/**
	 * Describes a failed LLM call, for an error body or an {@code event: error} of a
	 * stream.
	 * @param ex the failure
	 * @return its message, a stable type and the LLM server's status when it sent one
	 */
	static ErrorResponse describe(LlmClientException ex) {
		if (ex instanceof LlmHttpException http) {
			String type = (http.errorType() != null) ? http.errorType() : "http_error";
			return new ErrorResponse(ex.getMessage(), type, http.statusCode());
		}
		if (ex instanceof LlmStreamException stream) {
			String type = (stream.errorType() != null) ? stream.errorType()
					: (stream.serverError() ? "stream_error" : "stream_cut");
			return new ErrorResponse(ex.getMessage(), type, null);
		}
		String type = (ex instanceof LlmTimeoutException) ? "timeout"
				: (ex instanceof LlmConnectionException) ? "connection"
						: (ex instanceof LlmMalformedResponseException) ? "malformed_response"
								: (ex instanceof LlmBulkheadFullException) ? "bulkhead_full" : "llm_error";
		return new ErrorResponse(ex.getMessage(), type, null);
	}

	private static HttpStatus status(LlmClientException ex) {
		if (ex instanceof LlmHttpException http && rejectedRequest(http)) {
			return HttpStatus.BAD_REQUEST;
		}
		if (ex instanceof LlmBulkheadFullException) {
			return HttpStatus.SERVICE_UNAVAILABLE;
		}
		return HttpStatus.BAD_GATEWAY;
	}

	/**
	 * Whether the LLM server refused what the caller asked for (a prompt too long for the
	 * model, an option out of range): the caller can fix that, so it is the caller's 400,
	 * not a 502.
	 */
	private static boolean rejectedRequest(LlmHttpException http) {
		return http.statusCode() == 400 || http.statusCode() == 422;
	}

	@ExceptionHandler
	ResponseEntity<ErrorResponse> badRequest(IllegalArgumentException ex) {
		return error(HttpStatus.BAD_REQUEST, ex.getMessage(), "bad_request", null);
	}

	@ExceptionHandler
	ResponseEntity<ErrorResponse> unreadableBody(HttpMessageNotReadableException ex) {
		return error(HttpStatus.BAD_REQUEST, "The body must be JSON such as {\"prompt\": \"Hello\"} (for /api/batch: "
				+ "{\"prompts\": [\"Hello\", \"Hi\"]})", "bad_request", null);
	}

	@ExceptionHandler
	ResponseEntity<ErrorResponse> busy(RejectedExecutionException ex) {
		return error(HttpStatus.SERVICE_UNAVAILABLE, "Too many streams at once: try again shortly", "busy", null);
	}

	/**
	 * The content type is set, not negotiated, so that a client asking for an event
	 * stream still gets the JSON error.
	 */
	private static ResponseEntity<ErrorResponse> error(HttpStatus status, String message, String type,
			Integer upstreamStatus) {
		return ResponseEntity.status(status)
			.contentType(MediaType.APPLICATION_JSON)
			.body(new ErrorResponse(message, type, upstreamStatus));
	}

}
