package dev.llmclient.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.llmclient.ChatChunk;
import dev.llmclient.ChatMessage;
import dev.llmclient.ChatRequest;
import dev.llmclient.ChatResponse;
import dev.llmclient.ChatSettings.TokenLimitField;
import dev.llmclient.ContentPart;
import dev.llmclient.LlmClient;
import dev.llmclient.LlmMalformedResponseException;
import dev.llmclient.LlmStructuredOutputException;
import dev.llmclient.ResponseFormat;
import dev.llmclient.ToolCall;
import dev.llmclient.ToolChoice;
import dev.llmclient.ToolDefinition;
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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Tool calls, content parts, response formats and the token-limit field: what the client
 * sends (each body checked against the wire schema) and how it reads what servers answer,
 * including the fields real servers leave out.
 */
class ToolCallingTests {

	private static final String PATH = "/v1/chat/completions";

	/** What vLLM, Ollama and llama.cpp may answer: no id, index, usage or created. */
	private static final String TOOL_CALL_ANSWER = """
			{"choices":[{"message":{"role":"assistant","content":null,"tool_calls":[
			  {"id":"call_abc","type":"function","function":{"name":"weather","arguments":"{\\"city\\":\\"Paris\\"}"}},
			  {"type":"function","function":{"name":"time","arguments":{"zone":"UTC"}}}]},
			 "finish_reason":"tool_calls"}]}
			""";

	@RegisterExtension
	static WireMockExtension server = LoopbackWireMock.extension();

	record City(String city) {
	}

	private LlmClient client() {
		return TestClients.lazy(server.baseUrl() + "/v1").model("wire-model").build();
	}

	private List<String> bodiesSent() {
		List<LoggedRequest> requests = server.findAll(postRequestedFor(urlEqualTo(PATH)));
		return requests.stream().map(LoggedRequest::getBodyAsString).toList();
	}

	private static ChatRequest.Builder everything() {
		ToolCall earlier = new ToolCall("call_1", "weather", "{\"city\":\"Rome\"}");
		return ChatRequest.builder()
			.system("Use the tools.")
			.user("Weather in Rome, and what is on this picture?")
			.message(ChatMessage.assistant(null, List.of(earlier)))
			.message(ChatMessage.toolResult("call_1", "{\"celsius\":21}"))
			.user(ContentPart.text("And this one?"),
					ContentPart.imageUrl("https://example.com/cat.png", ContentPart.ImageDetail.LOW),
					ContentPart.image(new byte[] { (byte) 0x89, 'P', 'N', 'G' }, "image/png", null))
			.tool(ToolDefinition.of("weather", "Weather in a city", City.class))
			.tool(new ToolDefinition("time", null,
					Map.of("type", "object", "properties", Map.of("zone", Map.of("type", "string"))), null))
			.tool(ToolDefinition.withoutArguments("ping", "Is it up?"))
			.toolChoice(ToolChoice.function("weather"))
			.parallelToolCalls(false)
			.maxTokens(64);
	}

	@Test
	void toolsToolMessagesImagesAndResponseFormatsAreSentAsTheApiDefinesThem() {
		server.stubFor(post(PATH).willReturn(okJson(TOOL_CALL_ANSWER)));
		try (LlmClient client = client()) {
			client.chat(everything().build());
			client
				.chat(everything().toolChoice(ToolChoice.REQUIRED).responseFormat(ResponseFormat.JSON_OBJECT).build());
			client.chat(everything().toolChoice(ToolChoice.NONE).responseFormat(ResponseFormat.TEXT).build());
			client.chat(everything().toolChoice(ToolChoice.AUTO)
				.responseFormat(ResponseFormat.jsonSchema(City.class))
				.build());
		}
		List<String> bodies = bodiesSent();
		assertThat(bodies).hasSize(4);
		bodies.forEach(WireSchemas::assertValidChatRequest);
		String first = bodies.get(0);
		assertThat(first).as("a text-only message keeps the plain string form")
			.contains("{\"role\":\"user\",\"content\":\"Weather in Rome, and what is on this picture?\"}")
			.contains(
					"{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://example.com/cat.png\",\"detail\":\"low\"}}")
			.contains("data:image/png;base64,iVBORw==")
			.contains("\"tool_call_id\":\"call_1\"")
			.contains("\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"weather\"}}")
			.contains("\"parallel_tool_calls\":false")
			.contains("\"strict\":true")
			.contains("\"max_tokens\":64");
		assertThat(bodies.get(1)).contains("\"tool_choice\":\"required\"")
			.contains("\"response_format\":{\"type\":\"json_object\"}");
		assertThat(bodies.get(3)).contains("\"json_schema\":{\"name\":\"City\"").contains("\"strict\":true");
	}

	@Test
	void tokenLimitIsSentUnderTheConfiguredName() {
		server.stubFor(post(PATH).willReturn(okJson(TOOL_CALL_ANSWER)));
		try (LlmClient client = TestClients.lazy(server.baseUrl() + "/v1")
			.model("o3")
			.chat((chat) -> chat.withMaxTokensField(TokenLimitField.MAX_COMPLETION_TOKENS))
			.build()) {
			client.chat(ChatRequest.builder().user("hi").maxTokens(32).build());
		}
		String body = bodiesSent().get(0);
		WireSchemas.assertValidChatRequest(body);
		assertThat(body).contains("\"max_completion_tokens\":32").doesNotContain("\"max_tokens\"");
	}

	@Test
	void toolCallsAreReadToleratingWhatServersLeaveOut() {
		server.stubFor(post(PATH).willReturn(okJson(TOOL_CALL_ANSWER)));
		ChatResponse response;
		try (LlmClient client = client()) {
			response = client.chat(ChatRequest.of("Weather in Paris?"));
		}
		assertThat(response.finishReason()).isEqualTo("tool_calls");
		assertThat(response.content()).isEmpty();
		assertThat(response.usage()).isNull();
		assertThat(response.toolCalls()).containsExactly(new ToolCall("call_abc", "weather", "{\"city\":\"Paris\"}"),
				new ToolCall("call_1", "time", "{\"zone\":\"UTC\"}"));
		assertThat(response.toolCalls().get(0).argumentsAs(City.class)).isEqualTo(new City("Paris"));
		assertThat(response.toolCalls().get(1).argumentsTree().get("zone").asString()).isEqualTo("UTC");
	}

	@Test
	void argumentsThatAreNotJsonFailTypedCarryingTheRawText() {
		server.stubFor(post(PATH).willReturn(okJson("""
				{"choices":[{"message":{"role":"assistant","tool_calls":[
				  {"id":"c1","type":"function","function":{"name":"weather","arguments":"city=Paris"}}]},
				 "finish_reason":"tool_calls"}]}
				""")));
		ToolCall call;
		try (LlmClient client = client()) {
			call = client.chat(ChatRequest.of("Weather?")).toolCalls().get(0);
		}
		assertThat(call.arguments()).as("kept as sent").isEqualTo("city=Paris");
		assertThatThrownBy(() -> call.argumentsAs(City.class)).isInstanceOfSatisfying(
				LlmStructuredOutputException.class, (ex) -> assertThat(ex.rawText()).isEqualTo("city=Paris"));
		assertThatThrownBy(call::argumentsTree).isInstanceOf(LlmStructuredOutputException.class)
			.hasMessageContaining("not JSON");
	}

	@Test
	void toolCallWithoutAFunctionNameIsAMalformedAnswer() {
		server.stubFor(post(PATH).willReturn(okJson("""
				{"choices":[{"message":{"role":"assistant","tool_calls":[{"id":"c1","function":{"arguments":"{}"}}]},
				 "finish_reason":"tool_calls"}]}
				""")));
		try (LlmClient client = client()) {
			assertThatThrownBy(() -> client.chat(ChatRequest.of("Weather?")))
				.isInstanceOf(LlmMalformedResponseException.class)
				.hasMessageContaining("without a function name");
		}
	}

	@Test
	void streamedToolCallFragmentsAreAssembledAndTextDeltasStillReachTheConsumer() {
		String stream = String.join("",
				event("{\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\"," + "\"content\":\"Checking\"}}]}"),
				event("{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_a\",\"type\":"
						+ "\"function\",\"function\":{\"name\":\"weather\",\"arguments\":\"\"}}]}}]}"),
				event("{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":"
						+ "{\"arguments\":\"{\\\"ci\"}}]}}]}"),
				event("{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":1,\"id\":\"call_b\",\"type\":"
						+ "\"function\",\"function\":{\"name\":\"time\",\"arguments\":\"{}\"}}]}}]}"),
				event("{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":"
						+ "{\"arguments\":\"ty\\\":\\\"Oslo\\\"}\"}}]}}]}"),
				event("{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}"),
				"data: [DONE]\n\n");
		server.stubFor(post(PATH).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "text/event-stream")
			.withBody(stream.getBytes(StandardCharsets.UTF_8))));
		List<ChatChunk> chunks = new ArrayList<>();
		ChatResponse response;
		try (LlmClient client = client()) {
			response = client.stream(everything().build(), chunks::add);
		}
		WireSchemas.assertValidChatRequest(bodiesSent().get(0));
		assertThat(chunks).containsExactly(new ChatChunk("Checking", null), new ChatChunk("", "tool_calls"));
		assertThat(response.content()).isEqualTo("Checking");
		assertThat(response.finishReason()).isEqualTo("tool_calls");
		assertThat(response.toolCalls()).containsExactly(new ToolCall("call_a", "weather", "{\"city\":\"Oslo\"}"),
				new ToolCall("call_b", "time", "{}"));
	}

	private static String event(String data) {
		return "data: " + data + "\n\n";
	}

}
