package dev.llmclient.observation;

import io.micrometer.observation.Observation;

/**
 * What the observation of one batch ({@code llm.client.batch}) knows: how many items it
 * holds and, once it has ended, how many succeeded and failed. Each item's call is a
 * child observation of it.
 *
 * @since 0.1.0
 */
public class LlmBatchObservationContext extends Observation.Context {

	private final int items;

	private int succeeded;

	private int failed;

	/**
	 * Creates the context of a batch.
	 * @param items the number of items
	 */
	public LlmBatchObservationContext(int items) {
		this.items = items;
	}

	/**
	 * Returns the number of items.
	 * @return the items in the batch
	 */
	public int getItems() {
		return this.items;
	}

	/**
	 * Returns the items that succeeded.
	 * @return the count, 0 until the batch has ended
	 */
	public int getSucceeded() {
		return this.succeeded;
	}

	/**
	 * Returns the items that failed.
	 * @return the count, 0 until the batch has ended
	 */
	public int getFailed() {
		return this.failed;
	}

	/**
	 * Sets how the items ended.
	 * @param succeeded the items that succeeded
	 * @param failed the items that failed, not started ones included
	 */
	public void setOutcomes(int succeeded, int failed) {
		this.succeeded = succeeded;
		this.failed = failed;
	}

}
