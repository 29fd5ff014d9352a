package dev.llmclient.batch;

/**
 * Where a batch counts its items, and a batch job its end: Micrometer when a registry is
 * present, nowhere otherwise. Keeps Micrometer's classes unloaded when there is no
 * registry.
 */
interface BatchMetrics {

	BatchMetrics NONE = new BatchMetrics() {

		@Override
		public void items(int succeeded, int failed) {
		}

		@Override
		public void job(BatchJob.Status status, BatchJob.Mode mode) {
		}

	};

	/**
	 * Counts ended items.
	 * @param succeeded items that got an answer
	 * @param failed items that failed
	 */
	void items(int succeeded, int failed);

	/**
	 * Counts a batch job that has ended, once per handle.
	 * @param status how it ended
	 * @param mode how it ran
	 */
	void job(BatchJob.Status status, BatchJob.Mode mode);

}
