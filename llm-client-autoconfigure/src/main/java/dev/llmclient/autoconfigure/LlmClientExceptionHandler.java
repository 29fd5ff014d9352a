package dev.llmclient.autoconfigure;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

import dev.llmclient.LlmClientException;
import dev.llmclient.web.LlmProblemDetails;

/**
 * Turns an {@link LlmClientException} thrown from a controller into a
 * {@link ProblemDetail} (see {@link LlmProblemDetails}), and logs it, since the servlet
 * container no longer does.
 * <p>
 * Ordered last so that an application's own advice wins even when it declares no order
 * (advice beans of equal order keep their registration order, and auto-configured beans
 * are registered after the application's).
 */
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
final class LlmClientExceptionHandler {

	private static final Log logger = LogFactory.getLog(LlmClientExceptionHandler.class);

	private final boolean includeDetails;

	/**
	 * Creates the handler.
	 * @param includeDetails whether the problem's {@code detail} is the exception's whole
	 * message ({@code llm.client.web.problem-details.include-details})
	 */
	LlmClientExceptionHandler(boolean includeDetails) {
		this.includeDetails = includeDetails;
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> llmCallFailed(LlmClientException ex) {
		ResponseEntity<ProblemDetail> response = LlmProblemDetails.toResponse(ex, this.includeDetails);
		log(response.getStatusCode(), ex);
		return response;
	}

	/**
	 * Keeps the failures this application cannot fix by itself visible: the message says
	 * all there is for those of the LLM server and the client's limits, a stack trace
	 * only for a 500 (an interrupted call, a stream consumer that threw).
	 */
	private static void log(HttpStatusCode status, LlmClientException ex) {
		String answered = "LLM call failed (" + ex.errorType() + "), answered " + status.value();
		if (status.value() == 500) {
			logger.error(answered, ex);
		}
		else if (status.is5xxServerError()) {
			logger.warn(answered + ": " + ex.getMessage());
		}
		else if (logger.isDebugEnabled()) {
			logger.debug(answered + ": " + ex.getMessage());
		}
	}

}
