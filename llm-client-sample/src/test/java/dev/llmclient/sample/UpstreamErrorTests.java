package dev.llmclient.sample;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.client.RestTestClient;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample pointed at a real (stubbed) LLM server that fails: the failure reaches the
 * caller as a 502 (or a 400 when the server refused the request as invalid) carrying the
 * client's error type, the server's status and the server's own error type, and the demo
 * backend stays off.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "llm.client.retry.initial-backoff=5ms",
				"llm.client.retry.max-backoff=10ms", "llm.client.read-timeout=300ms" })
@AutoConfigureRestTestClient
@DirtiesContext
class UpstreamErrorTests {

	@RegisterExtension
	static WireMockExtension llmServer = WireMockExtension.newInstance()
		.options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
		.build();

	@DynamicPropertySource
	static void llmEndpoint(DynamicPropertyRegistry registry) {
		registry.add("llm.client.endpoint", () -> "http://127.0.0.1:" + llmServer.getPort() + "/v1");
	}

	@Autowired
	private RestTestClient client;

	@Test
	void upstreamServerErrorIsAnswered502WithItsStatusAndType() {
		stubError(500,
				"{\"error\": {\"message\": \"The server had an error\", \"type\": \"server_error\", \"code\": null}}");
		generate().expectStatus()
			.isEqualTo(502)
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo(500)
			.jsonPath("$.type")
			.isEqualTo("500")
			.jsonPath("$.serverType")
			.isEqualTo("server_error")
			.jsonPath("$.error")
			.value(String.class, (error) -> assertThat(error).contains("The server had an error"));
	}

	@Test
	void upstreamUnauthorizedIsAnswered502WithItsStatusAndType() {
		stubError(401, "{\"error\": {\"message\": \"Incorrect API key provided\", \"type\": \"invalid_request_error\", "
				+ "\"code\": \"invalid_api_key\"}}");
		generate().expectStatus()
			.isEqualTo(502)
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo(401)
			.jsonPath("$.type")
			.isEqualTo("401")
			.jsonPath("$.serverType")
			.isEqualTo("invalid_request_error")
			.jsonPath("$.error")
			.value(String.class, (error) -> assertThat(error).contains("llm.client.api-key"));
		llmServer.verify(1, postRequestedFor(urlEqualTo("/v1/chat/completions")));
	}

	@Test
	void requestTheServerRefusesAsInvalidIsTheCallersBadRequest() {
		stubError(400, "{\"error\": {\"message\": \"This model's maximum context length is 8192 tokens\", "
				+ "\"type\": \"invalid_request_error\", \"code\": \"context_length_exceeded\"}}");
		generate().expectStatus()
			.isEqualTo(400)
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo(400)
			.jsonPath("$.type")
			.isEqualTo("400")
			.jsonPath("$.serverType")
			.isEqualTo("invalid_request_error")
			.jsonPath("$.error")
			.value(String.class, (error) -> assertThat(error).contains("maximum context length"));
	}

	@Test
	void upstreamErrorWithoutATypeIsReportedByItsStatus() {
		llmServer.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(404).withBody("Not Found")));
		generate().expectStatus()
			.isEqualTo(502)
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo(404)
			.jsonPath("$.type")
			.isEqualTo("404")
			.jsonPath("$.serverType")
			.doesNotExist();
	}

	@Test
	void batchReportsEachFailedPromptInItsResultWithoutFailingTheRequest() {
		stubError(500, "{\"error\": {\"message\": \"The server had an error\", \"type\": \"server_error\"}}");
		this.client.post()
			.uri("/api/batch")
			.contentType(MediaType.APPLICATION_JSON)
			.body("{\"prompts\": [\"a\", \"b\"]}")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.json("{\"succeeded\": 0, \"failed\": 2, \"results\": [{\"index\": 0, \"ok\": false}, {\"index\": 1, \"ok\": false}]}")
			.jsonPath("$.results[1].error")
			.value(String.class, (error) -> assertThat(error).contains("HTTP 500"))
			.jsonPath("$.results[1].text")
			.doesNotExist();
	}

	@Test
	void upstreamThatDoesNotAnswerInTimeIsAnswered502WithTypeTimeout() {
		llmServer.stubFor(post("/v1/chat/completions").willReturn(aResponse().withFixedDelay(3_000)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"choices\": [{\"message\": {\"content\": \"too late\"}}]}")));
		generate().expectStatus()
			.isEqualTo(502)
			.expectBody()
			.json("{\"type\": \"timeout\", \"status\": null}")
			.jsonPath("$.serverType")
			.doesNotExist()
			.jsonPath("$.error")
			.value(String.class, (error) -> assertThat(error).contains("llm.client.read-timeout"));
	}

	private void stubError(int status, String body) {
		llmServer.stubFor(post("/v1/chat/completions")
			.willReturn(aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body)));
	}

	private RestTestClient.ResponseSpec generate() {
		return this.client.post()
			.uri("/api/generate")
			.contentType(MediaType.APPLICATION_JSON)
			.body("{\"prompt\": \"hello\"}")
			.exchange();
	}

}
