package dev.llmclient.batch;

import java.time.Duration;

import dev.llmclient.LlmTimeoutException;

/**
 * A batch item failed because the batch's deadline ({@link BatchOptions#deadline()})
 * passed: either before the item was sent, or while it was in flight, in which case it
 * was cancelled. A timeout of kind {@link LlmTimeoutException.Kind#BATCH_DEADLINE}, with
 * {@link #errorType()} {@code timeout}. Carries no stack trace: the message says all
 * there is to know, and a large batch may fail many items at once.
 *
 * @since 0.1.0
 */
public class LlmBatchDeadlineException extends LlmTimeoutException {

	private static final long serialVersionUID = 1L;

	private final boolean started;

	/**
	 * Creates an exception.
	 * @param index the item's position in the batch
	 * @param deadline the batch's deadline
	 * @param started whether the item had been sent
	 */
	public LlmBatchDeadlineException(int index, Duration deadline, boolean started) {
		super("Batch item " + index + (started ? " was cancelled in flight" : " was not started")
				+ ": the batch's deadline of " + deadline + " passed" + (started ? "" : " before its turn")
				+ ". Give the batch a longer deadline (BatchOptions.withDeadline), "
				+ "raise the client's max-concurrent if the server can take more parallel requests, or send fewer items.",
				Kind.BATCH_DEADLINE, deadline, null);
		this.started = started;
	}

	/**
	 * Returns whether the item had been sent when the deadline passed.
	 * @return {@code true} when it was cancelled in flight, {@code false} when it never
	 * started
	 */
	public boolean started() {
		return this.started;
	}

	@Override
	public synchronized Throwable fillInStackTrace() {
		return this;
	}

}
