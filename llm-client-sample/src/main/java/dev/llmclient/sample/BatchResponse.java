package dev.llmclient.sample;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.llmclient.Cost;
import dev.llmclient.Usage;
import dev.llmclient.batch.BatchItem;
import dev.llmclient.batch.BatchResult;
import dev.llmclient.batch.LlmBatchItemException;

/**
 * Body answered by {@code POST /api/batch}.
 *
 * @param results one result per prompt, in the order of the prompts
 * @param succeeded prompts answered
 * @param failed prompts that failed
 * @param elapsedMs time the whole batch took, in milliseconds
 * @param usage the answers' token counts summed, or {@code null} when none reported usage
 * @param cost what the answers cost together, or {@code null} when nothing was priced
 */
record BatchResponse(List<Result> results, int succeeded, int failed, long elapsedMs, Usage usage, Cost cost) {

	static BatchResponse from(BatchResult result) {
		List<Result> results = result.items().stream().map(Result::from).toList();
		return new BatchResponse(results, result.succeeded(), result.failed(), result.elapsed().toMillis(),
				result.usage(), result.cost().orElse(null));
	}

	/**
	 * The outcome of one prompt: {@code text} when it was answered, {@code error} when
	 * not.
	 *
	 * @param index position of the prompt, from 0
	 * @param ok whether the prompt was answered
	 * @param text the answer, or absent
	 * @param error why the prompt failed, or absent
	 * @param status for a request of a batch job the provider failed, the HTTP status it
	 * answered the request with; else absent
	 * @param code for a request of a batch job, the provider's error code, or
	 * {@code expired}, {@code cancelled} or {@code missing} for a request it left
	 * unanswered; else absent
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record Result(int index, boolean ok, String text, String error, Integer status, String code) {

		static Result from(BatchItem item) {
			if (item instanceof BatchItem.Success success) {
				return new Result(item.index(), true, success.response().content(), null, null, null);
			}
			Throwable error = ((BatchItem.Failure) item).error();
			String message = (error.getMessage() != null) ? error.getMessage() : error.getClass().getSimpleName();
			if (error instanceof LlmBatchItemException itemError) {
				return new Result(item.index(), false, null, message, itemError.status(), itemError.code());
			}
			return new Result(item.index(), false, null, message, null, null);
		}

	}

}
