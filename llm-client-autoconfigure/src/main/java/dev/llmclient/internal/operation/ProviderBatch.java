package dev.llmclient.internal.operation;

import java.util.List;
import java.util.Map;

/**
 * A batch as the provider's Batches API describes it ({@code Batch} in the OpenAI API
 * definition): the fields a batch job reads.
 *
 * @param id the batch's id
 * @param status {@code validating}, {@code in_progress}, ... as the provider writes it
 * @param inputFileId the uploaded input file
 * @param outputFileId the file of answered requests, or {@code null}
 * @param errorFileId the file of failed requests, or {@code null}
 * @param total requests in the batch (0 while validating)
 * @param completed requests answered so far
 * @param failed requests failed so far
 * @param metadata the batch's metadata, empty when none
 * @param errors the validation errors of a failed batch, empty otherwise
 * @param createdAt when the batch was created, in seconds since the epoch (0 when not
 * told)
 */
public record ProviderBatch(String id, String status, String inputFileId, String outputFileId, String errorFileId,
		int total, int completed, int failed, Map<String, String> metadata, List<Error> errors, long createdAt) {

	/**
	 * One validation error ({@code BatchError}).
	 *
	 * @param code the provider's code, or {@code null}
	 * @param message what is wrong
	 * @param param the parameter at fault, or {@code null}
	 * @param line the line of the input file, from 1, or {@code null}
	 */
	public record Error(String code, String message, String param, Integer line) {

	}

}
