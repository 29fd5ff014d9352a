package dev.llmclient.sample;

import dev.llmclient.ChatRequest;

/**
 * Body of {@code POST /api/generate}.
 *
 * @param prompt the user's text, required
 * @param model the model, or {@code null} for the client's default
 * @param maxTokens upper bound on generated tokens, or {@code null}
 * @param temperature sampling temperature, or {@code null}
 */
record GenerateRequest(String prompt, String model, Integer maxTokens, Double temperature) {

	/**
	 * Turns this body into a chat request.
	 * @return the request
	 * @throws IllegalArgumentException naming the field that is missing or invalid
	 */
	ChatRequest toChatRequest() {
		if (this.prompt == null || this.prompt.isBlank()) {
			throw new IllegalArgumentException("Field 'prompt' is required and must not be blank");
		}
		return ChatRequest.builder()
			.model(this.model)
			.user(this.prompt)
			.maxTokens(this.maxTokens)
			.temperature(this.temperature)
			.build();
	}

}
