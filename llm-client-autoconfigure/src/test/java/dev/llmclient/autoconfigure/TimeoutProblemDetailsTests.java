package dev.llmclient.autoconfigure;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import dev.llmclient.testsupport.LoopbackWireMock;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An LLM server that stays silent longer than {@code read-timeout} is the application's
 * gateway timing out: a 504, whose detail names the setting for an application that opted
 * in to the whole message. In a class of its own, since a short read timeout would also
 * cut the first, cold, call of the other tests on a loaded machine.
 */
@LlmCallingApplication.Started
@TestPropertySource(
		properties = { "llm.client.read-timeout=500ms", "llm.client.web.problem-details.include-details=true" })
class TimeoutProblemDetailsTests {

	@RegisterExtension
	static WireMockExtension llmServer = LoopbackWireMock.extension();

	@DynamicPropertySource
	static void llmEndpoint(DynamicPropertyRegistry registry) {
		registry.add("llm.client.endpoint", () -> llmServer.baseUrl() + "/v1");
	}

	@LocalServerPort
	private int port;

	@Test
	void silentServerIsAGatewayTimeoutWhoseIncludedDetailNamesTheSetting() {
		llmServer.stubFor(post("/v1/chat/completions").willReturn(aResponse().withFixedDelay(5_000)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"choices\": [{\"message\": {\"content\": \"too late\"}}]}")));
		LlmCallingApplication.client(this.port)
			.get()
			.uri("/ask?prompt=hello")
			.exchange()
			.expectStatus()
			.isEqualTo(504)
			.expectHeader()
			.doesNotExist(HttpHeaders.RETRY_AFTER)
			.expectBody()
			.json("{\"title\": \"Gateway Timeout\", \"status\": 504, \"errorType\": \"timeout\"}")
			.jsonPath("$.detail")
			.value(String.class, (detail) -> assertThat(detail).contains("llm.client.read-timeout"));
	}

}
