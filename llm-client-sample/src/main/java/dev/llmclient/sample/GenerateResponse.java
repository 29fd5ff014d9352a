package dev.llmclient.sample;

import dev.llmclient.ChatResponse;
import dev.llmclient.Cost;
import dev.llmclient.Usage;

/**
 * Body answered by {@code POST /api/generate}.
 *
 * @param text the generated text
 * @param model the model that answered
 * @param usage token counts, or {@code null} when the LLM server reported none
 * @param latencyMs time the LLM call took, in milliseconds
 * @param cost what the call cost ({@code amount}, {@code currency}), or {@code null} when
 * its model is not priced ({@code llm.client.pricing.*})
 */
record GenerateResponse(String text, String model, Usage usage, long latencyMs, Cost cost) {

	static GenerateResponse from(ChatResponse response) {
		return new GenerateResponse(response.content(), response.model(), response.usage(),
				response.latency().toMillis(), response.cost().orElse(null));
	}

}
