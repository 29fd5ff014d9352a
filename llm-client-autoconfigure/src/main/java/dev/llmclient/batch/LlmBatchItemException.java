package dev.llmclient.batch;

import dev.llmclient.LlmClientException;

/**
 * Why one request of a batch job was not answered: the provider's error for it (its HTTP
 * status, error type, code and message), or one of the client's codes for a request the
 * provider left unanswered: {@code expired} (the completion window passed),
 * {@code cancelled} (the job was cancelled) or {@code missing} (in neither the output nor
 * the error file), or {@code malformed} for an answer line that cannot be read.
 *
 * @since 0.1.0
 */
public class LlmBatchItemException extends LlmClientException {

	private static final long serialVersionUID = 1L;

	/** The code of a request whose completion window passed. */
	public static final String EXPIRED = "expired";

	/** The code of a request of a cancelled job that was not answered. */
	public static final String CANCELLED = "cancelled";

	/** The code of a request in neither the output nor the error file. */
	public static final String MISSING = "missing";

	/** The code of a request whose line in the output file cannot be read. */
	public static final String MALFORMED = "malformed";

	private final Integer status;

	private final String type;

	private final String code;

	/**
	 * Creates an exception.
	 * @param message the provider's message, or the client's
	 * @param status the HTTP status of the request's answer, or {@code null} when it had
	 * none
	 * @param type the provider's error type, or {@code null}
	 * @param code the provider's error code, or the client's ({@link #EXPIRED},
	 * {@link #CANCELLED}, {@link #MISSING}), or {@code null}
	 */
	public LlmBatchItemException(String message, Integer status, String type, String code) {
		super(message);
		this.status = status;
		this.type = type;
		this.code = code;
	}

	/**
	 * Returns the HTTP status the provider answered the request with.
	 * @return the status, or {@code null} when it had none
	 */
	public Integer status() {
		return this.status;
	}

	/**
	 * Returns the provider's error type.
	 * @return the type, or {@code null}
	 */
	public String type() {
		return this.type;
	}

	/**
	 * Returns the provider's error code, or the client's for a request left unanswered.
	 * @return the code, or {@code null}
	 */
	public String code() {
		return this.code;
	}

	@Override
	public String errorType() {
		return "batch_item";
	}

	@Override
	public Origin origin() {
		return (this.status != null && this.status >= 500) ? Origin.SERVER : Origin.REQUEST;
	}

}
