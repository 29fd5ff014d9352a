package dev.llmclient.sample;

import java.util.List;

/**
 * Body of {@code POST /api/batch}.
 *
 * @param prompts the prompts, required, none blank
 */
record BatchRequest(List<String> prompts) {

	/**
	 * Returns the prompts once checked, so that a streamed batch can still answer 400
	 * before its events start.
	 * @param maxPrompts most prompts one request may hold
	 * @param maxPromptChars longest prompt accepted
	 * @return the prompts
	 * @throws IllegalArgumentException when the field is missing, empty or too long, or a
	 * prompt is blank or too long, naming its index
	 */
	List<String> checkedPrompts(int maxPrompts, int maxPromptChars) {
		if (this.prompts == null || this.prompts.isEmpty()) {
			throw new IllegalArgumentException("Field 'prompts' is required and must hold at least one prompt");
		}
		if (this.prompts.size() > maxPrompts) {
			throw new IllegalArgumentException("Field 'prompts' holds " + this.prompts.size() + " prompts; at most "
					+ maxPrompts + " are accepted per request (sample.batch.max-prompts): split the batch");
		}
		for (int i = 0; i < this.prompts.size(); i++) {
			String prompt = this.prompts.get(i);
			if (prompt == null || prompt.isBlank()) {
				throw new IllegalArgumentException("prompts[" + i + "] must not be "
						+ ((prompt == null) ? "null" : "blank") + "; nothing was sent");
			}
			GenerateRequest.checkLength("prompts[" + i + "]", prompt, maxPromptChars);
		}
		return this.prompts;
	}

}
