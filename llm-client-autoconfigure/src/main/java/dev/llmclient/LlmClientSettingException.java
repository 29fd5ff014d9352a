package dev.llmclient;

/**
 * A client setting is missing or has an invalid value. The auto-configuration turns it
 * into a start-up failure that names the {@code llm.client.*} property.
 *
 * @since 0.1.0
 */
public class LlmClientSettingException extends IllegalArgumentException {

	private static final long serialVersionUID = 1L;

	private final String setting;

	private final transient Object value;

	private final String reason;

	/**
	 * Creates an exception.
	 * @param setting the builder setting, such as {@code maxConcurrent} or
	 * {@code retry.maxAttempts}
	 * @param value the rejected value, or {@code null} when it is missing
	 * @param reason what a valid value looks like
	 */
	public LlmClientSettingException(String setting, Object value, String reason) {
		super("Invalid " + setting + " '" + value + "': " + reason);
		this.setting = setting;
		this.value = value;
		this.reason = reason;
	}

	/**
	 * Returns the builder setting that is invalid.
	 * @return the setting's name, such as {@code maxConcurrent}
	 */
	public String setting() {
		return this.setting;
	}

	/**
	 * Returns the rejected value.
	 * @return the value, or {@code null} when it is missing
	 */
	public Object value() {
		return this.value;
	}

	/**
	 * Returns what a valid value looks like.
	 * @return the reason the value was rejected
	 */
	public String reason() {
		return this.reason;
	}

}
