package dev.llmclient.sample;

import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.llmclient.batch.BatchJob;
import dev.llmclient.batch.BatchResult;
import dev.llmclient.batch.LlmBatchJobValidationException;

/**
 * Body answered by {@code /api/batch/jobs}: a batch job as the sample shows it.
 *
 * @param id the job's id, to ask for it again
 * @param mode {@code provider} (the provider's Batch API) or {@code live} (the client's
 * live batch path, on a server without that API)
 * @param status {@code validating}, {@code in_progress}, {@code finalizing},
 * {@code completed}, {@code failed}, {@code expired}, {@code cancelling} or
 * {@code cancelled}
 * @param counts requests in the job, and how many were answered or failed so far
 * @param results once the job has ended (and unless it failed), one result per prompt in
 * the order of the prompts; absent before
 * @param error why the provider refused the job, when its status is {@code failed}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record BatchJobResponse(String id, String mode, String status, BatchJob.Counts counts,
		List<BatchResponse.Result> results, String error) {

	/** The job as just submitted: its id, mode and status. */
	static BatchJobResponse submitted(BatchJob<BatchResult> job) {
		return new BatchJobResponse(job.id(), name(job.mode()), name(job.status()), null, null, null);
	}

	/** The job as it is now, with its results once it has ended. */
	static BatchJobResponse of(BatchJob<BatchResult> job) {
		BatchJob.Status status = job.status();
		BatchJob.Counts counts = job.counts();
		List<BatchResponse.Result> results = null;
		String error = null;
		if (status.terminal()) {
			try {
				results = job.result().items().stream().map(BatchResponse.Result::from).toList();
			}
			catch (LlmBatchJobValidationException ex) {
				error = ex.getMessage();
			}
		}
		return new BatchJobResponse(job.id(), name(job.mode()), name(status), counts, results, error);
	}

	private static String name(Enum<?> value) {
		return value.name().toLowerCase(Locale.ROOT);
	}

}
