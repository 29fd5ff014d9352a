package dev.llmclient;

import java.time.Duration;
import java.util.List;

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
 * @since 0.1.0
 */
public record EmbeddingResponse(List<float[]> vectors, String model, Usage usage, Duration latency) {

	/**
	 * Creates a response.
	 */
	public EmbeddingResponse {
		vectors = List.copyOf(vectors);
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
