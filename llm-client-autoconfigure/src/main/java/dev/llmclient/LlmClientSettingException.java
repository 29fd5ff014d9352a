package dev.llmclient;

/**
 * A client setting is missing or has an invalid value. The setting is named by its
 * property path relative to the prefix, as under {@code llm.client.} in a Spring Boot
 * application; the auto-configuration turns the exception into a start-up failure that
 * names the full property.
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
	 * @param setting the property path of the setting, in kebab case, such as
	 * {@code max-concurrent} or {@code retry.max-attempts}
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
	 * Returns the setting that is invalid, as a property path relative to the prefix.
	 * @return the path, such as {@code max-concurrent}, {@code retry.max-attempts} or
	 * {@code health.probe.ttl}
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
