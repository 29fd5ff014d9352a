package dev.llmclient.sample;

import dev.llmclient.ChatResponse;
import dev.llmclient.Usage;

/**
 * Body answered by {@code POST /api/generate}.
 *
 * @param text the generated text
 * @param model the model that answered
 * @param usage token counts, or {@code null} when the LLM server reported none
 * @param latencyMs time the LLM call took, in milliseconds
 */
record GenerateResponse(String text, String model, Usage usage, long latencyMs) {

	static GenerateResponse from(ChatResponse response) {
		return new GenerateResponse(response.content(), response.model(), response.usage(),
				response.latency().toMillis());
	}

}
