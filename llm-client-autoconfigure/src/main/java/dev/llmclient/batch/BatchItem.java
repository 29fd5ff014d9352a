package dev.llmclient.batch;

import java.util.Objects;

import dev.llmclient.ChatRequest;
import dev.llmclient.ChatResponse;

/**
 * The outcome of one input of a batch: a {@link Success} holding the answer, or a
 * {@link Failure} holding the exception. Switch over it, or test {@link #ok()}.
 *
 * @since 0.1.0
 */
public sealed interface BatchItem permits BatchItem.Success, BatchItem.Failure {

	/**
	 * Returns the position of the input in the list given to the batch, from 0.
	 * @return the index
	 */
	int index();

	/**
	 * Returns the request that was sent (for {@code generateAll}, one user message
	 * holding the prompt).
	 * @return the request
	 */
	ChatRequest request();

	/**
	 * Returns whether this item got an answer.
	 * @return {@code true} for a {@link Success}
	 */
	boolean ok();

	/**
	 * An item that got an answer.
	 *
	 * @param index position of the input, from 0
	 * @param request the request sent
	 * @param response the answer
	 * @since 0.1.0
	 */
	record Success(int index, ChatRequest request, ChatResponse response) implements BatchItem {

		/**
		 * Creates a success.
		 */
		public Success {
			Objects.requireNonNull(request, "request");
			Objects.requireNonNull(response, "response");
		}

		@Override
		public boolean ok() {
			return true;
		}

	}

	/**
	 * An item that failed. The error is what the client threw for the call (an
	 * {@code LlmClientException} subtype in most cases), or an
	 * {@link LlmBatchDeadlineException} when the batch's deadline passed first.
	 *
	 * @param index position of the input, from 0
	 * @param request the request that was, or would have been, sent
	 * @param error why it failed
	 * @since 0.1.0
	 */
	record Failure(int index, ChatRequest request, Throwable error) implements BatchItem {

		/**
		 * Creates a failure.
		 */
		public Failure {
			Objects.requireNonNull(request, "request");
			Objects.requireNonNull(error, "error");
		}

		@Override
		public boolean ok() {
			return false;
		}

	}

}
