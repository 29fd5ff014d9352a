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
 * @param batchShare the fraction of the current limit batch-class calls may hold while
 * interactive calls wait, above 0 and at most 1 ({@code batch-share})
 * @param interactiveShare the fraction of the current limit interactive calls may hold
 * while batch calls wait, above 0 and at most 1 ({@code interactive-share}); the two
 * shares add up to at least 1, so that no permit is left unused
 * @since 0.1.0
 */
public record LimitsSettings(int maxConcurrent, Duration maxWait, Duration timeout, double batchShare,
		double interactiveShare) {

	/**
	 * The defaults: 10 calls in flight, 30s of waiting, no whole-call deadline, each
	 * request class at most three quarters of the limit while the other waits.
	 */
	public static final LimitsSettings DEFAULTS = new LimitsSettings(10, Duration.ofSeconds(30), null, 0.75, 0.75);

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
		share("batch-share", batchShare);
		share("interactive-share", interactiveShare);
		if (batchShare + interactiveShare < 1) {
			throw new LlmClientSettingException("batch-share", batchShare, "batch-share + interactive-share is "
					+ (batchShare + interactiveShare)
					+ ", below 1: permits would stay unused while both classes wait; raise either (defaults 0.75)");
		}
	}

	/**
	 * Creates the limits with the default request-class shares.
	 * @param maxConcurrent calls allowed in flight at once
	 * @param maxWait how long a call waits for a free slot
	 * @param timeout whole-call deadline, or {@code null}
	 */
	public LimitsSettings(int maxConcurrent, Duration maxWait, Duration timeout) {
		this(maxConcurrent, maxWait, timeout, 0.75, 0.75);
	}

	private static void share(String setting, double share) {
		if (!(share > 0 && share <= 1)) {
			throw new LlmClientSettingException(setting, share, "must be above 0 and at most 1, such as 0.75");
		}
	}

	/**
	 * Returns a copy with another client-wide limit of calls in flight.
	 * @param maxConcurrent at least 1
	 * @return the copy
	 */
	public LimitsSettings withMaxConcurrent(int maxConcurrent) {
		return new LimitsSettings(maxConcurrent, this.maxWait, this.timeout, this.batchShare, this.interactiveShare);
	}

	/**
	 * Returns a copy with another wait for a free slot.
	 * @param maxWait zero or a positive duration
	 * @return the copy
	 */
	public LimitsSettings withMaxWait(Duration maxWait) {
		return new LimitsSettings(this.maxConcurrent, maxWait, this.timeout, this.batchShare, this.interactiveShare);
	}

	/**
	 * Returns a copy with another whole-call deadline.
	 * @param timeout a positive duration, or {@code null} for none
	 * @return the copy
	 */
	public LimitsSettings withTimeout(Duration timeout) {
		return new LimitsSettings(this.maxConcurrent, this.maxWait, timeout, this.batchShare, this.interactiveShare);
	}

	/**
	 * Returns a copy with another share of the limit for batch calls while interactive
	 * calls wait.
	 * @param batchShare above 0 and at most 1
	 * @return the copy
	 */
	public LimitsSettings withBatchShare(double batchShare) {
		return new LimitsSettings(this.maxConcurrent, this.maxWait, this.timeout, batchShare, this.interactiveShare);
	}

	/**
	 * Returns a copy with another share of the limit for interactive calls while batch
	 * calls wait.
	 * @param interactiveShare above 0 and at most 1
	 * @return the copy
	 */
	public LimitsSettings withInteractiveShare(double interactiveShare) {
		return new LimitsSettings(this.maxConcurrent, this.maxWait, this.timeout, this.batchShare, interactiveShare);
	}

}
