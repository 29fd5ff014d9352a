package dev.llmclient;

import static dev.llmclient.SettingChecks.atLeastOne;

/**
 * What the client's observations, and so its trace spans, may carry of the conversation.
 * Off by default: prompts and completions often hold personal or confidential data, and a
 * span is kept by the tracing backend for anyone with access to it.
 * <p>
 * Part of {@link LlmClientSettings}; changed through
 * {@link LlmClientBuilder#observations}.
 *
 * @param includePrompt whether a call's span carries its messages as
 * {@code gen_ai.input.messages} ({@code observations.include-prompt})
 * @param includeCompletion whether a call's span carries the answer as
 * {@code gen_ai.output.messages} ({@code observations.include-completion})
 * @param maxContentLength characters each of those values is cut to
 * ({@code observations.max-content-length})
 * @since 0.1.0
 */
public record ObservationSettings(boolean includePrompt, boolean includeCompletion, int maxContentLength) {

	/** The defaults: no content, values cut to 2048 characters when switched on. */
	public static final ObservationSettings DEFAULTS = new ObservationSettings(false, false, 2048);

	/**
	 * Checks every value.
	 * @throws LlmClientSettingException naming the invalid setting
	 */
	public ObservationSettings {
		atLeastOne("observations.max-content-length", maxContentLength);
	}

	/**
	 * Returns a copy that adds the request's messages to each call's span, or not.
	 * @param includePrompt {@code true} to add them (sensitive: see the guide)
	 * @return the copy
	 */
	public ObservationSettings withIncludePrompt(boolean includePrompt) {
		return new ObservationSettings(includePrompt, this.includeCompletion, this.maxContentLength);
	}

	/**
	 * Returns a copy that adds the answer to each call's span, or not.
	 * @param includeCompletion {@code true} to add it (sensitive: see the guide)
	 * @return the copy
	 */
	public ObservationSettings withIncludeCompletion(boolean includeCompletion) {
		return new ObservationSettings(this.includePrompt, includeCompletion, this.maxContentLength);
	}

	/**
	 * Returns a copy that cuts captured messages to another length.
	 * @param maxContentLength at least 1 character
	 * @return the copy
	 */
	public ObservationSettings withMaxContentLength(int maxContentLength) {
		return new ObservationSettings(this.includePrompt, this.includeCompletion, maxContentLength);
	}

}
