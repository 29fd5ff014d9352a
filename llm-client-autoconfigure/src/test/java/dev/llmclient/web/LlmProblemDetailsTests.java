package dev.llmclient.web;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.http.HttpHeaders;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

import dev.llmclient.ChatMessage;
import dev.llmclient.LlmBulkheadFullException;
import dev.llmclient.LlmClientClosedException;
import dev.llmclient.LlmClientException;
import dev.llmclient.LlmClusterUnavailableException;
import dev.llmclient.LlmConnectionException;
import dev.llmclient.LlmEndpointsUnavailableException;
import dev.llmclient.LlmEndpointsUnavailableException.EndpointState;
import dev.llmclient.LlmHttpException;
import dev.llmclient.LlmMalformedResponseException;
import dev.llmclient.LlmRateLimitedException;
import dev.llmclient.LlmStreamException;
import dev.llmclient.LlmStructuredOutputException;
import dev.llmclient.LlmTimeoutException;
import dev.llmclient.LlmToolLoopException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every error type the client has gets a status of its own choosing, and a detail that
 * tells the application's caller what kind of failure it was without the endpoint, the
 * settings, parser messages, class names or the model's text, unless details are
 * included.
 */
class LlmProblemDetailsTests {

	private static final String ENDPOINT = "http://llm.internal:8000/v1";

	private static final String RAW_TEXT = "{\"name\": \"Ada\", \"email\": 42}";

	static Stream<Arguments> failures() {
		return Stream.of(Arguments.of(http(400, "invalid_request_error"), 400, "400", "refused the request"),
				Arguments.of(http(401, "invalid_request_error"), 502, "401", "credentials"),
				Arguments.of(http(429, "requests"), 503, "429", "limiting requests"),
				Arguments.of(http(500, "server_error"), 502, "500", "failed to answer"),
				Arguments.of(new LlmTimeoutException(
						"LLM server at " + ENDPOINT + " sent nothing for " + "llm.client.read-timeout=PT2M",
						LlmTimeoutException.Kind.READ, Duration.ofMinutes(2), null), 504, "timeout", "in time"),
				Arguments.of(new LlmBulkheadFullException(16, 16, Duration.ofSeconds(30), "llm.client.max-concurrent",
						"llm.client.max-wait"), 503, "bulkhead_full", "busy"),
				Arguments.of(rateLimited(Duration.ofMillis(2500)), 503, "rate_limited", "budget"),
				Arguments.of(new LlmConnectionException("Could not connect to " + ENDPOINT, null), 502, "io",
						"could not be reached"),
				Arguments.of(
						new LlmMalformedResponseException("LLM server at " + ENDPOINT + " answered text/html", null),
						502, "malformed_response", "could not be read"),
				Arguments.of(new LlmStreamException("Stream from " + ENDPOINT + " cut after 3 chunks", false, null,
						null, 3, null), 502, "stream_cut", "ended before it was complete"),
				Arguments.of(new LlmStreamException("LLM server at " + ENDPOINT + " sent an error", true,
						"server_error", null, 3, null), 502, "stream_error", "ended before it was complete"),
				Arguments.of(structuredOutput(), 502, "structured_output", "expected structure"),
				Arguments.of(toolLoop(), 502, "tool_loop", "tool rounds"),
				Arguments.of(endpointsUnavailable(null), 503, "endpoints_unavailable", "try again later"),
				Arguments.of(new LlmClusterUnavailableException(
						"Redis at redis://cache:6379 could not be reached; set llm.client.cluster.on-redis-failure=local",
						null), 503, "cluster_unavailable", "paused"),
				Arguments.of(new LlmClientClosedException("LLM client for " + ENDPOINT + " was closed", null), 503,
						"client_closed", "shutting down"),
				Arguments.of(new LlmClientException("Stream stopped: the thread reading it was interrupted"), 500,
						"other", "stopped"));
	}

	@ParameterizedTest(name = "{2} is answered {1}")
	@MethodSource("failures")
	void eachErrorTypeHasItsStatusAndADetailWithoutInternals(LlmClientException failure, int status, String errorType,
			String said) {
		ProblemDetail problem = LlmProblemDetails.toProblemDetail(failure, false);
		assertThat(problem.getStatus()).isEqualTo(status);
		assertThat(problem.getProperties()).containsEntry("errorType", errorType);
		assertThat(problem.getDetail()).contains(said)
			.doesNotContain("http://", "redis://", "llm.client", "Exception", "tools.jackson", "Ada", "PT");
	}

	@ParameterizedTest(name = "{2} keeps its message when details are included")
	@MethodSource("failures")
	void includedDetailsAreTheWholeMessage(LlmClientException failure, int status, String errorType, String said) {
		assertThat(LlmProblemDetails.toProblemDetail(failure, true).getDetail()).isEqualTo(failure.getMessage());
	}

	@Test
	void theLlmServersOwnStatusAndErrorTypeAreKept() {
		ProblemDetail problem = LlmProblemDetails.toProblemDetail(http(400, "invalid_request_error"), false);
		assertThat(problem.getProperties()).containsEntry("serverStatus", 400)
			.containsEntry("serverErrorType", "invalid_request_error");
	}

	@Test
	void spentRateBudgetSaysWhenItRefills() {
		ResponseEntity<ProblemDetail> response = LlmProblemDetails.toResponse(rateLimited(Duration.ofMillis(2500)),
				false);
		assertThat(response.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("3");
	}

	@Test
	void fullClientSaysItsMaxWait() {
		ResponseEntity<ProblemDetail> response = LlmProblemDetails.toResponse(new LlmBulkheadFullException(4, 4,
				Duration.ofSeconds(30), "llm.client.max-concurrent", "llm.client.max-wait"), false);
		assertThat(response.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("30");
	}

	@Test
	void noEndpointSaysWhenTheFirstCooldownEnds() {
		ResponseEntity<ProblemDetail> response = LlmProblemDetails
			.toResponse(endpointsUnavailable(Instant.now().plusSeconds(20)), false);
		assertThat(Long.parseLong(response.getHeaders().getFirst(HttpHeaders.RETRY_AFTER))).isBetween(1L, 20L);
	}

	@Test
	void toolLoopAndStructuredOutputAndClusterNameNoWait() {
		assertThat(LlmProblemDetails.toResponse(toolLoop(), false).getHeaders().containsHeader(HttpHeaders.RETRY_AFTER))
			.isFalse();
		assertThat(LlmProblemDetails.retryAfter(structuredOutput())).isNull();
		assertThat(LlmProblemDetails.retryAfter(new LlmClusterUnavailableException("Redis down", null))).isNull();
	}

	private static LlmHttpException http(int status, String serverErrorType) {
		return new LlmHttpException("LLM server at " + ENDPOINT + " answered HTTP " + status + ": the reason", status,
				serverErrorType, null, "req-1", null, null);
	}

	private static LlmRateLimitedException rateLimited(Duration wouldWait) {
		return new LlmRateLimitedException(
				"llm.client.rate-limit.requests-per-minute=60 is spent and refills in " + wouldWait,
				LlmRateLimitedException.Budget.REQUESTS, "llm.client.rate-limit.requests-per-minute", wouldWait, 1, 16,
				Duration.ofSeconds(1));
	}

	private static LlmStructuredOutputException structuredOutput() {
		return new LlmStructuredOutputException("The model's answer does not fit dev.example.ContactCard: "
				+ "tools.jackson.databind.exc.InvalidFormatException: Cannot deserialize value of type `String`; "
				+ "answer: " + RAW_TEXT, RAW_TEXT, null, null);
	}

	private static LlmToolLoopException toolLoop() {
		return new LlmToolLoopException("The model still asked for tools after 5 rounds (ToolLoop.maxRounds)",
				List.of(), List.of(ChatMessage.user("What's the weather?")));
	}

	private static LlmEndpointsUnavailableException endpointsUnavailable(Instant coolingDownUntil) {
		return new LlmEndpointsUnavailableException(
				List.of(new EndpointState(ENDPOINT, "cooling-down", coolingDownUntil, 0, 8, "HTTP 503")),
				Duration.ofSeconds(30), "llm.client.max-wait");
	}

}
