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
 * {@code /api/extract} and {@code /api/agent} pointed at a real (stubbed) LLM server: an
 * answer that does not fit the record is a 502 of type {@code structured_output} carrying
 * the raw text, and the server's failure inside a tool loop is a 502 like any other.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "llm.client.retry.initial-backoff=5ms",
				"llm.client.retry.max-backoff=10ms" })
@AutoConfigureRestTestClient
@DirtiesContext
class ChatApiUpstreamTests {

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
	void structuredAnswerThatIsNotJsonIsAnswered502WithTypeStructuredOutput() {
		llmServer.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"Ada, no JSON\"},"
					+ "\"finish_reason\":\"stop\"}]}")));
		this.client.post()
			.uri("/api/extract")
			.contentType(MediaType.APPLICATION_JSON)
			.body("{\"text\": \"Ada\"}")
			.exchange()
			.expectStatus()
			.isEqualTo(502)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("structured_output")
			.jsonPath("$.error")
			.value(String.class, (error) -> assertThat(error).contains("Ada, no JSON"));
	}

	@Test
	void agentWhoseServerFailsIsAnswered502() {
		llmServer.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(500)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"error\": {\"message\": \"The server had an error\", \"type\": \"server_error\"}}")));
		this.client.post()
			.uri("/api/agent")
			.contentType(MediaType.APPLICATION_JSON)
			.body("{\"prompt\": \"hi\"}")
			.exchange()
			.expectStatus()
			.isEqualTo(502)
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo(500);
	}

}
