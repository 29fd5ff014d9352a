package dev.llmclient.internal.recording;

import dev.llmclient.observation.LlmObservationContext;

/**
 * What a call does, as its meters ({@code gen_ai.operation.name}) and its observation
 * name it.
 */
public enum OperationName {

	/** A chat completion, streamed or not. */
	CHAT(LlmObservationContext.CHAT, true),

	/** An embeddings request. */
	EMBEDDINGS(LlmObservationContext.EMBEDDINGS, false),

	/** A call of the provider's Files API for a batch job: upload, read or delete. */
	FILES(LlmObservationContext.FILES, false),

	/** A call of the provider's Batches API: create, poll or cancel a batch job. */
	BATCHES(LlmObservationContext.BATCHES, false);

	private final String value;

	private final boolean generates;

	OperationName(String value, boolean generates) {
		this.value = value;
		this.generates = generates;
	}

	/** The tag value, such as {@code chat}. */
	public String value() {
		return this.value;
	}

	/** Whether the operation generates tokens, so that its usage has an output count. */
	boolean generates() {
		return this.generates;
	}

}
