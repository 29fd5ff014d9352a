package dev.llmclient.batch;

/**
 * Told how far a batch has got, and, for chat batches, which item has just ended. Called
 * on the thread that runs the batch, one call at a time, with {@code completed} rising
 * from 1 to {@code total}; keep it quick, since the batch starts its next item only after
 * it returns. An exception it throws ends the batch and reaches its caller.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface BatchProgress {

	/**
	 * Called after items have ended, successfully or not.
	 * @param completed items ended so far
	 * @param total items in the batch
	 */
	void onProgress(int completed, int total);

	/**
	 * Called as each item of a chat batch ({@link LlmBatchService#generateAll},
	 * {@link LlmBatchService#chatAll}) ends, in the order items end, before
	 * {@link #onProgress} counts it: what a caller needs to show results as they come
	 * rather than when the batch is over. Embeddings batches report their progress only.
	 * Does nothing unless overridden.
	 * @param item the item that ended, with its index in the batch
	 */
	default void onItem(BatchItem item) {
	}

}
