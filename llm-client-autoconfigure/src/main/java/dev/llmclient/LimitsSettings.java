package dev.llmclient;

import java.time.Duration;

import static dev.llmclient.SettingChecks.atLeastOne;
import static dev.llmclient.SettingChecks.positive;
import static dev.llmclient.SettingChecks.zeroOrPositive;

/**
 * How many calls run at once, how long they wait for a slot, and how long a whole call
 * may take.
 * <p>
 * Part of {@link LlmClientSettings}; changed through {@link LlmClientBuilder#limits}.
 *
 * @param maxConcurrent calls allowed in flight at once, client-wide; the pool holds as
 * many connections ({@code max-concurrent})
 * @param maxWait how long a call waits for a free slot before failing ({@code max-wait})
 * @param timeout whole-call deadline, waiting and retries included, or {@code null} for
 * none ({@code timeout})
 * @since 0.1.0
 */
public record LimitsSettings(int maxConcurrent, Duration maxWait, Duration timeout) {

	/** The defaults: 10 calls in flight, 30s of waiting, no whole-call deadline. */
	public static final LimitsSettings DEFAULTS = new LimitsSettings(10, Duration.ofSeconds(30), null);

	/**
	 * Checks every value.
	 * @throws LlmClientSettingException naming the invalid setting
	 */
	public LimitsSettings {
		atLeastOne("max-concurrent", maxConcurrent);
		zeroOrPositive("max-wait", maxWait, "30s");
		if (timeout != null) {
			positive("timeout", timeout);
		}
	}

	/**
	 * Returns a copy with another client-wide limit of calls in flight.
	 * @param maxConcurrent at least 1
	 * @return the copy
	 */
	public LimitsSettings withMaxConcurrent(int maxConcurrent) {
		return new LimitsSettings(maxConcurrent, this.maxWait, this.timeout);
	}

	/**
	 * Returns a copy with another wait for a free slot.
	 * @param maxWait zero or a positive duration
	 * @return the copy
	 */
	public LimitsSettings withMaxWait(Duration maxWait) {
		return new LimitsSettings(this.maxConcurrent, maxWait, this.timeout);
	}

	/**
	 * Returns a copy with another whole-call deadline.
	 * @param timeout a positive duration, or {@code null} for none
	 * @return the copy
	 */
	public LimitsSettings withTimeout(Duration timeout) {
		return new LimitsSettings(this.maxConcurrent, this.maxWait, timeout);
	}

}
