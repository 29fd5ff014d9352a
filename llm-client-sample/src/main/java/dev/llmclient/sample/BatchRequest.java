package dev.llmclient.sample;

import java.util.List;

/**
 * Body of {@code POST /api/batch}.
 *
 * @param prompts the prompts, required, none blank
 */
record BatchRequest(List<String> prompts) {

	/**
	 * Returns the prompts once their number is checked; each prompt is checked by the
	 * batch service, which names the index of a blank one.
	 * @param maxPrompts most prompts one request may hold
	 * @return the prompts
	 * @throws IllegalArgumentException when the field is missing, empty or too long
	 */
	List<String> checkedPrompts(int maxPrompts) {
		if (this.prompts == null || this.prompts.isEmpty()) {
			throw new IllegalArgumentException("Field 'prompts' is required and must hold at least one prompt");
		}
		if (this.prompts.size() > maxPrompts) {
			throw new IllegalArgumentException("Field 'prompts' holds " + this.prompts.size() + " prompts; at most "
					+ maxPrompts + " are accepted per request (sample.batch.max-prompts): split the batch");
		}
		return this.prompts;
	}

}
