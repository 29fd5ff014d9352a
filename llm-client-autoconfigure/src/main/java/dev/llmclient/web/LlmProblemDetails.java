package dev.llmclient.web;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

import dev.llmclient.LlmBulkheadFullException;
import dev.llmclient.LlmClientClosedException;
import dev.llmclient.LlmClientException;
import dev.llmclient.LlmClusterUnavailableException;
import dev.llmclient.LlmEndpointsUnavailableException;
import dev.llmclient.LlmHttpException;
import dev.llmclient.LlmRateLimitedException;
import dev.llmclient.LlmStreamException;
import dev.llmclient.LlmStructuredOutputException;
import dev.llmclient.LlmTimeoutException;
import dev.llmclient.LlmToolLoopException;

/**
 * Turns an {@link LlmClientException} into the RFC 9457 {@link ProblemDetail} an
 * application's caller gets: the status says whose fault it is, the {@code errorType}
 * property is the exception's {@link LlmClientException#errorType()}, and
 * {@code serverStatus} and {@code serverErrorType} are the LLM server's own status and
 * error type when it answered with them.
 * <p>
 * The {@code detail} is a fixed sentence per kind of failure unless details are included:
 * the exception's message names the LLM endpoint, the client's settings and, for a
 * structured answer that did not fit, parser messages and the model's own text, none of
 * which belongs in an answer to the application's callers. Operators find the whole
 * message in the log and the metrics.
 * <table>
 * <caption>Statuses</caption>
 * <tr>
 * <th>status</th>
 * <th>{@code errorType}</th>
 * </tr>
 * <tr>
 * <td>400</td>
 * <td>the LLM server's 4xx other than 401, 403, 407, 408 and 429</td>
 * </tr>
 * <tr>
 * <td>502</td>
 * <td>{@code 5xx}, {@code 408}, {@code 401}, {@code 403}, {@code 407}, {@code io},
 * {@code malformed_response}, {@code stream_error}, {@code stream_cut},
 * {@code structured_output}, {@code tool_loop}</td>
 * </tr>
 * <tr>
 * <td>503</td>
 * <td>{@code bulkhead_full}, {@code rate_limited}, {@code 429},
 * {@code endpoints_unavailable}, {@code cluster_unavailable}, {@code client_closed}</td>
 * </tr>
 * <tr>
 * <td>504</td>
 * <td>{@code timeout}</td>
 * </tr>
 * <tr>
 * <td>500</td>
 * <td>{@code other}</td>
 * </tr>
 * </table>
 *
 * @since 0.1.0
 */
public final class LlmProblemDetails {

	private LlmProblemDetails() {
	}

	/**
	 * Returns the answer for a failed call: the problem detail with its status, and a
	 * {@code Retry-After} header when a wait is known (see {@link #retryAfter}).
	 * @param ex the failure
	 * @param includeDetails whether {@code detail} is the exception's whole message
	 * rather than a fixed sentence
	 * @return the answer
	 */
	public static ResponseEntity<ProblemDetail> toResponse(LlmClientException ex, boolean includeDetails) {
		ResponseEntity.BodyBuilder response = ResponseEntity.status(status(ex));
		Duration retryAfter = retryAfter(ex);
		if (retryAfter != null) {
			response.header(HttpHeaders.RETRY_AFTER, Long.toString(wholeSeconds(retryAfter)));
		}
		return response.body(toProblemDetail(ex, includeDetails));
	}

	/**
	 * Returns the problem detail for a failed call.
	 * @param ex the failure
	 * @param includeDetails whether {@code detail} is the exception's whole message
	 * rather than a fixed sentence
	 * @return the problem detail
	 */
	public static ProblemDetail toProblemDetail(LlmClientException ex, boolean includeDetails) {
		Objects.requireNonNull(ex, "ex must not be null");
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status(ex),
				includeDetails ? ex.getMessage() : sentence(ex));
		problem.setProperty("errorType", ex.errorType());
		if (ex instanceof LlmHttpException http) {
			problem.setProperty("serverStatus", http.statusCode());
			setIfPresent(problem, "serverErrorType", http.serverErrorType());
		}
		else if (ex instanceof LlmStreamException stream) {
			setIfPresent(problem, "serverErrorType", stream.serverErrorType());
		}
		return problem;
	}

	/**
	 * Returns the status that answers a failed call: 400 when the LLM server refused the
	 * request (the caller can change it); 503 when there is no room for the call now (the
	 * client's slots or a rate budget stayed spent for {@code max-wait}, the LLM server
	 * answered 429, no endpoint can take it, the limits shared in Redis cannot be
	 * checked, or the client is shutting down); 504 for any other timeout; 502 when the
	 * LLM server or its model let the call down (a 5xx, a refused API key, a broken
	 * connection, an answer that is not a completion, a structured answer that does not
	 * fit, a tool loop that did not end within its rounds); 500 for the rest (the call
	 * was interrupted or a stream's consumer threw: this application's own fault).
	 * @param ex the failure
	 * @return the status
	 */
	public static HttpStatus status(LlmClientException ex) {
		if (ex instanceof LlmBulkheadFullException || ex instanceof LlmEndpointsUnavailableException
				|| ex instanceof LlmClusterUnavailableException || ex instanceof LlmClientClosedException
				|| (ex instanceof LlmHttpException http && http.statusCode() == 429)) {
			return HttpStatus.SERVICE_UNAVAILABLE;
		}
		if (ex instanceof LlmTimeoutException) {
			return HttpStatus.GATEWAY_TIMEOUT;
		}
		if (ex instanceof LlmToolLoopException) {
			return HttpStatus.BAD_GATEWAY;
		}
		return switch (ex.origin()) {
			case REQUEST -> HttpStatus.BAD_REQUEST;
			case SERVER, CONFIGURATION -> HttpStatus.BAD_GATEWAY;
			case CLIENT -> HttpStatus.INTERNAL_SERVER_ERROR;
		};
	}

	/**
	 * Returns the wait to tell the caller: for a spent rate budget the time it needs to
	 * refill (else {@code max-wait}), for full slots {@code max-wait} (the time the call
	 * just waited in vain), the LLM server's own wait for its 429, and the time until the
	 * first endpoint's cooldown ends when none could take the call.
	 * @param ex the failure
	 * @return the wait, or {@code null} when none is known
	 */
	public static Duration retryAfter(LlmClientException ex) {
		if (ex instanceof LlmRateLimitedException limited && limited.wouldWait() != null) {
			return limited.wouldWait();
		}
		if (ex instanceof LlmBulkheadFullException full) {
			return full.timeout();
		}
		if (ex instanceof LlmHttpException http && http.statusCode() == 429) {
			return http.retryAfter();
		}
		if (ex instanceof LlmEndpointsUnavailableException unavailable) {
			return unavailable.endpoints()
				.stream()
				.map(LlmEndpointsUnavailableException.EndpointState::coolingDownUntil)
				.filter(Objects::nonNull)
				.min(Instant::compareTo)
				.map((until) -> Duration.between(Instant.now(), until))
				.orElse(null);
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

	/**
	 * What the caller may read of a failure: what kind it is, in words, without the
	 * endpoint, settings, parser messages or the model's text.
	 */
	private static String sentence(LlmClientException ex) {
		return switch (ex.errorType()) {
			case "timeout" -> "The language model did not answer in time.";
			case "bulkhead_full" -> "The language model is busy with other requests; try again later.";
			case "rate_limited" -> "The budget of calls to the language model is spent for now; try again later.";
			case "endpoints_unavailable" -> "No language model server can take the request now; try again later.";
			case "cluster_unavailable" -> "Calls to the language model are paused for now; try again later.";
			case "client_closed" -> "The application is shutting down; try again later.";
			case "io" -> "The language model server could not be reached.";
			case "malformed_response" -> "The language model server sent an answer that could not be read.";
			case "stream_error", "stream_cut" -> "The language model's answer ended before it was complete.";
			case "structured_output" -> "The language model's answer did not have the expected structure.";
			case "tool_loop" -> "The language model did not finish its answer within the allowed tool rounds.";
			case "batch_validation" -> "The language model provider refused the batch job's input.";
			case "batch_item" -> "The language model provider did not answer this request of a batch job.";
			default -> httpSentence(ex);
		};
	}

	private static String httpSentence(LlmClientException ex) {
		if (!(ex instanceof LlmHttpException http)) {
			return "The call to the language model was stopped.";
		}
		if (http.isAuthFailure()) {
			return "The language model server refused this application's credentials.";
		}
		if (http.statusCode() == 429) {
			return "The language model server is limiting requests; try again later.";
		}
		if (http.origin() == LlmClientException.Origin.REQUEST) {
			return "The language model server refused the request.";
		}
		return "The language model server failed to answer.";
	}

	private static void setIfPresent(ProblemDetail problem, String name, String value) {
		if (value != null) {
			problem.setProperty(name, value);
		}
	}

}
