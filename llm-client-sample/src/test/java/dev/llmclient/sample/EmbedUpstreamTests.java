package dev.llmclient.sample;

import java.util.concurrent.CompletableFuture;

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

import dev.llmclient.LlmClient;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code POST /api/embed} against a stubbed LLM server that fails: the same error
 * contract as {@code /api/generate}: 502 for the server's trouble, 400 for a request it
 * refused as invalid, 503 when the client's slots are all taken.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "llm.client.retry.initial-backoff=5ms",
				"llm.client.retry.max-backoff=10ms", "llm.client.max-concurrent=1", "llm.client.max-wait=0s",
				"llm.client.embedding-model=embed-model" })
@AutoConfigureRestTestClient
@DirtiesContext
class EmbedUpstreamTests {

	@RegisterExtension
	static WireMockExtension llmServer = WireMockExtension.newInstance()
		.options(com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig()
			.dynamicPort()
			.bindAddress("127.0.0.1"))
		.build();

	@DynamicPropertySource
	static void llmEndpoint(DynamicPropertyRegistry registry) {
		registry.add("llm.client.endpoint", () -> "http://127.0.0.1:" + llmServer.getPort() + "/v1");
	}

	@Autowired
	private RestTestClient client;

	@Autowired
	private LlmClient llmClient;

	@Test
	void upstreamServerErrorIsAnswered502() {
		stubError(500, "{\"error\": {\"message\": \"The server had an error\", \"type\": \"server_error\"}}");
		embed().expectStatus()
			.isEqualTo(502)
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo(500)
			.jsonPath("$.type")
			.isEqualTo("500");
	}

	@Test
	void requestTheServerRefusesIsAnswered400() {
		stubError(400, "{\"error\": {\"message\": \"This model's maximum context length is 8192 tokens\", "
				+ "\"type\": \"invalid_request_error\"}}");
		embed().expectStatus()
			.isEqualTo(400)
			.expectBody()
			.jsonPath("$.error")
			.value(String.class, (error) -> assertThat(error).contains("maximum context length"));
	}

	@Test
	void answerWithFewerVectorsIsAnswered502() {
		llmServer.stubFor(post("/v1/embeddings")
			.willReturn(okJson("{\"data\": [{\"index\": 0, \"embedding\": [0.1, 0.2]}], \"model\": \"embed-model\"}")));
		this.client.post()
			.uri("/api/embed")
			.contentType(MediaType.APPLICATION_JSON)
			.body("{\"texts\": [\"one\", \"two\"]}")
			.exchange()
			.expectStatus()
			.isEqualTo(502)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("malformed_response");
	}

	@Test
	void fullBulkheadIsAnswered503() {
		llmServer.stubFor(post("/v1/embeddings").willReturn(aResponse().withFixedDelay(2_000)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"data\": [{\"index\": 0, \"embedding\": [0.1, 0.2]}], \"model\": \"embed-model\"}")));
		CompletableFuture<?> first = CompletableFuture.runAsync(() -> embed().expectStatus().isOk());
		await().until(() -> this.llmClient.health().bulkhead().inFlight() == 1);
		embed().expectStatus().isEqualTo(503).expectBody().jsonPath("$.type").isEqualTo("bulkhead_full");
		first.join();
	}

	private void stubError(int status, String body) {
		llmServer.stubFor(post("/v1/embeddings")
			.willReturn(aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body)));
	}

	private RestTestClient.ResponseSpec embed() {
		return this.client.post()
			.uri("/api/embed")
			.contentType(MediaType.APPLICATION_JSON)
			.body("{\"texts\": [\"hello\"]}")
			.exchange();
	}

}
