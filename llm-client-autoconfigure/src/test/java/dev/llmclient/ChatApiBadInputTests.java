package dev.llmclient;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Bad input to tools, tool results, images and response formats fails at once, naming the
 * field: nothing can be sent.
 */
class ChatApiBadInputTests {

	@Test
	void toolWithoutAValidNameIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> ToolDefinition.withoutArguments(null, "x"))
			.withMessageContaining("ToolDefinition.name");
		assertThatIllegalArgumentException().isThrownBy(() -> ToolDefinition.withoutArguments("get weather", "x"))
			.withMessageContaining("ToolDefinition.name")
			.withMessageContaining("'get weather'");
	}

	@Test
	void toolWithASchemaThatIsNotAnObjectSchemaIsRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new ToolDefinition("weather", null, Map.of("type", "string"), null))
			.withMessageContaining("ToolDefinition.parameters")
			.withMessageContaining("type object");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new ToolDefinition("weather", null, Map.of("type", "object", "properties", "city"), null))
			.withMessageContaining("ToolDefinition.parameters.properties");
	}

	@Test
	void toolResultWithoutAnIdIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> ChatMessage.toolResult(" ", "{}"))
			.withMessageContaining("ChatMessage.toolCallId");
		assertThatIllegalArgumentException().isThrownBy(() -> new ChatMessage("tool", "{}"))
			.withMessageContaining("ChatMessage.toolCallId");
	}

	@Test
	void imageWithAnUnknownMediaTypeIsRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ContentPart.image(new byte[] { 1 }, "application/pdf", null))
			.withMessageContaining("mediaType 'application/pdf'")
			.withMessageContaining("image/png");
		assertThatIllegalArgumentException().isThrownBy(() -> ContentPart.image(new byte[0], "image/png", null))
			.withMessageContaining("bytes");
		assertThatIllegalArgumentException().isThrownBy(() -> ContentPart.imageUrl("ftp://example.com/a.png"))
			.withMessageContaining("url");
	}

	@Test
	void toolChoiceMustNameOneOfTheTools() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ChatRequest.builder()
				.user("x")
				.tool(ToolDefinition.withoutArguments("ping", null))
				.toolChoice(ToolChoice.function("pong"))
				.build())
			.withMessageContaining("ChatRequest.toolChoice")
			.withMessageContaining("'pong'");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ChatRequest.builder()
				.user("x")
				.tools(List.of(ToolDefinition.withoutArguments("ping", null),
						ToolDefinition.withoutArguments("ping", null)))
				.build())
			.withMessageContaining("ChatRequest.tools[1]");
	}

	@Test
	void responseFormatIsChecked() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ResponseFormat.jsonSchema("bad name", Map.of("type", "object"), true))
			.withMessageContaining("ResponseFormat.name");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ResponseFormat.jsonSchema("ok", Map.of("type", "array"), true))
			.withMessageContaining("ResponseFormat.schema");
	}

	@Test
	void textOnlyConstructorsStillWork() {
		assertThat(ChatMessage.user("hi").parts()).isNull();
		assertThat(ChatMessage.user("hi").toolCalls()).isEmpty();
		assertThat(new ChatRequest(null, List.of(ChatMessage.user("x")), null, null, null, null, null).tools())
			.isEmpty();
	}

	@Test
	void blankPromptCacheKeyIsRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ChatRequest.builder().user("x").promptCacheKey(" ").build())
			.withMessageContaining("ChatRequest.promptCacheKey");
	}

	@Test
	void requestClassAndPromptCacheKeySurviveAVariation() {
		ChatRequest request = ChatRequest.builder()
			.user("x")
			.requestClass(RequestClass.BATCH)
			.promptCacheKey("faq-v1")
			.build();
		ChatRequest variation = request.toBuilder().temperature(0.2).build();
		assertThat(variation.requestClass()).isEqualTo(RequestClass.BATCH);
		assertThat(variation.promptCacheKey()).isEqualTo("faq-v1");
		assertThat(ChatRequest.of("x").requestClassOr(RequestClass.INTERACTIVE)).isEqualTo(RequestClass.INTERACTIVE);
	}

}
