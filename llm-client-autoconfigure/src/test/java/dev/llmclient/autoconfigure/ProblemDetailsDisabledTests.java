package dev.llmclient.autoconfigure;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.client.RestTestClient;

import dev.llmclient.testsupport.LoopbackWireMock;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;

/**
 * With {@code llm.client.web.problem-details.enabled=false} the client's exceptions are
 * left to Spring Boot's own error handling: a 500.
 */
@LlmCallingApplication.Started
@TestPropertySource(properties = "llm.client.web.problem-details.enabled=false")
class ProblemDetailsDisabledTests {

	@RegisterExtension
	static WireMockExtension llmServer = LoopbackWireMock.extension();

	@DynamicPropertySource
	static void llmEndpoint(DynamicPropertyRegistry registry) {
		registry.add("llm.client.endpoint", () -> llmServer.baseUrl() + "/v1");
	}

	@LocalServerPort
	private int port;

	@Test
	void clientExceptionIsBootsInternalServerError() {
		llmServer.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(400)));
		client().get()
			.uri("/ask?prompt=hello")
			.exchange()
			.expectStatus()
			.isEqualTo(500)
			.expectBody()
			.json("{\"status\": 500, \"error\": \"Internal Server Error\", \"path\": \"/ask\"}")
			.jsonPath("$.errorType")
			.doesNotExist();
	}

	private RestTestClient client() {
		return LlmCallingApplication.client(this.port);
	}

}
