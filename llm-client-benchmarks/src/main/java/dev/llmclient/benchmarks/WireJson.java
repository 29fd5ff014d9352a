package dev.llmclient.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The hand-written JSON mapping of the raw contenders: the fewest fields a caller needs,
 * as records, through one shared Jackson mapper (the Jackson 3 that RestClient ships
 * with).
 */
final class WireJson {

	static final JsonMapper MAPPER = JsonMapper.builder()
		.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
		.build();

	private WireJson() {
	}

	static byte[] request(String prompt) {
		return MAPPER.writeValueAsBytes(new Request(Contender.MODEL, List.of(new Message("user", prompt))));
	}

	static String content(byte[] body) {
		return content(MAPPER.readValue(body, Response.class));
	}

	static String content(InputStream body) throws IOException {
		return content(MAPPER.readValue(body, Response.class));
	}

	private static String content(Response response) {
		return response.choices().get(0).message().content();
	}

	record Request(String model, List<Message> messages) {
	}

	record Message(String role, String content) {
	}

	record Response(String id, String model, List<Choice> choices, Usage usage) {
	}

	record Choice(int index, Message message, @JsonProperty("finish_reason") String finishReason) {
	}

	record Usage(@JsonProperty("prompt_tokens") int promptTokens,
			@JsonProperty("completion_tokens") int completionTokens, @JsonProperty("total_tokens") int totalTokens) {
	}

}
