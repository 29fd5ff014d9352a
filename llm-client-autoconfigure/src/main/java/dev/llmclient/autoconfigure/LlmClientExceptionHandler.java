package dev.llmclient.autoconfigure;

import java.time.Duration;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

import dev.llmclient.LlmClientClosedException;
import dev.llmclient.LlmClientException;
import dev.llmclient.LlmHttpException;
import dev.llmclient.LlmStreamException;
import dev.llmclient.LlmTimeoutException;

/**
 * Turns an {@link LlmClientException} thrown from a controller into a
 * {@link ProblemDetail}: the status says whose fault it is, {@code detail} is the
 * exception's message (which never holds the API key), and the properties
 * {@code errorType}, {@code serverStatus} and {@code serverErrorType} say what failed.
 * <p>
 * Ordered last so that an application's own advice wins even when it declares no order
 * (advice beans of equal order keep their registration order, and auto-configured beans
 * are registered after the application's).
 */
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
final class LlmClientExceptionHandler {

	private static final Log logger = LogFactory.getLog(LlmClientExceptionHandler.class);

	@ExceptionHandler
	ResponseEntity<ProblemDetail> llmCallFailed(LlmClientException ex) {
		HttpStatus status = status(ex);
		log(status, ex);
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, ex.getMessage());
		problem.setProperty("errorType", ex.errorType());
		if (ex instanceof LlmHttpException http) {
			problem.setProperty("serverStatus", http.statusCode());
			setIfPresent(problem, "serverErrorType", http.serverErrorType());
		}
		else if (ex instanceof LlmStreamException stream) {
			setIfPresent(problem, "serverErrorType", stream.serverErrorType());
		}
		ResponseEntity.BodyBuilder response = ResponseEntity.status(status);
		Duration retryAfter = retryAfter(ex);
		if (retryAfter != null) {
			response.header(HttpHeaders.RETRY_AFTER, Long.toString(wholeSeconds(retryAfter)));
		}
		return response.body(problem);
	}

	/**
	 * 400 when the LLM server refused the request (a 4xx other than 401, 403, 408 and
	 * 429: the caller can fix it), 503 when there is no room for the call (the client's
	 * slots stayed full for {@code max-wait}, the LLM server answered 429, or the client
	 * is shutting down), 504 for any other timeout, 502 for the LLM server's trouble
	 * (including a refused API key, which the caller cannot fix), 500 for the rest (the
	 * call was interrupted or a stream's consumer threw: this application's own fault).
	 */
	private static HttpStatus status(LlmClientException ex) {
		if (ex instanceof LlmTimeoutException timeout) {
			return (timeout.kind() == LlmTimeoutException.Kind.BULKHEAD_WAIT) ? HttpStatus.SERVICE_UNAVAILABLE
					: HttpStatus.GATEWAY_TIMEOUT;
		}
		if ((ex instanceof LlmHttpException http && http.statusCode() == 429)
				|| ex instanceof LlmClientClosedException) {
			return HttpStatus.SERVICE_UNAVAILABLE;
		}
		return switch (ex.origin()) {
			case REQUEST -> HttpStatus.BAD_REQUEST;
			case SERVER, CONFIGURATION -> HttpStatus.BAD_GATEWAY;
			case CLIENT -> HttpStatus.INTERNAL_SERVER_ERROR;
		};
	}

	/**
	 * The wait to tell the caller: the LLM server's own for a 429, and for full slots
	 * {@code max-wait}, the time the call just waited in vain.
	 */
	private static Duration retryAfter(LlmClientException ex) {
		if (ex instanceof LlmTimeoutException timeout && timeout.kind() == LlmTimeoutException.Kind.BULKHEAD_WAIT) {
			return timeout.timeout();
		}
		if (ex instanceof LlmHttpException http && http.statusCode() == 429) {
			return http.retryAfter();
		}
		return null;
	}

	/**
	 * {@code Retry-After} takes whole seconds; rounded up, and at least one so that
	 * callers do not come straight back.
	 */
	private static long wholeSeconds(Duration wait) {
		long seconds = wait.getSeconds() + ((wait.getNano() > 0) ? 1 : 0);
		return Math.max(1, seconds);
	}

	private static void setIfPresent(ProblemDetail problem, String name, String value) {
		if (value != null) {
			problem.setProperty(name, value);
		}
	}

	/**
	 * Without this handler the servlet container would have logged the exception; keep
	 * the failures this application cannot fix by itself visible.
	 */
	private static void log(HttpStatus status, LlmClientException ex) {
		if (status == HttpStatus.INTERNAL_SERVER_ERROR) {
			logger.error("LLM call failed, answered " + status.value(), ex);
		}
		else if (status.is5xxServerError()) {
			logger.warn("LLM call failed, answered " + status.value() + ": " + ex.getMessage());
		}
		else if (logger.isDebugEnabled()) {
			logger.debug("LLM server refused the request, answered " + status.value() + ": " + ex.getMessage());
		}
	}

}
