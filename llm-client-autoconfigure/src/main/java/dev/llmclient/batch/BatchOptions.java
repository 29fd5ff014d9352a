package dev.llmclient.batch;

import java.time.Duration;

/**
 * Options of one batch: an optional deadline and an optional progress callback.
 *
 * <pre>{@code
 * BatchResult result = batch.chatAll(requests, BatchOptions.defaults()
 *         .withDeadline(Duration.ofMinutes(2))
 *         .withProgress((done, total) -> log.info("{}/{}", done, total)));
 * }</pre>
 *
 * @param deadline time the whole batch may take, or {@code null} for none. When it
 * passes, items not started yet fail with {@link LlmBatchDeadlineException} without being
 * sent, and items in flight are cancelled and fail the same way
 * @param progress told after each item ends, or {@code null}
 * @since 0.1.0
 */
public record BatchOptions(Duration deadline, BatchProgress progress) {

	private static final BatchOptions DEFAULTS = new BatchOptions(null, null);

	/**
	 * Creates options, checking the deadline.
	 * @throws IllegalArgumentException when the deadline is zero or negative
	 */
	public BatchOptions {
		if (deadline != null && (deadline.isNegative() || deadline.isZero())) {
			throw new IllegalArgumentException("BatchOptions.deadline must be a positive duration, was " + deadline);
		}
	}

	/**
	 * Returns options with no deadline and no progress callback.
	 * @return the default options
	 */
	public static BatchOptions defaults() {
		return DEFAULTS;
	}

	/**
	 * Returns a copy with the given deadline.
	 * @param deadline a positive duration, or {@code null} for none
	 * @return new options
	 */
	public BatchOptions withDeadline(Duration deadline) {
		return new BatchOptions(deadline, this.progress);
	}

	/**
	 * Returns a copy with the given progress callback.
	 * @param progress the callback, or {@code null} for none
	 * @return new options
	 */
	public BatchOptions withProgress(BatchProgress progress) {
		return new BatchOptions(this.deadline, progress);
	}

}
