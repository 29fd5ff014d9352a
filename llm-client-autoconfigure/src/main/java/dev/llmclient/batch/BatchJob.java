package dev.llmclient.batch;

import java.time.Duration;

/**
 * A batch job: many requests handed over at once, answered within hours at the provider's
 * batch price (OpenAI's Batch API: {@code /v1/files} and {@code /v1/batches}), or run
 * through the client's live batch path on servers without that API (see {@link #mode()}).
 * Returned at once by {@link LlmBatchService#submit(java.util.List)}; found again after a
 * restart from its {@link #id()} alone with {@link LlmBatchService#job(String)}.
 * <p>
 * A handle is thread-safe. Its {@link #status()} and {@link #counts()} ask the provider
 * at most once per poll interval; {@link #await(Duration)} polls with backoff and jitter
 * between {@code batch-jobs.poll-interval} and {@code batch-jobs.max-poll-interval}.
 *
 * <pre>{@code
 * BatchJob<BatchResult> job = batch.submit(requests);
 * store(job.id());                       // the only thing to keep
 * // ... later, maybe in another process
 * BatchJob<BatchResult> again = batch.job(storedId);
 * if (again.await(Duration.ofMinutes(5)).terminal()) {
 *     BatchResult result = again.result(); // one item per request, in input order
 * }
 * }</pre>
 *
 * @param <R> the result: {@link BatchResult} for chat requests,
 * {@link EmbeddingBatchResult} for embeddings
 * @since 0.1.0
 */
public interface BatchJob<R> {

	/**
	 * Returns the job's id: the provider's batch id ({@code batch_...}); for a job split
	 * into several provider batches, one id naming them all (see the guide's "Batch
	 * jobs"); for a {@link Mode#LIVE} job, an id of this process ({@code live_...}).
	 * @return the id to store and hand to {@link LlmBatchService#job(String)}
	 */
	String id();

	/**
	 * Returns how the job runs.
	 * @return {@link Mode#PROVIDER} or {@link Mode#LIVE}
	 */
	Mode mode();

	/**
	 * Returns the job's status, asking the provider when the last answer is older than
	 * the poll interval.
	 * @return the status
	 */
	Status status();

	/**
	 * Returns how many requests the job has, and how many have ended so far, as of the
	 * latest poll.
	 * @return the counts
	 */
	Counts counts();

	/**
	 * Waits until the job has ended or the timeout has passed, polling with backoff and
	 * jitter.
	 * @param timeout the longest wait
	 * @return the status at the end of the wait: {@link Status#terminal()} when the job
	 * has ended; {@link Status#FAILED} when the provider refused the input file (then
	 * {@link #result()} says why)
	 * @throws dev.llmclient.LlmClientException when the provider cannot be asked, or the
	 * waiting thread is interrupted (its interrupt flag is set again)
	 */
	Status await(Duration timeout);

	/**
	 * Returns the job's result once it has ended: one item per request, in input order.
	 * Requests the provider answered are successes; the others are failures holding an
	 * {@link LlmBatchItemException} with the provider's status, type, code and message,
	 * or code {@code expired}, {@code cancelled} or {@code missing} for requests the
	 * provider did not answer. The output and error files are read once, by streaming,
	 * and then deleted unless {@code batch-jobs.keep-files} is set; later calls return
	 * the same result.
	 * @return the result
	 * @throws IllegalStateException naming the status while the job has not ended
	 * @throws LlmBatchJobValidationException when the provider refused the input file
	 */
	R result();

	/**
	 * Asks the provider to cancel the job. Requests already answered stay answered; the
	 * job ends as {@link Status#CANCELLED} and its result holds what was answered.
	 * Cancelling an ended job does nothing.
	 */
	void cancel();

	/**
	 * How a job runs.
	 *
	 * @since 0.1.0
	 */
	enum Mode {

		/**
		 * On the provider's Batch API: half price, answered within the completion window.
		 */
		PROVIDER,

		/**
		 * Through the client's own live batch path ({@link LlmBatchService#chatAll}), on
		 * a server without the Batch API; at the usual price, and not resumable after a
		 * restart.
		 */
		LIVE

	}

	/**
	 * The status of a job, as OpenAI's Batch object names it.
	 *
	 * @since 0.1.0
	 */
	enum Status {

		/** The provider checks the input file. */
		VALIDATING,

		/** The requests are being answered. */
		IN_PROGRESS,

		/** The output files are being written. */
		FINALIZING,

		/** Every request was answered or failed: the result is ready. */
		COMPLETED,

		/**
		 * The provider refused the input file: {@link #result()} and {@link #await} throw
		 * {@link LlmBatchJobValidationException}.
		 */
		FAILED,

		/**
		 * The completion window passed first: the answered part is kept, the rest fails
		 * as {@code expired}.
		 */
		EXPIRED,

		/** Cancelling: the requests in flight end. */
		CANCELLING,

		/** Cancelled: the answered part is kept, the rest fails as {@code cancelled}. */
		CANCELLED;

		/**
		 * Returns whether the job has ended, so that {@link #result()} can be read.
		 * @return {@code true} for completed, failed, expired and cancelled
		 */
		public boolean terminal() {
			return this == COMPLETED || this == FAILED || this == EXPIRED || this == CANCELLED;
		}

	}

	/**
	 * How many requests a job holds and how many have ended.
	 *
	 * @param total requests in the job
	 * @param completed requests answered so far
	 * @param failed requests failed so far
	 * @since 0.1.0
	 */
	record Counts(int total, int completed, int failed) {

	}

}
