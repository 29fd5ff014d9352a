package dev.llmclient;

import java.time.Duration;

import static dev.llmclient.SettingChecks.zeroOrPositive;

/**
 * When the client opens its connections, and how long closing it waits for calls in
 * flight.
 * <p>
 * Part of {@link LlmClientSettings}; changed through {@link LlmClientBuilder#lifecycle}.
 *
 * @param eagerInit whether connections are opened when the client starts rather than on
 * first use ({@code eager-init})
 * @param shutdownTimeout how long {@code close()} lets calls in flight finish before
 * cancelling them ({@code shutdown-timeout})
 * @since 0.1.0
 */
public record LifecycleSettings(boolean eagerInit, Duration shutdownTimeout) {

	/** The defaults: warm the pool at start, wait up to 30s on close. */
	public static final LifecycleSettings DEFAULTS = new LifecycleSettings(true, Duration.ofSeconds(30));

	/**
	 * Checks every value.
	 * @throws LlmClientSettingException naming the invalid setting
	 */
	public LifecycleSettings {
		zeroOrPositive("shutdown-timeout", shutdownTimeout, "30s");
	}

	/**
	 * Returns a copy that opens connections at start, or on the first call.
	 * @param eagerInit {@code true} to warm the pool at start
	 * @return the copy
	 */
	public LifecycleSettings withEagerInit(boolean eagerInit) {
		return new LifecycleSettings(eagerInit, this.shutdownTimeout);
	}

	/**
	 * Returns a copy with another wait for calls in flight on close.
	 * @param shutdownTimeout zero or a positive duration
	 * @return the copy
	 */
	public LifecycleSettings withShutdownTimeout(Duration shutdownTimeout) {
		return new LifecycleSettings(this.eagerInit, shutdownTimeout);
	}

}
