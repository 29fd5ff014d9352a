package dev.llmclient.internal;

import java.time.Duration;
import java.util.List;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.llmclient.ChatRequest;
import dev.llmclient.ChatResponse;
import dev.llmclient.LlmClient;
import dev.llmclient.LlmClientBuilder;
import dev.llmclient.LlmClientException;
import dev.llmclient.LlmConnectionException;
import dev.llmclient.LlmHttpException;
import dev.llmclient.LlmMalformedResponseException;
import dev.llmclient.LlmTimeoutException;
import dev.llmclient.Usage;
import dev.llmclient.testsupport.CannedBodies;
import dev.llmclient.testsupport.LoopbackWireMock;
import dev.llmclient.testsupport.TestClients;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class DefaultLlmClientTests {

	private static final String API_KEY = "sk-test-secret-0123456789";

	private static final String FULL_ANSWER = CannedBodies.completion("gpt-test-2024", "Hello there");

	@RegisterExtension
	static WireMockExtension server = LoopbackWireMock.extension();

	private LlmClient client;

	@AfterEach
	void closeClient() {
		if (this.client != null) {
			this.client.close();
		}
	}

	private LlmClientBuilder builder() {
		return TestClients.lazy(server.baseUrl() + "/v1")
			.apiKey(API_KEY)
			.model("default-model")
			.retry(TestClients::fastBackoff);
	}

	private LlmClient client() {
		this.client = builder().build();
		return this.client;
	}

	@Test
	void chatPostsModelMessagesAndBearerTokenToChatCompletions() {
		server.stubFor(post("/v1/chat/completions").willReturn(okJson(FULL_ANSWER)));
		client().chat(ChatRequest.builder().system("Be brief").user("Hi").build());
		server.verify(postRequestedFor(urlEqualTo("/v1/chat/completions"))
			.withHeader("Authorization", equalTo("Bearer " + API_KEY))
			.withHeader("Content-Type", equalTo("application/json"))
			.withRequestBody(equalToJson("""
					{"model":"default-model","messages":[{"role":"system","content":"Be brief"},
					 {"role":"user","content":"Hi"}]}
					""")));
	}

	@Test
	void requestSendsOnlyTheOptionsTheCallerSetAndPassesExtraFieldsThrough() {
		server.stubFor(post("/v1/chat/completions").willReturn(okJson(FULL_ANSWER)));
		client().chat(ChatRequest.builder()
			.model("other-model")
			.user("Hi")
			.temperature(0.2)
			.maxTokens(64)
			.topP(0.9)
			.stop(List.of("END"))
			.extra("seed", 7)
			.build());
		server.verify(postRequestedFor(urlEqualTo("/v1/chat/completions")).withRequestBody(equalToJson("""
				{"model":"other-model","messages":[{"role":"user","content":"Hi"}],"temperature":0.2,
				 "max_tokens":64,"top_p":0.9,"stop":["END"],"seed":7}
				""")));
	}

	@Test
	void requestWithoutAnyModelLeavesTheChoiceToTheServer() {
		server.stubFor(post("/v1/chat/completions").willReturn(okJson(FULL_ANSWER)));
		this.client = builder().model(null).build();
		this.client.generate("Hi");
		server.verify(postRequestedFor(urlEqualTo("/v1/chat/completions"))
			.withRequestBody(equalToJson("{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")));
	}

	@Test
	void fullAnswerIsMappedToChatResponse() {
		server.stubFor(post("/v1/chat/completions").willReturn(okJson(FULL_ANSWER)));
		ChatResponse response = client().chat(ChatRequest.of("Hi"));
		assertThat(response.id()).isEqualTo("chatcmpl-1");
		assertThat(response.model()).isEqualTo("gpt-test-2024");
		assertThat(response.content()).isEqualTo("Hello there");
		assertThat(response.finishReason()).isEqualTo("stop");
		assertThat(response.usage()).isEqualTo(new Usage(12, 3, 15));
		assertThat(response.latency()).isPositive();
	}

	@Test
	void answerWithOnlyChoicesAndContentIsAccepted() {
		server.stubFor(
				post("/v1/chat/completions").willReturn(okJson("{\"choices\":[{\"message\":{\"content\":\"ok\"}}]}")));
		ChatResponse response = client().chat(ChatRequest.of("Hi"));
		assertThat(response.content()).isEqualTo("ok");
		assertThat(response.id()).isNull();
		assertThat(response.model()).isEqualTo("default-model");
		assertThat(response.finishReason()).isNull();
		assertThat(response.usage()).isNull();
	}

	@Test
	void answerWithNullContentGivesEmptyText() {
		server.stubFor(post("/v1/chat/completions").willReturn(okJson(
				"{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":null},\"finish_reason\":\"tool_calls\"}]}")));
		assertThat(client().generate("Hi")).isEmpty();
	}

	@Test
	void generateReturnsTheTextOfTheFirstChoice() {
		server.stubFor(post("/v1/chat/completions").willReturn(okJson(FULL_ANSWER)));
		assertThat(client().generate("Hi")).isEqualTo("Hello there");
	}

	@ParameterizedTest
	@CsvSource({ "400,invalid_request_error,invalid_value", "401,invalid_request_error,invalid_api_key",
			"404,invalid_request_error,model_not_found", "429,rate_limit_exceeded,rate_limit_exceeded",
			"500,server_error,internal_error" })
	void errorStatusCarriesStatusTypeCodeAndRequestId(int status, String type, String code) {
		server.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(status)
			.withHeader("Content-Type", "application/json")
			.withHeader("x-request-id", "req-42")
			.withBody("{\"error\":{\"message\":\"Something is off\",\"type\":\"" + type
					+ "\",\"param\":null,\"code\":\"" + code + "\"}}")));
		assertThatExceptionOfType(LlmHttpException.class).isThrownBy(() -> client().generate("Hi")).satisfies((ex) -> {
			assertThat(ex.statusCode()).isEqualTo(status);
			assertThat(ex.errorType()).isEqualTo(Integer.toString(status));
			assertThat(ex.serverErrorType()).isEqualTo(type);
			assertThat(ex.serverErrorCode()).isEqualTo(code);
			assertThat(ex.requestId()).isEqualTo("req-42");
			assertThat(ex.isClientError()).isEqualTo(status < 500);
			assertThat(ex.getMessage()).contains("HTTP " + status, "Something is off");
		});
	}

	@Test
	void unauthorizedSaysWhichPropertyToCheckAndNeverShowsTheKey() {
		server.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(401)
			.withBody("{\"error\":{\"message\":\"Incorrect API key provided: " + API_KEY
					+ "\",\"type\":\"invalid_request_error\"}}")));
		assertThatExceptionOfType(LlmHttpException.class).isThrownBy(() -> client().generate("Hi"))
			.satisfies((ex) -> assertThat(ex.getMessage()).contains("llm.client.api-key").doesNotContain(API_KEY));
	}

	@Test
	void errorBodyThatIsNotJsonIsShownAsText() {
		server.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(502)
			.withHeader("Content-Type", "text/html")
			.withBody("<html><body><h1>502 Bad Gateway</h1></body></html>")));
		assertThatExceptionOfType(LlmHttpException.class).isThrownBy(() -> client().generate("Hi")).satisfies((ex) -> {
			assertThat(ex.statusCode()).isEqualTo(502);
			assertThat(ex.serverErrorType()).isNull();
			assertThat(ex.getMessage()).contains("502 Bad Gateway");
		});
	}

	@Test
	void vllmStyleTopLevelErrorIsRead() {
		server.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(400)
			.withBody(
					"{\"object\":\"error\",\"message\":\"The model `x` does not exist.\",\"type\":\"NotFoundError\",\"code\":404}")));
		assertThatExceptionOfType(LlmHttpException.class).isThrownBy(() -> client().generate("Hi")).satisfies((ex) -> {
			assertThat(ex.errorType()).isEqualTo("400");
			assertThat(ex.serverErrorType()).isEqualTo("NotFoundError");
			assertThat(ex.serverErrorCode()).isEqualTo("404");
			assertThat(ex.getMessage()).contains("does not exist");
		});
	}

	@Test
	void problemDetailsKeepTheirWholeDetailAsTheReason() {
		String detail = "Request validation failed: the field 'model' is required. " + "x".repeat(1_500)
				+ " End of detail";
		server.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(422)
			.withHeader("Content-Type", "application/problem+json")
			.withBody("{\"type\":\"about:blank\",\"title\":\"Unprocessable Entity\",\"status\":422,\"detail\":\""
					+ detail + "\",\"instance\":\"/v1/chat/completions\"}")));
		assertThatExceptionOfType(LlmHttpException.class).isThrownBy(() -> client().generate("Hi")).satisfies((ex) -> {
			assertThat(ex.errorType()).isEqualTo("422");
			assertThat(ex.serverErrorType()).isEqualTo("about:blank");
			assertThat(ex.getMessage()).contains("HTTP 422 (type=about:blank): " + detail);
		});
	}

	@Test
	void problemDetailsWithoutDetailGiveTheirTitle() {
		server.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(400)
			.withHeader("Content-Type", "application/problem+json")
			.withBody("{\"title\":\"Missing required field: model\",\"status\":400}")));
		assertThatExceptionOfType(LlmHttpException.class).isThrownBy(() -> client().generate("Hi"))
			.withMessageContaining("HTTP 400: Missing required field: model");
	}

	@Test
	void reasonLongerThanTheBoundIsCutThereToProtectLogs() {
		String reason = "y".repeat(5_000);
		server.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(400)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"error\":{\"message\":\"" + reason + "\",\"type\":\"invalid_request_error\"}}")));
		assertThatExceptionOfType(LlmHttpException.class).isThrownBy(() -> client().generate("Hi"))
			.satisfies((ex) -> assertThat(ex.getMessage()).contains("y".repeat(2_000) + "...")
				.doesNotContain("y".repeat(2_001)));
	}

	@Test
	void bodyWithoutAReasonFieldIsCutToASnippet() {
		String page = "<html><body><h1>503 Service Unavailable</h1>" + "<p>padding</p>".repeat(100) + "</body></html>";
		server.stubFor(post("/v1/chat/completions")
			.willReturn(aResponse().withStatus(503).withHeader("Content-Type", "text/html").withBody(page)));
		this.client = builder().retry((retry) -> retry.withEnabled(false)).build();
		assertThatExceptionOfType(LlmHttpException.class).isThrownBy(() -> this.client.generate("Hi"))
			.satisfies((ex) -> {
				assertThat(ex.serverErrorType()).isNull();
				assertThat(ex.getMessage()).contains("503 Service Unavailable")
					.contains("...")
					.doesNotContain("</body>");
			});
	}

	@Test
	void malformedJsonIsAMalformedResponseNotANullPointer() {
		server.stubFor(post("/v1/chat/completions").willReturn(okJson("{\"choices\": [ {\"message\": ")));
		assertThatExceptionOfType(LlmMalformedResponseException.class).isThrownBy(() -> client().generate("Hi"))
			.withMessageContaining("not a chat completion");
	}

	@Test
	void htmlPageWithStatus200IsAMalformedResponseNamingTheContentType() {
		server.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "text/html")
			.withBody("<html><body>Login required</body></html>")));
		assertThatExceptionOfType(LlmMalformedResponseException.class).isThrownBy(() -> client().generate("Hi"))
			.withMessageContaining("text/html")
			.withMessageContaining("Login required");
	}

	@Test
	void emptyBodyIsAMalformedResponse() {
		server.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200)));
		assertThatExceptionOfType(LlmMalformedResponseException.class).isThrownBy(() -> client().generate("Hi"))
			.withMessageContaining("empty body");
	}

	@Test
	void answerWithoutChoicesIsAMalformedResponse() {
		server.stubFor(post("/v1/chat/completions").willReturn(okJson("{\"id\":\"x\",\"choices\":[]}")));
		assertThatExceptionOfType(LlmMalformedResponseException.class).isThrownBy(() -> client().generate("Hi"))
			.withMessageContaining("without choices");
	}

	@Test
	void bodyLargerThanMaxResponseSizeFailsWithoutReadingIt() {
		String big = "{\"choices\":[{\"message\":{\"content\":\"" + "x".repeat(200_000) + "\"}}]}";
		server.stubFor(post("/v1/chat/completions").willReturn(okJson(big)));
		this.client = builder().connection((connection) -> connection.withMaxResponseSize(64 * 1024)).build();
		assertThatExceptionOfType(LlmMalformedResponseException.class).isThrownBy(() -> this.client.generate("Hi"))
			.withMessageContaining("llm.client.max-response-size");
		server.stubFor(post("/v1/chat/completions").willReturn(okJson(FULL_ANSWER)));
		assertThat(this.client.generate("Hi")).isEqualTo("Hello there");
		assertThat(this.client.health().pool().leased()).isZero();
	}

	@Test
	void connectionResetIsAConnectionException() {
		server.stubFor(post("/v1/chat/completions").willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
		assertThatExceptionOfType(LlmConnectionException.class).isThrownBy(() -> client().generate("Hi"));
	}

	@Test
	void garbageOnTheWireIsAConnectionException() {
		server.stubFor(post("/v1/chat/completions").willReturn(aResponse().withFault(Fault.RANDOM_DATA_THEN_CLOSE)));
		assertThatExceptionOfType(LlmClientException.class).isThrownBy(() -> client().generate("Hi"));
	}

	@Test
	void silentServerFailsAfterReadTimeoutNamingTheProperty() {
		server.stubFor(post("/v1/chat/completions").willReturn(okJson(FULL_ANSWER).withFixedDelay(2_000)));
		this.client = builder().connection((connection) -> connection.withReadTimeout(Duration.ofMillis(300))).build();
		assertThatExceptionOfType(LlmTimeoutException.class).isThrownBy(() -> this.client.generate("Hi"))
			.satisfies((ex) -> {
				assertThat(ex.kind()).isEqualTo(LlmTimeoutException.Kind.READ);
				assertThat(ex.timeout()).isEqualTo(Duration.ofMillis(300));
				assertThat(ex.getMessage()).contains("llm.client.read-timeout=PT0.3S");
			});
	}

	@Test
	void unreachableEndpointIsAConnectionExceptionNamingTheEndpointProperty() {
		this.client = TestClients.builder()
			.endpoint("http://127.0.0.1:1/v1")
			.lifecycle((lifecycle) -> lifecycle.withEagerInit(false))
			.build();
		assertThatExceptionOfType(LlmConnectionException.class).isThrownBy(() -> this.client.generate("Hi"))
			.withMessageContaining("llm.client.endpoint");
	}

	@Test
	void clientKeepsWorkingAfterFailuresAndLeaksNoConnection() {
		server.stubFor(post("/v1/chat/completions").willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
		LlmClient client = client();
		for (int i = 0; i < 3; i++) {
			assertThatExceptionOfType(LlmClientException.class).isThrownBy(() -> client.generate("Hi"));
		}
		server.stubFor(post("/v1/chat/completions").willReturn(okJson(FULL_ANSWER)));
		assertThat(client.generate("Hi")).isEqualTo("Hello there");
		assertThat(client.health().pool().leased()).isZero();
		assertThat(client.health().bulkhead().inFlight()).isZero();
	}

	@Test
	void chatAsyncCompletesWithTheAnswerOrTheTypedFailure() {
		server.stubFor(post("/v1/chat/completions").willReturn(okJson(FULL_ANSWER)));
		assertThat(client().chatAsync(ChatRequest.of("Hi")).join().content()).isEqualTo("Hello there");
		server.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(500)));
		assertThat(this.client.chatAsync(ChatRequest.of("Hi"))).failsWithin(Duration.ofSeconds(10))
			.withThrowableOfType(java.util.concurrent.ExecutionException.class)
			.withCauseInstanceOf(LlmHttpException.class);
	}

	@Test
	void callAfterCloseIsRefusedAndCloseIsIdempotent() {
		LlmClient client = client();
		client.close();
		client.close();
		assertThatIllegalStateException().isThrownBy(() -> client.generate("Hi")).withMessageContaining("closed");
		assertThatIllegalStateException().isThrownBy(() -> client.chatAsync(ChatRequest.of("Hi")))
			.withMessageContaining("closed");
	}

	@Test
	void healthCountsCallsAndKeepsTheLastError() {
		server.stubFor(post("/v1/chat/completions").willReturn(okJson(FULL_ANSWER)));
		LlmClient client = client();
		client.generate("one");
		client.generate("two");
		server.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(503)));
		assertThatExceptionOfType(LlmHttpException.class).isThrownBy(() -> client.generate("three"));
		var health = client.health();
		assertThat(health.calls().total()).isEqualTo(3);
		assertThat(health.calls().succeeded()).isEqualTo(2);
		assertThat(health.calls().failed()).isEqualTo(1);
		assertThat(health.lastError().type()).isEqualTo("503");
		assertThat(health.lastError().exception()).isEqualTo("LlmHttpException");
		assertThat(health.latency().count()).isEqualTo(3);
		assertThat(health.endpoint()).isEqualTo(server.baseUrl() + "/v1");
		assertThat(health.model()).isEqualTo("default-model");
		assertThat(health.up()).isTrue();
	}

	@Test
	void streamFlagInExtraIsRejectedPointingAtStream() {
		ChatRequest request = ChatRequest.builder().user("Hi").extra("stream", true).build();
		LlmClient client = client();
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> client.chat(request))
			.withMessageContaining("LlmClient.stream");
		assertThat(server.getAllServeEvents()).isEmpty();
	}

	@Test
	void extraValuesThatCannotBeWrittenAsJsonAreRejectedBeforeAnyCall() {
		ChatRequest request = ChatRequest.builder().user("Hi").extra("bad", new Object()).build();
		LlmClient client = client();
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> client.chat(request))
			.withMessageContaining("ChatRequest.extra");
		assertThat(server.getAllServeEvents()).isEmpty();
	}

}
