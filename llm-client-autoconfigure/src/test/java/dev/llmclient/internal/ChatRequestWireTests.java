package dev.llmclient.internal;

import java.util.List;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.llmclient.ChatMessage;
import dev.llmclient.ChatRequest;
import dev.llmclient.LlmClient;
import dev.llmclient.testsupport.CannedBodies;
import dev.llmclient.testsupport.LoopbackWireMock;
import dev.llmclient.testsupport.TestClients;
import dev.llmclient.testsupport.WireSchemas;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every chat completions body the client sends matches the OpenAI wire format, checked
 * against the schema in the test resources.
 */
class ChatRequestWireTests {

	private static final String PATH = "/v1/chat/completions";

	@RegisterExtension
	static WireMockExtension server = LoopbackWireMock.extension();

	private LlmClient client() {
		return TestClients.lazy(server.baseUrl() + "/v1").model("wire-model").build();
	}

	private String onlyBodySent() {
		List<LoggedRequest> requests = server.findAll(postRequestedFor(urlEqualTo(PATH)));
		assertThat(requests).hasSize(1);
		return requests.get(0).getBodyAsString();
	}

	@Test
	void plainChatWithEverySettingSendsAValidBody() {
		server.stubFor(post(PATH).willReturn(okJson(CannedBodies.completion("wire-model", "hi"))));
		ChatRequest request = ChatRequest.builder()
			.message(ChatMessage.system("Be brief."))
			.message(ChatMessage.user("Hello"))
			.message(ChatMessage.assistant("Hi."))
			.message(ChatMessage.user("Again"))
			.temperature(0.2)
			.maxTokens(16)
			.topP(0.9)
			.stop(List.of("\n\n"))
			.build();
		try (LlmClient client = client()) {
			client.chat(request);
		}
		WireSchemas.assertValidChatRequest(onlyBodySent());
	}

	@Test
	void streamSendsAValidBody() {
		server.stubFor(post(PATH).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "text/event-stream")
			.withBody(
					"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"},\"finish_reason\":\"stop\"}]}\n\n"
							+ "data: [DONE]\n\n")));
		try (LlmClient client = client()) {
			client.stream(ChatRequest.builder().message(ChatMessage.user("Hello")).build(), (chunk) -> {
			});
		}
		String body = onlyBodySent();
		WireSchemas.assertValidChatRequest(body);
		assertThat(body).contains("\"stream\":true");
	}

	@Test
	void promptCacheKeyIsSentAsPromptCacheKeyInCallsAndStreams() {
		server.stubFor(post(PATH).willReturn(okJson(CannedBodies.completion("wire-model", "hi"))));
		ChatRequest request = ChatRequest.builder()
			.message(ChatMessage.system("You answer questions about the handbook."))
			.message(ChatMessage.user("Hello"))
			.promptCacheKey("handbook-v3")
			.build();
		try (LlmClient client = client()) {
			client.chat(request);
		}
		String body = onlyBodySent();
		WireSchemas.assertValidChatRequest(body);
		assertThat(body).contains("\"prompt_cache_key\":\"handbook-v3\"");
		server.resetRequests();
		server.stubFor(post(PATH).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "text/event-stream")
			.withBody(
					"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"},\"finish_reason\":\"stop\"}]}\n\n"
							+ "data: [DONE]\n\n")));
		try (LlmClient client = client()) {
			client.stream(request, (chunk) -> {
			});
		}
		String streamed = onlyBodySent();
		WireSchemas.assertValidChatRequest(streamed);
		assertThat(streamed).contains("\"prompt_cache_key\":\"handbook-v3\"");
	}

	@Test
	void noPromptCacheKeyIsSentWhenTheRequestSetsNone() {
		server.stubFor(post(PATH).willReturn(okJson(CannedBodies.completion("wire-model", "hi"))));
		try (LlmClient client = client()) {
			client.chat(ChatRequest.of("Hello"));
		}
		assertThat(onlyBodySent()).doesNotContain("prompt_cache_key");
	}

	@Test
	void schemaRefusesAMisspeltWireName() {
		String misspelt = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"maxTokens\":5}";
		assertThat(WireSchemas.violations("chat-completion-request.schema.json", misspelt)).singleElement()
			.asString()
			.contains("maxTokens");
	}

}
