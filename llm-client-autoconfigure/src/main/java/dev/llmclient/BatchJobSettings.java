package dev.llmclient;

import java.time.Duration;

/**
 * How batch jobs run on the provider's Batch API ({@code /files} and {@code /batches}):
 * see {@code LlmBatchService.submit} and the guide's "Batch jobs".
 * <p>
 * Part of {@link LlmClientSettings}; changed through {@link LlmClientBuilder#batchJobs}.
 *
 * @param mode where jobs run ({@code batch-jobs.mode}): {@link Mode#AUTO} by default
 * @param pollInterval the first wait between two polls of a job's status
 * ({@code batch-jobs.poll-interval}); each later wait doubles, with jitter, up to
 * {@code maxPollInterval}
 * @param maxPollInterval the longest wait between two polls
 * ({@code batch-jobs.max-poll-interval})
 * @param keepFiles whether the input, output and error files stay on the provider after
 * the result was read ({@code batch-jobs.keep-files}); deleted by default
 * @param completionWindow the time the provider has to answer a job
 * ({@code batch-jobs.completion-window}), {@code 24h} by default (the only value OpenAI
 * takes)
 * @param maxRequestsPerBatch the most requests one provider batch holds
 * ({@code batch-jobs.max-requests-per-batch}); a larger job is split into several batches
 * behind one id. OpenAI's limit, 50 000, by default
 * @param maxBytesPerBatch the largest input file of one provider batch, in bytes
 * ({@code batch-jobs.max-bytes-per-batch}); 200 MB, OpenAI's limit, by default
 * @since 0.1.0
 */
public record BatchJobSettings(Mode mode, Duration pollInterval, Duration maxPollInterval, boolean keepFiles,
		String completionWindow, int maxRequestsPerBatch, long maxBytesPerBatch) {

	/** OpenAI's limit of requests per batch. */
	private static final int PROVIDER_MAX_REQUESTS = 50_000;

	/** OpenAI's limit of an input file: 200 MB. */
	private static final long PROVIDER_MAX_BYTES = 200L * 1024 * 1024;

	/**
	 * The defaults: mode {@code auto}, polls from every 10 seconds to every 5 minutes,
	 * files deleted, window {@code 24h}, 50 000 requests and 200 MB per batch.
	 */
	public static final BatchJobSettings DEFAULTS = new BatchJobSettings(Mode.AUTO, Duration.ofSeconds(10),
			Duration.ofMinutes(5), false, "24h", PROVIDER_MAX_REQUESTS, PROVIDER_MAX_BYTES);

	/**
	 * Checks every value.
	 * @throws LlmClientSettingException naming the invalid setting
	 */
	public BatchJobSettings {
		SettingChecks.require("batch-jobs.mode", mode);
		SettingChecks.positive("batch-jobs.poll-interval", pollInterval);
		SettingChecks.positive("batch-jobs.max-poll-interval", maxPollInterval);
		if (maxPollInterval.compareTo(pollInterval) < 0) {
			throw new LlmClientSettingException("batch-jobs.max-poll-interval", maxPollInterval,
					"must not be shorter than batch-jobs.poll-interval (" + pollInterval + ")");
		}
		if (completionWindow == null || completionWindow.isBlank()) {
			throw new LlmClientSettingException("batch-jobs.completion-window", completionWindow,
					"is required, e.g. 24h (the only window OpenAI takes)");
		}
		if (maxRequestsPerBatch < 1 || maxRequestsPerBatch > PROVIDER_MAX_REQUESTS) {
			throw new LlmClientSettingException("batch-jobs.max-requests-per-batch", maxRequestsPerBatch,
					"must be between 1 and " + PROVIDER_MAX_REQUESTS + " (the provider's limit per batch)");
		}
		if (maxBytesPerBatch < 1024 || maxBytesPerBatch > PROVIDER_MAX_BYTES) {
			throw new LlmClientSettingException("batch-jobs.max-bytes-per-batch", maxBytesPerBatch,
					"must be between 1KB and 200MB (the provider's limit per input file)");
		}
	}

	/**
	 * Returns a copy with another mode.
	 * @param mode where jobs run
	 * @return the copy
	 */
	public BatchJobSettings withMode(Mode mode) {
		return new BatchJobSettings(mode, this.pollInterval, this.maxPollInterval, this.keepFiles,
				this.completionWindow, this.maxRequestsPerBatch, this.maxBytesPerBatch);
	}

	/**
	 * Returns a copy with another first poll interval.
	 * @param pollInterval a positive duration
	 * @return the copy
	 */
	public BatchJobSettings withPollInterval(Duration pollInterval) {
		return new BatchJobSettings(this.mode, pollInterval, this.maxPollInterval, this.keepFiles,
				this.completionWindow, this.maxRequestsPerBatch, this.maxBytesPerBatch);
	}

	/**
	 * Returns a copy with another longest poll interval.
	 * @param maxPollInterval a positive duration, not below the poll interval
	 * @return the copy
	 */
	public BatchJobSettings withMaxPollInterval(Duration maxPollInterval) {
		return new BatchJobSettings(this.mode, this.pollInterval, maxPollInterval, this.keepFiles,
				this.completionWindow, this.maxRequestsPerBatch, this.maxBytesPerBatch);
	}

	/**
	 * Returns a copy that keeps the files on the provider, or deletes them.
	 * @param keepFiles {@code true} to keep them
	 * @return the copy
	 */
	public BatchJobSettings withKeepFiles(boolean keepFiles) {
		return new BatchJobSettings(this.mode, this.pollInterval, this.maxPollInterval, keepFiles,
				this.completionWindow, this.maxRequestsPerBatch, this.maxBytesPerBatch);
	}

	/**
	 * Returns a copy with another completion window.
	 * @param completionWindow such as {@code 24h}
	 * @return the copy
	 */
	public BatchJobSettings withCompletionWindow(String completionWindow) {
		return new BatchJobSettings(this.mode, this.pollInterval, this.maxPollInterval, this.keepFiles,
				completionWindow, this.maxRequestsPerBatch, this.maxBytesPerBatch);
	}

	/**
	 * Returns a copy with another limit of requests per provider batch.
	 * @param maxRequestsPerBatch from 1 to 50 000
	 * @return the copy
	 */
	public BatchJobSettings withMaxRequestsPerBatch(int maxRequestsPerBatch) {
		return new BatchJobSettings(this.mode, this.pollInterval, this.maxPollInterval, this.keepFiles,
				this.completionWindow, maxRequestsPerBatch, this.maxBytesPerBatch);
	}

	/**
	 * Returns a copy with another limit of input file size per provider batch.
	 * @param maxBytesPerBatch from 1 KB to 200 MB
	 * @return the copy
	 */
	public BatchJobSettings withMaxBytesPerBatch(long maxBytesPerBatch) {
		return new BatchJobSettings(this.mode, this.pollInterval, this.maxPollInterval, this.keepFiles,
				this.completionWindow, this.maxRequestsPerBatch, maxBytesPerBatch);
	}

	/**
	 * Where batch jobs run.
	 *
	 * @since 0.1.0
	 */
	public enum Mode {

		/**
		 * On the provider's Batch API; when the server answers 404 on {@code /files} or
		 * {@code /batches} (vLLM, Ollama, llama.cpp), through the client's live batch
		 * path behind the same handle.
		 */
		AUTO,

		/** On the provider's Batch API only: a server without it fails the submit. */
		PROVIDER,

		/** Through the client's live batch path, without asking the provider. */
		LIVE

	}

}
