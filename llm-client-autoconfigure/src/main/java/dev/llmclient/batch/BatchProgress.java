package dev.llmclient.batch;

/**
 * Told how far a batch has got. Called on the thread that runs the batch, one call at a
 * time, with {@code completed} rising from 1 to {@code total}; keep it quick, since the
 * batch starts its next item only after it returns.
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

}
