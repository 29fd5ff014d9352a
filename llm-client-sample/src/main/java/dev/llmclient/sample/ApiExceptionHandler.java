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

import dev.llmclient.LlmClientException;
import dev.llmclient.LlmHttpException;
import dev.llmclient.LlmStreamException;

/**
 * Answers failures of the sample's API as {@link ErrorResponse} JSON: 400 for a bad
 * request (including one the LLM server refused as invalid), 502 for any trouble on the
 * LLM server's side (an error status, no connection, a timeout, an answer that is not a
 * completion: the body's {@code type}, the client's
 * {@link LlmClientException#errorType()}, tells which), 503 when this application's own
 * limits are full (every slot of the client, or every stream slot, is taken). As the
 * application's own advice it is asked before the starter's problem details
 * ({@code llm.client.web.problem-details}), so this contract holds.
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
	 * @return its message, its error type, the LLM server's status when it sent one and
	 * the server's own error type when it named one
	 */
	static ErrorResponse describe(LlmClientException ex) {
		if (ex instanceof LlmHttpException http) {
			return new ErrorResponse(ex.getMessage(), ex.errorType(), http.statusCode(), http.serverErrorType());
		}
		if (ex instanceof LlmStreamException stream) {
			return new ErrorResponse(ex.getMessage(), ex.errorType(), null, stream.serverErrorType());
		}
		return new ErrorResponse(ex.getMessage(), ex.errorType());
	}

	/**
	 * 400 when the LLM server refused what the caller asked for (a prompt too long for
	 * the model, an option out of range: the caller can fix that), 503 when the client's
	 * own slots stayed full, 429 when its rate budget (or the server's) is spent, 502 for
	 * everything else.
	 */
	private static HttpStatus status(LlmClientException ex) {
		return switch (ex.errorType()) {
			case "400", "422" -> HttpStatus.BAD_REQUEST;
			case "bulkhead_full" -> HttpStatus.SERVICE_UNAVAILABLE;
			case "rate_limited" -> HttpStatus.TOO_MANY_REQUESTS;
			default -> HttpStatus.BAD_GATEWAY;
		};
	}

	@ExceptionHandler
	ResponseEntity<ErrorResponse> badRequest(IllegalArgumentException ex) {
		return error(HttpStatus.BAD_REQUEST, ex.getMessage(), "bad_request");
	}

	@ExceptionHandler
	ResponseEntity<ErrorResponse> unreadableBody(HttpMessageNotReadableException ex) {
		return error(HttpStatus.BAD_REQUEST, "The body must be JSON such as {\"prompt\": \"Hello\"} (for /api/batch: "
				+ "{\"prompts\": [\"Hello\", \"Hi\"]})", "bad_request");
	}

	@ExceptionHandler
	ResponseEntity<ErrorResponse> busy(RejectedExecutionException ex) {
		return error(HttpStatus.SERVICE_UNAVAILABLE, "Too many streams at once: try again shortly", "busy");
	}

	/**
	 * The content type is set, not negotiated, so that a client asking for an event
	 * stream still gets the JSON error.
	 */
	private static ResponseEntity<ErrorResponse> error(HttpStatus status, String message, String type) {
		return ResponseEntity.status(status)
			.contentType(MediaType.APPLICATION_JSON)
			.body(new ErrorResponse(message, type));
	}

}
