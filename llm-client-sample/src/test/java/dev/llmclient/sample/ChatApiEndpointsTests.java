package dev.llmclient.sample;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.client.RestTestClient;

import dev.llmclient.ChatRequest;
import dev.llmclient.ChatResponse;
import dev.llmclient.ContentPart;
import dev.llmclient.LlmClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /api/extract} and {@code /api/agent} against the demo backend, offline: a
 * structured answer typed by {@link ContactCard}, and a tool loop that runs the sample's
 * tools; and images echoed as text.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "server.address=127.0.0.1")
@AutoConfigureRestTestClient
class ChatApiEndpointsTests {

	@Autowired
	private RestTestClient client;

	@Autowired
	private LlmClient llmClient;

	@Test
	void extractAnswersAContactCardTypedByTheRecord() {
		post("/api/extract", "{\"text\": \"Ada Lovelace (ada@example.com) writes about engines.\"}").expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.name")
			.isEqualTo("echo name")
			.jsonPath("$.email")
			.isEqualTo("ada@example.com")
			.jsonPath("$.company")
			.isEqualTo("echo company")
			.jsonPath("$.topics[0]")
			.isEqualTo("echo topics");
	}

	@Test
	void agentRunsTheSampleToolsAndReportsEveryCall() {
		post("/api/agent", "{\"prompt\": \"What is 2 + 40?\"}").expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.text")
			.isEqualTo("echo: What is 2 + 40? (add -> 42)")
			.jsonPath("$.toolCalls.length()")
			.isEqualTo(1)
			.jsonPath("$.toolCalls[0].name")
			.isEqualTo("add")
			.jsonPath("$.toolCalls[0].arguments")
			.isEqualTo("{\"a\":2,\"b\":40}")
			.jsonPath("$.toolCalls[0].result")
			.isEqualTo("42")
			.jsonPath("$.toolCalls[0].error")
			.isEqualTo(false);
	}

	@Test
	void agentChoosesTheToolTheTextNames() {
		post("/api/agent", "{\"prompt\": \"What time is it in Asia/Tokyo?\"}").expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.toolCalls[0].name")
			.isEqualTo("current_time")
			.jsonPath("$.toolCalls[0].arguments")
			.isEqualTo("{\"zone\":\"Asia/Tokyo\"}")
			.jsonPath("$.toolCalls[0].result")
			.value(String.class, (time) -> assertThat(time).endsWith("+09:00"));
	}

	@Test
	void streamedToolCallsFromTheDemoAreAssembled() {
		ChatResponse response = this.llmClient.stream(ChatRequest.builder()
			.user("What is 1 + 2?")
			.tool(dev.llmclient.ToolDefinition.of("add", "Adds", AgentController.Addends.class))
			.build(), (chunk) -> {
			});
		assertThat(response.finishReason()).isEqualTo("tool_calls");
		assertThat(response.toolCalls()).singleElement()
			.satisfies((call) -> assertThat(call.argumentsAs(AgentController.Addends.class))
				.isEqualTo(new AgentController.Addends(1, 2)));
	}

	@Test
	void imagePartsAreEchoedAsText() {
		ChatResponse response = this.llmClient.chat(ChatRequest.builder()
			.user(ContentPart.text("What is this?"), ContentPart.imageUrl("https://example.com/cat.png"),
					ContentPart.image(new byte[300], "image/jpeg", ContentPart.ImageDetail.HIGH))
			.build());
		assertThat(response.content())
			.isEqualTo("echo: What is this? [image: https://example.com/cat.png] [image: image/jpeg, about 300 bytes]");
	}

	@ParameterizedTest
	@ValueSource(strings = { "/api/extract", "/api/agent" })
	void missingInputIsAnswered400NamingTheField(String path) {
		String field = path.endsWith("extract") ? "'text'" : "'prompt'";
		post(path, "{}").expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.error")
			.value(String.class, (error) -> assertThat(error).contains(field))
			.jsonPath("$.type")
			.isEqualTo("bad_request");
	}

	private RestTestClient.ResponseSpec post(String path, String json) {
		return this.client.post().uri(path).contentType(MediaType.APPLICATION_JSON).body(json).exchange();
	}

}
