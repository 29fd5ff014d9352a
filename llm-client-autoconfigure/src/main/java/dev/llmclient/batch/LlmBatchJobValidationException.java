package dev.llmclient.batch;

import java.util.List;

import dev.llmclient.LlmClientException;

/**
 * The provider refused a batch job's input file (status {@code failed}): nothing was
 * answered. The message names the first refused line and why; {@link #errors()} holds
 * every error the provider listed.
 *
 * @since 0.1.0
 */
public class LlmBatchJobValidationException extends LlmClientException {

	private static final long serialVersionUID = 1L;

	private final String jobId;

	private final List<LineError> errors;

	/**
	 * Creates an exception.
	 * @param jobId the job's id
	 * @param errors the provider's errors, in its order
	 */
	public LlmBatchJobValidationException(String jobId, List<LineError> errors) {
		super(message(jobId, errors));
		this.jobId = jobId;
		this.errors = List.copyOf(errors);
	}

	private static String message(String jobId, List<LineError> errors) {
		if (errors.isEmpty()) {
			return "Batch job " + jobId + " failed validation; the provider gave no reason";
		}
		LineError first = errors.get(0);
		String where = (first.request() != null) ? "request " + first.request() + " (line " + first.line() + ")"
				: (first.line() != null) ? "line " + first.line() : "the input file";
		return "Batch job " + jobId + " failed validation at " + where + ": " + first.message()
				+ ((first.code() != null) ? " [" + first.code() + "]" : "")
				+ ((errors.size() > 1) ? " (and " + (errors.size() - 1) + " more error(s))" : "")
				+ "; nothing was answered: fix the request and submit again";
	}

	/**
	 * Returns the job's id.
	 * @return the id
	 */
	public String jobId() {
		return this.jobId;
	}

	/**
	 * Returns every error the provider listed.
	 * @return the errors
	 */
	public List<LineError> errors() {
		return this.errors;
	}

	@Override
	public String errorType() {
		return "batch_validation";
	}

	@Override
	public Origin origin() {
		return Origin.REQUEST;
	}

	/**
	 * One error of the provider's validation.
	 *
	 * @param line the line of the input file (from 1), or {@code null}
	 * @param request the index of the request in the job (from 0) that line holds, or
	 * {@code null} when not known
	 * @param code the provider's code, or {@code null}
	 * @param message the provider's message
	 * @param param the parameter at fault, or {@code null}
	 * @since 0.1.0
	 */
	public record LineError(Integer line, Integer request, String code, String message, String param) {

	}

}
