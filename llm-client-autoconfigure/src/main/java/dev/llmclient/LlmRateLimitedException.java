package dev.llmclient;

import java.time.Duration;

/**
 * A call could not start because a rate budget was spent and would not refill within
 * {@code max-wait} (or the call's deadline): the client's own
 * {@code rate-limit.requests-per-minute} or {@code rate-limit.tokens-per-minute}, or the
 * server's, when it said so with {@code Retry-After} or {@code x-ratelimit-*} headers; or
 * the spend budget ({@code budget.cost-per-day}, {@code budget.cost-per-hour}) has no
 * room left for the call's estimated cost. Nothing was sent. A kind of
 * {@link LlmBulkheadFullException}, so code that handles a full client handles this too;
 * told apart by {@link #budget()} and its {@link #errorType()}, {@code rate_limited}.
 *
 * @since 0.1.0
 */
public class LlmRateLimitedException extends LlmBulkheadFullException {

	private static final long serialVersionUID = 1L;

	private final Budget budget;

	private final String property;

	private final Duration wouldWait;

	/**
	 * Creates an exception.
	 * @param message what was spent and which setting to change
	 * @param budget the budget that was spent
	 * @param property the setting of that budget as the user writes it, such as
	 * {@code llm.client.rate-limit.requests-per-minute}, or {@code null} for the server's
	 * @param wouldWait how long the call would have had to wait, or {@code null} when
	 * unknown
	 * @param inFlight calls in flight when the wait ended
	 * @param maxConcurrent the client-wide limit
	 * @param maxWait how long the call was allowed to wait
	 */
	public LlmRateLimitedException(String message, Budget budget, String property, Duration wouldWait, int inFlight,
			int maxConcurrent, Duration maxWait) {
		super(message, inFlight, maxConcurrent, maxWait);
		this.budget = budget;
		this.property = property;
		this.wouldWait = wouldWait;
	}

	/**
	 * Returns the budget that was spent.
	 * @return the budget
	 */
	public Budget budget() {
		return this.budget;
	}

	/**
	 * Returns the setting of the budget that was spent, such as
	 * {@code llm.client.rate-limit.tokens-per-minute}.
	 * @return the setting, or {@code null} when the server's budget was spent
	 */
	public String property() {
		return this.property;
	}

	/**
	 * Returns how long the call would have had to wait for the budget.
	 * @return the wait, or {@code null} when unknown
	 */
	public Duration wouldWait() {
		return this.wouldWait;
	}

	/**
	 * Returns {@code rate_limited}.
	 * @return {@code rate_limited}
	 */
	@Override
	public String errorType() {
		return "rate_limited";
	}

	/**
	 * The budgets a call waits for.
	 *
	 * @since 0.1.0
	 */
	public enum Budget {

		/** The client's requests per minute ({@code rate-limit.requests-per-minute}). */
		REQUESTS,

		/** The client's tokens per minute ({@code rate-limit.tokens-per-minute}). */
		TOKENS,

		/**
		 * The server's: it asked to wait ({@code Retry-After} on a 429) or said its
		 * budget is spent until a reset ({@code x-ratelimit-remaining-*} at zero).
		 */
		SERVER,

		/**
		 * The client's spend budget ({@code budget.cost-per-day} or
		 * {@code budget.cost-per-hour}): the call's estimated cost is more than is left
		 * of it until the day or hour ends.
		 */
		SPEND

	}

}
