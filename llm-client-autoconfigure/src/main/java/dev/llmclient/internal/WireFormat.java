package dev.llmclient.internal;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * JSON shapes of the OpenAI-compatible chat completions API. Every field of an answer is
 * optional and boxed: real servers omit {@code usage}, {@code index}, {@code created} or
 * {@code id}.
 */
final class WireFormat {

	/**
	 * Mapper owned by the client, so an application's global Jackson settings cannot
	 * change the wire format.
	 */
	static final JsonMapper MAPPER = JsonMapper.builder()
		.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
		.disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
		.enable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
		.build();

	private WireFormat() {
	}

	@JsonIgnoreProperties(ignoreUnknown = true)
	record CompletionResponse(String id, String model, List<Choice> choices, UsageBody usage) {
	}

	@JsonIgnoreProperties(ignoreUnknown = true)
	record Choice(Integer index, MessageBody message, MessageBody delta,
			@JsonProperty("finish_reason") String finishReason) {
	}

	@JsonIgnoreProperties(ignoreUnknown = true)
	record MessageBody(String role, String content) {
	}

	@JsonIgnoreProperties(ignoreUnknown = true)
	record UsageBody(@JsonProperty("prompt_tokens") Integer promptTokens,
			@JsonProperty("completion_tokens") Integer completionTokens,
			@JsonProperty("total_tokens") Integer totalTokens) {
	}

}
