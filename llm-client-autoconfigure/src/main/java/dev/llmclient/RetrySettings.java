package dev.llmclient;

import java.time.Duration;

import static dev.llmclient.SettingChecks.atLeastOne;
import static dev.llmclient.SettingChecks.positive;
import static dev.llmclient.SettingChecks.zeroOrPositive;

/**
 * When and how failed calls are retried: connection failures, 408, 409, 429, 5xx and
 * answers carrying {@code x-should-retry: true}; never other 4xx.
 * <p>
 * Part of {@link LlmClientSettings}; changed through {@link LlmClientBuilder#retry}.
 *
 * @param enabled whether failed calls are retried at all ({@code retry.enabled})
 * @param maxAttempts attempts per call, the first included ({@code retry.max-attempts})
 * @param initialBackoff wait before the first retry ({@code retry.initial-backoff})
 * @param maxBackoff longest computed wait between attempts, not below the initial backoff
 * ({@code retry.max-backoff})
 * @param multiplier factor applied to the wait after each retry
 * ({@code retry.multiplier})
 * @param jitter fraction of each wait drawn at random, from 0 to 1 ({@code retry.jitter})
 * @param maxRetryAfter longest server-requested wait ({@code Retry-After}) the client
 * honours ({@code retry.max-retry-after})
 * @since 0.1.0
 */
public record RetrySettings(boolean enabled, int maxAttempts, Duration initialBackoff, Duration maxBackoff,
		double multiplier, double jitter, Duration maxRetryAfter) {

	/**
	 * The defaults: 3 attempts, 500ms doubling up to 8s with 25% jitter, server waits up
	 * to 60s honoured.
	 */
	public static final RetrySettings DEFAULTS = new RetrySettings(true, 3, Duration.ofMillis(500),
			Duration.ofSeconds(8), 2.0, 0.25, Duration.ofSeconds(60));

	/**
	 * Checks every value.
	 * @throws LlmClientSettingException naming the invalid setting
	 */
	public RetrySettings {
		atLeastOne("retry.max-attempts", maxAttempts);
		positive("retry.initial-backoff", initialBackoff);
		positive("retry.max-backoff", maxBackoff);
		if (!(multiplier >= 1)) {
			throw new LlmClientSettingException("retry.multiplier", multiplier, "must be 1 or more, e.g. 2");
		}
		if (!(jitter >= 0 && jitter <= 1)) {
			throw new LlmClientSettingException("retry.jitter", jitter, "must be from 0 to 1, e.g. 0.25");
		}
		zeroOrPositive("retry.max-retry-after", maxRetryAfter, "60s");
	}

	/**
	 * Returns a copy that retries or not.
	 * @param enabled {@code false} to make every call a single attempt
	 * @return the copy
	 */
	public RetrySettings withEnabled(boolean enabled) {
		return new RetrySettings(enabled, this.maxAttempts, this.initialBackoff, this.maxBackoff, this.multiplier,
				this.jitter, this.maxRetryAfter);
	}

	/**
	 * Returns a copy with another number of attempts per call.
	 * @param maxAttempts at least 1, the first attempt included
	 * @return the copy
	 */
	public RetrySettings withMaxAttempts(int maxAttempts) {
		return new RetrySettings(this.enabled, maxAttempts, this.initialBackoff, this.maxBackoff, this.multiplier,
				this.jitter, this.maxRetryAfter);
	}

	/**
	 * Returns a copy with another wait before the first retry.
	 * @param initialBackoff a positive duration
	 * @return the copy
	 */
	public RetrySettings withInitialBackoff(Duration initialBackoff) {
		return new RetrySettings(this.enabled, this.maxAttempts, initialBackoff, this.maxBackoff, this.multiplier,
				this.jitter, this.maxRetryAfter);
	}

	/**
	 * Returns a copy with another longest computed wait.
	 * @param maxBackoff a positive duration, not below the initial backoff
	 * @return the copy
	 */
	public RetrySettings withMaxBackoff(Duration maxBackoff) {
		return new RetrySettings(this.enabled, this.maxAttempts, this.initialBackoff, maxBackoff, this.multiplier,
				this.jitter, this.maxRetryAfter);
	}

	/**
	 * Returns a copy with another growth factor of the wait.
	 * @param multiplier at least 1
	 * @return the copy
	 */
	public RetrySettings withMultiplier(double multiplier) {
		return new RetrySettings(this.enabled, this.maxAttempts, this.initialBackoff, this.maxBackoff, multiplier,
				this.jitter, this.maxRetryAfter);
	}

	/**
	 * Returns a copy with another random fraction of each wait (0.25 turns a 1s wait into
	 * 0.75s to 1.25s), so clients that failed together do not retry together.
	 * @param jitter from 0 to 1
	 * @return the copy
	 */
	public RetrySettings withJitter(double jitter) {
		return new RetrySettings(this.enabled, this.maxAttempts, this.initialBackoff, this.maxBackoff, this.multiplier,
				jitter, this.maxRetryAfter);
	}

	/**
	 * Returns a copy with another longest wait accepted from a server's
	 * {@code Retry-After} or {@code retry-after-ms}; a longer one fails the call at once.
	 * @param maxRetryAfter zero or a positive duration
	 * @return the copy
	 */
	public RetrySettings withMaxRetryAfter(Duration maxRetryAfter) {
		return new RetrySettings(this.enabled, this.maxAttempts, this.initialBackoff, this.maxBackoff, this.multiplier,
				this.jitter, maxRetryAfter);
	}

}
