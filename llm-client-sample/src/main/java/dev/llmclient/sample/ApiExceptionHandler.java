package dev.llmclient.sample;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

import dev.llmclient.LlmBulkheadFullException;
import dev.llmclient.LlmClientException;
import dev.llmclient.LlmConnectionException;
import dev.llmclient.LlmHttpException;
import dev.llmclient.LlmMalformedResponseException;
import dev.llmclient.LlmTimeoutException;

/**
 * Answers failures of the sample's API as {@link ErrorResponse} JSON: 400 for a bad request
 * (including one the LLM server refused as invalid), 502, 503 or 504 when the call to the LLM
 * server failed.
 */
@RestControllerAdvice(basePackageClasses = SampleApplication.class)
class ApiExceptionHandler {

    private static final Log logger = LogFactory.getLog(ApiExceptionHandler.class);

    @ExceptionHandler
    ResponseEntity<ErrorResponse> llmCallFailed(LlmClientException ex) {
        logger.warn("LLM call failed: " + ex.getMessage());
        if (ex instanceof LlmHttpException http) {
            String type = (http.errorType() != null) ? http.errorType() : "http_error";
            return error(rejectedRequest(http) ? HttpStatus.BAD_REQUEST : HttpStatus.BAD_GATEWAY, ex.getMessage(), type,
                    http.statusCode());
        }
        if (ex instanceof LlmTimeoutException) {
            return error(HttpStatus.GATEWAY_TIMEOUT, ex.getMessage(), "timeout", null);
        }
        if (ex instanceof LlmConnectionException) {
            return error(HttpStatus.BAD_GATEWAY, ex.getMessage(), "connection", null);
        }
        if (ex instanceof LlmMalformedResponseException) {
            return error(HttpStatus.BAD_GATEWAY, ex.getMessage(), "malformed_response", null);
        }
        if (ex instanceof LlmBulkheadFullException) {
            return error(HttpStatus.SERVICE_UNAVAILABLE, ex.getMessage(), "bulkhead_full", null);
        }
        return error(HttpStatus.BAD_GATEWAY, ex.getMessage(), "llm_error", null);
    }

    /**
     * Whether the LLM server refused what the caller asked for (a prompt too long for the model,
     * an option out of range): the caller can fix that, so it is the caller's 400, not a 502.
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
        return error(HttpStatus.BAD_REQUEST, "The body must be JSON such as {\"prompt\": \"Hello\"}", "bad_request", null);
    }

    private static ResponseEntity<ErrorResponse> error(HttpStatus status, String message, String type, Integer upstreamStatus) {
        return ResponseEntity.status(status).body(new ErrorResponse(message, type, upstreamStatus));
    }

}
