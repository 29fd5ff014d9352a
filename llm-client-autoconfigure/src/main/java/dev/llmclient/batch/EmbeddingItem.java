package dev.llmclient.batch;

import java.util.Objects;

/**
 * The outcome of one text of an embeddings batch: a {@link Success} holding its vector,
 * or a {@link Failure} holding the exception of the request that carried it. Switch over
 * it, or test {@link #ok()}.
 *
 * @since 0.1.0
 */
public sealed interface EmbeddingItem permits EmbeddingItem.Success, EmbeddingItem.Failure {

	/**
	 * Returns the position of the text in the list given to the batch, from 0.
	 * @return the index
	 */
	int index();

	/**
	 * Returns the text.
	 * @return the text that was, or would have been, sent
	 */
	String text();

	/**
	 * Returns whether this text got a vector.
	 * @return {@code true} for a {@link Success}
	 */
	boolean ok();

	/**
	 * A text that got its vector.
	 *
	 * @param index position of the text, from 0
	 * @param text the text
	 * @param vector its vector (read-only)
	 * @param model the model that answered
	 * @since 0.1.0
	 */
	record Success(int index, String text, float[] vector, String model) implements EmbeddingItem {

		/**
		 * Creates a success.
		 */
		public Success {
			Objects.requireNonNull(text, "text");
			Objects.requireNonNull(vector, "vector");
		}

		@Override
		public boolean ok() {
			return true;
		}

	}

	/**
	 * A text whose request failed. Every text of that request (at most
	 * {@code embedding-batch-size}) fails with the same exception; the other requests of
	 * the batch are unaffected.
	 *
	 * @param index position of the text, from 0
	 * @param text the text
	 * @param error why its request failed: what the client threw (an
	 * {@code LlmClientException} subtype in most cases), or an
	 * {@link LlmBatchDeadlineException} when the batch's deadline passed first
	 * @since 0.1.0
	 */
	record Failure(int index, String text, Throwable error) implements EmbeddingItem {

		/**
		 * Creates a failure.
		 */
		public Failure {
			Objects.requireNonNull(text, "text");
			Objects.requireNonNull(error, "error");
		}

		@Override
		public boolean ok() {
			return false;
		}

	}

}
