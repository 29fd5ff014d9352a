package dev.llmclient.batch;

/**
 * Where a batch counts its items: Micrometer when a registry is present, nowhere
 * otherwise. Keeps Micrometer's classes unloaded when there is no registry.
 */
interface BatchMetrics {

	BatchMetrics NONE = (succeeded, failed) -> {
	};

	/**
	 * Counts ended items.
	 * @param succeeded items that got an answer
	 * @param failed items that failed
	 */
	void items(int succeeded, int failed);

}
