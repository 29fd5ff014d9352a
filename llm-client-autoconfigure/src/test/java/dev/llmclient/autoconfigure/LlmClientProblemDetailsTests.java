package dev.llmclient.autoconfigure;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.client.RestTestClient;

import dev.llmclient.testsupport.LoopbackWireMock;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application's controller lets the client's exceptions escape: each reaches its
 * caller as a problem detail whose status says whose fault it is, carrying the error
 * type, the LLM server's status and its own error type, and a detail that names neither
 * the LLM endpoint nor the client's settings ({@link TimeoutProblemDetailsTests} and
 * {@link BulkheadProblemDetailsTests} cover the timeouts, with settings of their own, the
 * former also the opt-in to the whole message).
 */
@LlmCallingApplication.Started
class LlmClientProblemDetailsTests {

	@RegisterExtension
	static WireMockExtension llmServer = LoopbackWireMock.extension();

	@DynamicPropertySource
	static void llmEndpoint(DynamicPropertyRegistry registry) {
		registry.add("llm.client.endpoint", () -> llmServer.baseUrl() + "/v1");
	}

	@LocalServerPort
	private int port;

	@Test
	void requestTheServerRefusesIsTheCallersBadRequest() {
		stubError(400, "{\"error\": {\"message\": \"This model's maximum context length is 8192 tokens\", "
				+ "\"type\": \"invalid_request_error\", \"code\": \"context_length_exceeded\"}}");
		ask().expectStatus()
			.isEqualTo(400)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.json("""
					{"title": "Bad Request", "status": 400, "instance": "/ask",
					 "errorType": "400", "serverStatus": 400, "serverErrorType": "invalid_request_error"}
					""")
			.jsonPath("$.detail")
			.isEqualTo("The language model server refused the request.");
	}

	@Test
	void unknownModelIsTheCallersBadRequestWithoutAServerErrorType() {
		llmServer.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(404).withBody("Not Found")));
		ask().expectStatus()
			.isEqualTo(400)
			.expectBody()
			.json("{\"status\": 400, \"errorType\": \"404\", \"serverStatus\": 404}")
			.jsonPath("$.serverErrorType")
			.doesNotExist();
	}

	@Test
	void serverErrorIsABadGateway() {
		stubError(500, "{\"error\": {\"message\": \"The server had an error\", \"type\": \"server_error\"}}");
		ask().expectStatus()
			.isEqualTo(502)
			.expectHeader()
			.doesNotExist(HttpHeaders.RETRY_AFTER)
			.expectBody()
			.json("{\"title\": \"Bad Gateway\", \"status\": 502, \"errorType\": \"500\", \"serverStatus\": 500, "
					+ "\"serverErrorType\": \"server_error\"}")
			.jsonPath("$.detail")
			.value(String.class, (detail) -> assertThat(detail).isEqualTo("The language model server failed to answer.")
				.doesNotContain(llmServer.baseUrl()));
	}

	@Test
	void refusedApiKeyIsABadGatewayNotTheCallersFault() {
		stubError(401, "{\"error\": {\"message\": \"Incorrect API key provided\", \"type\": \"invalid_request_error\", "
				+ "\"code\": \"invalid_api_key\"}}");
		ask().expectStatus()
			.isEqualTo(502)
			.expectBody()
			.json("{\"errorType\": \"401\", \"serverStatus\": 401, \"serverErrorType\": \"invalid_request_error\"}")
			.jsonPath("$.detail")
			.value(String.class, (detail) -> assertThat(detail).doesNotContain("llm.client", "Incorrect API key"));
	}

	@Test
	void answerThatIsNotACompletionIsABadGateway() {
		llmServer.stubFor(post("/v1/chat/completions")
			.willReturn(aResponse().withHeader("Content-Type", "text/html").withBody("<html>Please log in</html>")));
		ask().expectStatus()
			.isEqualTo(502)
			.expectBody()
			.json("{\"errorType\": \"malformed_response\"}")
			.jsonPath("$.serverStatus")
			.doesNotExist();
	}

	@Test
	void brokenConnectionIsABadGateway() {
		llmServer
			.stubFor(post("/v1/chat/completions").willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
		ask().expectStatus().isEqualTo(502).expectBody().json("{\"errorType\": \"io\"}");
	}

	@Test
	void rateLimitIsServiceUnavailableWithTheServersWait() {
		llmServer.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(429)
			.withHeader("Retry-After", "120")
			.withHeader("Content-Type", "application/json")
			.withBody("{\"error\": {\"message\": \"Rate limit reached\", \"type\": \"requests\"}}")));
		ask().expectStatus()
			.isEqualTo(503)
			.expectHeader()
			.valueEquals(HttpHeaders.RETRY_AFTER, "120")
			.expectBody()
			.json("{\"title\": \"Service Unavailable\", \"errorType\": \"429\", \"serverStatus\": 429, "
					+ "\"serverErrorType\": \"requests\"}");
	}

	@Test
	void callerAskingForAnEventStreamStillGetsTheProblem() {
		stubError(500, "{\"error\": {\"message\": \"The server had an error\", \"type\": \"server_error\"}}");
		client().get()
			.uri("/ask?prompt=hello")
			.accept(MediaType.TEXT_EVENT_STREAM)
			.exchange()
			.expectStatus()
			.isEqualTo(502)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.json("{\"errorType\": \"500\"}");
	}

	private void stubError(int status, String body) {
		llmServer.stubFor(post("/v1/chat/completions")
			.willReturn(aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body)));
	}

	private RestTestClient.ResponseSpec ask() {
		return client().get().uri("/ask?prompt=hello").exchange();
	}

	private RestTestClient client() {
		return LlmCallingApplication.client(this.port);
	}

}
