package dev.llmclient;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The answer to an embeddings request: one vector per input text, in input order.
 * <p>
 * The vectors are plain {@code float[]} arrays, as the server sent them (no boxing, no
 * copy): treat them as read-only. Since arrays compare by identity, two responses are
 * {@code equals} only when they share their arrays.
 *
 * @param vectors one vector per input, {@code vectors().get(i)} for
 * {@code inputs().get(i)}
 * @param model the model that answered, as the server names it (the requested model when
 * the server does not say)
 * @param usage token counts summed over every slice (input tokens only, output 0), or
 * {@code null} when the server reported none
 * @param latency time from sending the first request to reading the last answer
 * @param cost what the call cost, priced from its input tokens with
 * {@code pricing.models.<model>.input}; empty when the model is not priced or the server
 * reported no usage
 * @since 0.1.0
 */
public record EmbeddingResponse(List<float[]> vectors, String model, Usage usage, Duration latency,
		Optional<Cost> cost) {

	/**
	 * Creates a response.
	 */
	public EmbeddingResponse {
		vectors = List.copyOf(vectors);
		cost = (cost != null) ? cost : Optional.empty();
	}

	/**
	 * Creates a response without a cost.
	 * @param vectors one vector per input
	 * @param model the model that answered
	 * @param usage token counts, or {@code null}
	 * @param latency time the call took
	 */
	public EmbeddingResponse(List<float[]> vectors, String model, Usage usage, Duration latency) {
		this(vectors, model, usage, latency, Optional.empty());
	}

	/**
	 * Returns a copy with a cost.
	 * @param cost what the call cost, or {@code null} for none
	 * @return the copy
	 */
	public EmbeddingResponse withCost(Cost cost) {
		return new EmbeddingResponse(this.vectors, this.model, this.usage, this.latency, Optional.ofNullable(cost));
	}

	/**
	 * Returns the vector of one input.
	 * @param index the position of the input, from 0
	 * @return its vector
	 */
	public float[] vector(int index) {
		return this.vectors.get(index);
	}

	/**
	 * Returns the length of the vectors.
	 * @return the length of the first vector, 0 when there is none
	 */
	public int dimensions() {
		return this.vectors.isEmpty() ? 0 : this.vectors.get(0).length;
	}

}
