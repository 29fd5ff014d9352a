package dev.llmclient.sample;

import java.util.List;

import dev.llmclient.EmbeddingRequest;

/**
 * Body of {@code POST /api/embed}.
 *
 * @param texts the texts, required, none blank
 * @param model the embedding model, or {@code null} for the client's
 * {@code llm.client.embedding-model}
 * @param dimensions the length of the vectors, or {@code null} for the model's own
 */
record EmbedRequest(List<String> texts, String model, Integer dimensions) {

	/**
	 * Turns this body into an embeddings request once its texts are checked.
	 * @param maxTexts most texts one request may hold
	 * @param maxChars longest text accepted ({@code sample.prompt.max-chars})
	 * @return the request
	 * @throws IllegalArgumentException naming the field that is missing or invalid
	 */
	EmbeddingRequest toEmbeddingRequest(int maxTexts, int maxChars) {
		if (this.texts == null || this.texts.isEmpty()) {
			throw new IllegalArgumentException("Field 'texts' is required and must hold at least one text");
		}
		if (this.texts.size() > maxTexts) {
			throw new IllegalArgumentException("Field 'texts' holds " + this.texts.size() + " texts; at most "
					+ maxTexts + " are accepted per request (sample.embed.max-texts): split the request");
		}
		for (int i = 0; i < this.texts.size(); i++) {
			String text = this.texts.get(i);
			if (text == null || text.isBlank()) {
				throw new IllegalArgumentException("Field 'texts[" + i + "]' must not be null or blank");
			}
			if (text.length() > maxChars) {
				throw new IllegalArgumentException("Field 'texts[" + i + "]' holds " + text.length()
						+ " characters; at most " + maxChars + " are accepted (sample.prompt.max-chars): shorten it");
			}
		}
		if (this.dimensions != null && this.dimensions < 1) {
			throw new IllegalArgumentException("Field 'dimensions' must be at least 1, was " + this.dimensions);
		}
		return EmbeddingRequest.builder().inputs(this.texts).model(this.model).dimensions(this.dimensions).build();
	}

}
