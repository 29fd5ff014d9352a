package dev.llmclient.autoconfigure;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.json.JsonCompareMode;
import org.springframework.test.web.servlet.client.RestTestClient;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

import dev.llmclient.LlmHttpException;
import dev.llmclient.testsupport.LoopbackWireMock;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;

/**
 * An application that answers the client's exceptions itself keeps its own error
 * contract, even with an advice that declares no order: the starter's problem details
 * only answer what the application's handlers leave.
 */
@LlmCallingApplication.Started
@Import(ApplicationExceptionHandlerWinsTests.ApplicationHandler.class)
class ApplicationExceptionHandlerWinsTests {

	@RegisterExtension
	static WireMockExtension llmServer = LoopbackWireMock.extension();

	@DynamicPropertySource
	static void llmEndpoint(DynamicPropertyRegistry registry) {
		registry.add("llm.client.endpoint", () -> llmServer.baseUrl() + "/v1");
	}

	@LocalServerPort
	private int port;

	@Test
	void applicationHandlerAnswersTheExceptionsItHandles() {
		llmServer.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(500)));
		client().get()
			.uri("/ask?prompt=hello")
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.SERVICE_UNAVAILABLE)
			.expectHeader()
			.contentType(MediaType.APPLICATION_JSON)
			.expectBody()
			.json("{\"error\": \"upstream\", \"type\": \"500\"}", JsonCompareMode.STRICT);
	}

	@Test
	void problemDetailsAnswerTheRest() {
		llmServer.stubFor(post("/v1/chat/completions")
			.willReturn(aResponse().withHeader("Content-Type", "text/html").withBody("<html>Please log in</html>")));
		client().get()
			.uri("/ask?prompt=hello")
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.BAD_GATEWAY)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.json("{\"errorType\": \"malformed_response\"}");
	}

	/** As applications write them: no {@code @Order}, handling only some failures. */
	@RestControllerAdvice
	static class ApplicationHandler {

		@ExceptionHandler
		ResponseEntity<ApplicationError> llmHttpError(LlmHttpException ex) {
			return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
				.contentType(MediaType.APPLICATION_JSON)
				.body(new ApplicationError("upstream", ex.errorType()));
		}

	}

	record ApplicationError(String error, String type) {
	}

	private RestTestClient client() {
		return LlmCallingApplication.client(this.port);
	}

}
