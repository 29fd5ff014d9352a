package dev.llmclient;

import static dev.llmclient.SettingChecks.atLeastOne;

/**
 * Whether the client finds the server's concurrency limit by itself: the limit of calls
 * in flight then moves between {@code min-concurrent} and {@code max-concurrent}, growing
 * while the server answers and shrinking by {@code backoff-ratio} when it refuses (429,
 * 503) or times out (AIMD).
 * <p>
 * Part of {@link LlmClientSettings}; changed through {@link LlmClientBuilder#adaptive}.
 *
 * @param enabled whether the limit adapts; otherwise it stays at {@code max-concurrent}
 * ({@code adaptive.enabled})
 * @param minConcurrent lowest limit, where the adaptive limit also starts
 * ({@code adaptive.min-concurrent})
 * @param backoffRatio factor applied to the limit when the server refuses, from 0.5 to 1
 * exclusive ({@code adaptive.backoff-ratio})
 * @since 0.1.0
 */
public record AdaptiveSettings(boolean enabled, int minConcurrent, double backoffRatio) {

	/** The defaults: off; when on, from 1 call upwards, shrinking by 10% a time. */
	public static final AdaptiveSettings DEFAULTS = new AdaptiveSettings(false, 1, 0.9);

	/**
	 * Checks every value; the upper bound of {@code min-concurrent} is checked by
	 * {@link LlmClientSettings}.
	 * @throws LlmClientSettingException naming the invalid setting
	 */
	public AdaptiveSettings {
		atLeastOne("adaptive.min-concurrent", minConcurrent);
		if (!(backoffRatio >= 0.5 && backoffRatio < 1)) {
			throw new LlmClientSettingException("adaptive.backoff-ratio", backoffRatio,
					"must be at least 0.5 and below 1, e.g. 0.9");
		}
	}

	/**
	 * Returns a copy that adapts the limit, or keeps it at {@code max-concurrent}.
	 * @param enabled {@code true} to adapt
	 * @return the copy
	 */
	public AdaptiveSettings withEnabled(boolean enabled) {
		return new AdaptiveSettings(enabled, this.minConcurrent, this.backoffRatio);
	}

	/**
	 * Returns a copy with another lowest (and starting) limit.
	 * @param minConcurrent from 1 to {@code max-concurrent}
	 * @return the copy
	 */
	public AdaptiveSettings withMinConcurrent(int minConcurrent) {
		return new AdaptiveSettings(this.enabled, minConcurrent, this.backoffRatio);
	}

	/**
	 * Returns a copy that shrinks the limit by another factor when the server refuses.
	 * @param backoffRatio at least 0.5 and below 1
	 * @return the copy
	 */
	public AdaptiveSettings withBackoffRatio(double backoffRatio) {
		return new AdaptiveSettings(this.enabled, this.minConcurrent, backoffRatio);
	}

}
