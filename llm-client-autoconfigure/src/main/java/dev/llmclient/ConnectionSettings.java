package dev.llmclient;

import java.time.Duration;

import static dev.llmclient.SettingChecks.positive;

/**
 * Timeouts and limits of one connection.
 * <p>
 * Part of {@link LlmClientSettings}; changed through {@link LlmClientBuilder#connection}.
 *
 * @param connectTimeout TCP and TLS connect timeout ({@code connect-timeout})
 * @param readTimeout silence allowed on a connection before the first byte and between
 * chunks ({@code read-timeout})
 * @param maxResponseSize largest response body read, in bytes ({@code max-response-size})
 * @param validateAfterInactivity idle time after which a pooled connection is checked
 * before reuse ({@code validate-after-inactivity})
 * @since 0.1.0
 */
public record ConnectionSettings(Duration connectTimeout, Duration readTimeout, long maxResponseSize,
		Duration validateAfterInactivity) {

	/**
	 * The defaults: 5s to connect, 120s of silence, 4 MB of response, idle connections
	 * checked after 1s (servers such as llama.cpp close idle keep-alive connections after
	 * a few seconds; a check costs far less than a failed call).
	 */
	public static final ConnectionSettings DEFAULTS = new ConnectionSettings(Duration.ofSeconds(5),
			Duration.ofSeconds(120), 4L * 1024 * 1024, Duration.ofSeconds(1));

	/**
	 * Checks every value.
	 * @throws LlmClientSettingException naming the invalid setting
	 */
	public ConnectionSettings {
		positive("connect-timeout", connectTimeout);
		positive("read-timeout", readTimeout);
		if (maxResponseSize < 1) {
			throw new LlmClientSettingException("max-response-size", maxResponseSize,
					"must be at least 1 byte, e.g. 4MB");
		}
		positive("validate-after-inactivity", validateAfterInactivity);
	}

	/**
	 * Returns a copy with another connect timeout.
	 * @param connectTimeout a positive duration
	 * @return the copy
	 */
	public ConnectionSettings withConnectTimeout(Duration connectTimeout) {
		return new ConnectionSettings(connectTimeout, this.readTimeout, this.maxResponseSize,
				this.validateAfterInactivity);
	}

	/**
	 * Returns a copy with another read timeout (generation is slow: keep it generous).
	 * @param readTimeout a positive duration
	 * @return the copy
	 */
	public ConnectionSettings withReadTimeout(Duration readTimeout) {
		return new ConnectionSettings(this.connectTimeout, readTimeout, this.maxResponseSize,
				this.validateAfterInactivity);
	}

	/**
	 * Returns a copy with another largest response size; a larger body fails the call
	 * without being held in memory.
	 * @param maxResponseSize at least 1 byte
	 * @return the copy
	 */
	public ConnectionSettings withMaxResponseSize(long maxResponseSize) {
		return new ConnectionSettings(this.connectTimeout, this.readTimeout, maxResponseSize,
				this.validateAfterInactivity);
	}

	/**
	 * Returns a copy that checks a pooled connection before reuse after another idle
	 * time.
	 * @param validateAfterInactivity a positive duration
	 * @return the copy
	 */
	public ConnectionSettings withValidateAfterInactivity(Duration validateAfterInactivity) {
		return new ConnectionSettings(this.connectTimeout, this.readTimeout, this.maxResponseSize,
				validateAfterInactivity);
	}

}
