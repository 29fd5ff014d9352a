package dev.llmclient;

import static dev.llmclient.SettingChecks.atLeastOne;

/**
 * Budgets of requests and tokens per minute, as providers such as OpenAI and Azure grant
 * them: a call waits for budget (within {@code max-wait}) instead of being sent to be
 * refused. Tokens are reserved from an estimate (prompt characters / 4 plus
 * {@code max_tokens}, or {@code estimated-output-tokens} when the request sets none) and
 * settled with the server's reported usage.
 * <p>
 * Part of {@link LlmClientSettings}; changed through {@link LlmClientBuilder#rateLimit}.
 *
 * @param requestsPerMinute requests allowed per minute, or {@code null} for no budget
 * ({@code rate-limit.requests-per-minute})
 * @param tokensPerMinute tokens allowed per minute, or {@code null} for no budget
 * ({@code rate-limit.tokens-per-minute})
 * @param estimatedOutputTokens output tokens reserved for a request that sets no
 * {@code max_tokens} ({@code rate-limit.estimated-output-tokens})
 * @since 0.1.0
 */
public record RateLimitSettings(Long requestsPerMinute, Long tokensPerMinute, int estimatedOutputTokens) {

	/** The defaults: no budgets; 1024 output tokens reserved when a budget is set. */
	public static final RateLimitSettings DEFAULTS = new RateLimitSettings(null, null, 1024);

	/**
	 * Checks every value.
	 * @throws LlmClientSettingException naming the invalid setting
	 */
	public RateLimitSettings {
		if (requestsPerMinute != null && requestsPerMinute < 1) {
			throw new LlmClientSettingException("rate-limit.requests-per-minute", requestsPerMinute,
					"must be at least 1, or unset for no budget");
		}
		if (tokensPerMinute != null && tokensPerMinute < 1) {
			throw new LlmClientSettingException("rate-limit.tokens-per-minute", tokensPerMinute,
					"must be at least 1, or unset for no budget");
		}
		atLeastOne("rate-limit.estimated-output-tokens", estimatedOutputTokens);
	}

	/**
	 * Returns a copy with another budget of requests.
	 * @param requestsPerMinute at least 1, or {@code null} for none
	 * @return the copy
	 */
	public RateLimitSettings withRequestsPerMinute(Long requestsPerMinute) {
		return new RateLimitSettings(requestsPerMinute, this.tokensPerMinute, this.estimatedOutputTokens);
	}

	/**
	 * Returns a copy with another budget of tokens.
	 * @param tokensPerMinute at least 1, or {@code null} for none
	 * @return the copy
	 */
	public RateLimitSettings withTokensPerMinute(Long tokensPerMinute) {
		return new RateLimitSettings(this.requestsPerMinute, tokensPerMinute, this.estimatedOutputTokens);
	}

	/**
	 * Returns a copy that reserves another number of output tokens for a request that
	 * sets no {@code max_tokens}.
	 * @param estimatedOutputTokens at least 1
	 * @return the copy
	 */
	public RateLimitSettings withEstimatedOutputTokens(int estimatedOutputTokens) {
		return new RateLimitSettings(this.requestsPerMinute, this.tokensPerMinute, estimatedOutputTokens);
	}

}
