package dev.llmclient.sample;

import java.util.List;

import dev.llmclient.EmbeddingResponse;

/**
 * Answer of {@code POST /api/embed}.
 *
 * @param vectors one vector per text, in order
 * @param model the model that answered
 * @param dimensions the length of the vectors
 */
record EmbedResponse(List<float[]> vectors, String model, int dimensions) {

	static EmbedResponse from(EmbeddingResponse response) {
		return new EmbedResponse(response.vectors(), response.model(), response.dimensions());
	}

}
