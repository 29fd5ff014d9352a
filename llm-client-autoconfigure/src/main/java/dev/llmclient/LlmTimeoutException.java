package dev.llmclient;

import java.time.Duration;

/**
 * A call took longer than one of the client's timeouts allows.
 *
 * @since 0.1.0
 */
public class LlmTimeoutException extends LlmClientException {

	private static final long serialVersionUID = 1L;

	private final String timeoutName;

	private final Duration timeout;

	/**
	 * Creates an exception.
	 * @param message what happened and which setting to change
	 * @param timeoutName the setting that fired as messages name it, such as
	 * {@code llm.client.read-timeout} (see {@link LlmClientSettings#property(String)})
	 * @param timeout its value
	 * @param cause the underlying failure, or {@code null}
	 */
	public LlmTimeoutException(String message, String timeoutName, Duration timeout, Throwable cause) {
		super(message, cause);
		this.timeoutName = timeoutName;
		this.timeout = timeout;
	}

	/**
	 * Returns the setting of the timeout that fired, as messages name it: such as
	 * {@code llm.client.read-timeout} in a Spring Boot application, {@code read-timeout}
	 * in plain Java.
	 * @return the property name
	 */
	public String timeoutName() {
		return this.timeoutName;
	}

	/**
	 * Returns the value of the timeout that fired.
	 * @return the timeout
	 */
	public Duration timeout() {
		return this.timeout;
	}

}
