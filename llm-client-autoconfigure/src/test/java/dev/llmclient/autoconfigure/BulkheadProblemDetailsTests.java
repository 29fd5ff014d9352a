package dev.llmclient.autoconfigure;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.client.RestTestClient;

import dev.llmclient.ChatRequest;
import dev.llmclient.ChatResponse;
import dev.llmclient.LlmClient;
import dev.llmclient.testsupport.CountingChatServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When every slot of the client stays taken for {@code max-wait}, the application's
 * caller gets a 503 with a {@code Retry-After}: the application is busy, nothing is wrong
 * with the request or the LLM server.
 */
@LlmCallingApplication.Started
@TestPropertySource(properties = { "llm.client.max-concurrent=1", "llm.client.max-wait=1500ms" })
class BulkheadProblemDetailsTests {

	private static CountingChatServer llmServer;

	@BeforeAll
	static void startServer() throws IOException {
		llmServer = new CountingChatServer();
	}

	@AfterAll
	static void stopServer() {
		llmServer.close();
	}

	@DynamicPropertySource
	static void llmEndpoint(DynamicPropertyRegistry registry) {
		registry.add("llm.client.endpoint", () -> llmServer.endpoint());
	}

	@LocalServerPort
	private int port;

	@Autowired
	private LlmClient llmClient;

	@Test
	void fullBulkheadIsServiceUnavailableWithRetryAfter() throws Exception {
		CompletableFuture<ChatResponse> holding = this.llmClient.chatAsync(ChatRequest.of("hold the only slot"));
		llmServer.awaitHeld(1);
		try {
			client().get()
				.uri("/ask?prompt=hello")
				.exchange()
				.expectStatus()
				.isEqualTo(503)
				.expectHeader()
				.valueEquals(HttpHeaders.RETRY_AFTER, "2")
				.expectBody()
				.json("{\"title\": \"Service Unavailable\", \"status\": 503, \"errorType\": \"bulkhead_full\"}")
				.jsonPath("$.serverStatus")
				.doesNotExist()
				.jsonPath("$.detail")
				.value(String.class, (detail) -> assertThat(detail).contains("busy").doesNotContain("llm.client"));
		}
		finally {
			llmServer.release();
		}
		assertThat(holding.get(10, TimeUnit.SECONDS).content()).isEqualTo("echo: hold the only slot");
	}

	private RestTestClient client() {
		return LlmCallingApplication.client(this.port);
	}

}
