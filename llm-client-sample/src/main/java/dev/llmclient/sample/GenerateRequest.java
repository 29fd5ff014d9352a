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
	 * @param maxPromptChars longest prompt accepted ({@code sample.prompt.max-chars})
	 * @return the request
	 * @throws IllegalArgumentException naming the field that is missing or invalid
	 */
	ChatRequest toChatRequest(int maxPromptChars) {
		if (this.prompt == null || this.prompt.isBlank()) {
			throw new IllegalArgumentException("Field 'prompt' is required and must not be blank");
		}
		checkLength("Field 'prompt'", this.prompt, maxPromptChars);
		return ChatRequest.builder()
			.model(this.model)
			.user(this.prompt)
			.maxTokens(this.maxTokens)
			.temperature(this.temperature)
			.build();
	}

	/**
	 * Refuses a prompt longer than the sample accepts, before anything is sent.
	 * @param what names the prompt in the message, such as {@code Field 'prompt'}
	 * @param prompt the prompt
	 * @param maxPromptChars longest prompt accepted
	 * @throws IllegalArgumentException when the prompt is longer
	 */
	static void checkLength(String what, String prompt, int maxPromptChars) {
		if (prompt.length() > maxPromptChars) {
			throw new IllegalArgumentException(what + " holds " + prompt.length() + " characters; at most "
					+ maxPromptChars + " are accepted (sample.prompt.max-chars): shorten the prompt");
		}
	}

}
