package dev.llmclient;

import dev.llmclient.internal.json.StructuredJson;

/**
 * The model answered, but not with what was asked for: a structured answer that is not
 * JSON, lacks a required field or does not fit the record it should fill, a refusal in
 * place of a structured answer, or tool-call arguments that are not JSON. It carries the
 * raw text, so nothing the model said is lost. Its {@link #errorType()} is
 * {@code structured_output}; it is not retried (a repair attempt is a setting:
 * {@code chat.structured-output-repair}).
 *
 * @since 0.1.0
 */
public class LlmStructuredOutputException extends LlmClientException {

	private static final long serialVersionUID = 1L;

	private final String rawText;

	private final String refusal;

	/**
	 * Creates an exception.
	 * @param message what is wrong with the answer
	 * @param rawText the text the model sent, or {@code null} when it sent none
	 * @param refusal the model's refusal, or {@code null} when it did not refuse
	 * @param cause the parse failure, or {@code null}
	 */
	public LlmStructuredOutputException(String message, String rawText, String refusal, Throwable cause) {
		super(message, cause);
		this.rawText = rawText;
		this.refusal = refusal;
	}

	/** The exception for JSON text that did not fit what was expected. */
	static LlmStructuredOutputException of(StructuredJson.Mismatch mismatch) {
		return new LlmStructuredOutputException(mismatch.getMessage(), mismatch.rawText(), null, mismatch.getCause());
	}

	/**
	 * Returns the text the model sent, as it was.
	 * @return the raw text, or {@code null} when it sent none
	 */
	public String rawText() {
		return this.rawText;
	}

	/**
	 * Returns the model's refusal, when it refused to answer in the requested format.
	 * @return the refusal, or {@code null}
	 */
	public String refusal() {
		return this.refusal;
	}

	/**
	 * Returns {@code structured_output}.
	 * @return {@code structured_output}
	 */
	@Override
	public String errorType() {
		return "structured_output";
	}

	/**
	 * Returns {@link Origin#SERVER}: the model's answer does not fit.
	 * @return {@link Origin#SERVER}
	 */
	@Override
	public Origin origin() {
		return Origin.SERVER;
	}

}
