package dev.llmclient.sample.demo;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import tools.jackson.databind.JsonNode;

import dev.llmclient.sample.demo.DemoWireFormat.ErrorDetail;

/**
 * JSON shapes of OpenAI's Files and Batch APIs that the demo backend reads and writes:
 * the File and Batch objects, the batch's create request, and the lines of a batch's
 * input, output and error files.
 */
final class DemoBatchWireFormat {

	private DemoBatchWireFormat() {
	}

	/** The File object; {@code status} is deprecated by OpenAI but still required. */
	record FileObject(String id, String object, long bytes, @JsonProperty("created_at") long createdAt,
			@JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("expires_at") Long expiresAt, String filename,
			String purpose, String status) {
	}

	record DeletedFile(String id, String object, boolean deleted) {
	}

	@JsonIgnoreProperties(ignoreUnknown = true)
	record CreateBatchRequest(@JsonProperty("input_file_id") String inputFileId, String endpoint,
			@JsonProperty("completion_window") String completionWindow, Map<String, String> metadata) {
	}

	/** The Batch object: every timestamp not reached yet is {@code null}. */
	record BatchObject(String id, String object, String endpoint,
			@JsonInclude(JsonInclude.Include.NON_NULL) String model, BatchErrors errors,
			@JsonProperty("input_file_id") String inputFileId,
			@JsonProperty("completion_window") String completionWindow, String status,
			@JsonProperty("output_file_id") String outputFileId, @JsonProperty("error_file_id") String errorFileId,
			@JsonProperty("created_at") long createdAt, @JsonProperty("in_progress_at") Long inProgressAt,
			@JsonProperty("expires_at") Long expiresAt, @JsonProperty("finalizing_at") Long finalizingAt,
			@JsonProperty("completed_at") Long completedAt, @JsonProperty("failed_at") Long failedAt,
			@JsonProperty("expired_at") Long expiredAt, @JsonProperty("cancelling_at") Long cancellingAt,
			@JsonProperty("cancelled_at") Long cancelledAt, @JsonProperty("request_counts") RequestCounts requestCounts,
			BatchUsage usage, Map<String, String> metadata) {
	}

	/** Why a batch failed validation: a list of errors, each naming its input line. */
	record BatchErrors(String object, List<BatchError> data) {
	}

	record BatchError(String code, String message, String param, Integer line) {
	}

	record RequestCounts(int total, int completed, int failed) {
	}

	record BatchUsage(@JsonProperty("input_tokens") long inputTokens,
			@JsonProperty("input_tokens_details") InputTokensDetails inputTokensDetails,
			@JsonProperty("output_tokens") long outputTokens,
			@JsonProperty("output_tokens_details") OutputTokensDetails outputTokensDetails,
			@JsonProperty("total_tokens") long totalTokens) {
	}

	record InputTokensDetails(@JsonProperty("cached_tokens") long cachedTokens) {
	}

	record OutputTokensDetails(@JsonProperty("reasoning_tokens") long reasoningTokens) {
	}

	record BatchList(String object, List<BatchObject> data, @JsonProperty("first_id") String firstId,
			@JsonProperty("last_id") String lastId, @JsonProperty("has_more") boolean hasMore) {
	}

	/** A line of a batch's input file: one request. */
	@JsonIgnoreProperties(ignoreUnknown = true)
	record InputLine(@JsonProperty("custom_id") String customId, String method, String url, JsonNode body) {
	}

	/**
	 * A line of a batch's output or error file: the answer to one request, with the
	 * status and body the live endpoint would have answered ({@code error} is for a
	 * request that got no answer at all, which the demo never leaves).
	 */
	record OutputLine(String id, @JsonProperty("custom_id") String customId, ResponseLine response, ErrorDetail error) {
	}

	record ResponseLine(@JsonProperty("status_code") int statusCode, @JsonProperty("request_id") String requestId,
			Object body) {
	}

}
