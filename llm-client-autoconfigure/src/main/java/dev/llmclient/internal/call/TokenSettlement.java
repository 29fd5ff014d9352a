package dev.llmclient.internal.call;

import dev.llmclient.Usage;
import dev.llmclient.traffic.RateBudget;

/**
 * Settles a token budget's estimate with what the server reported a call used: the
 * difference is charged when it used more, refunded when it used less. The same rule for
 * the client-wide budget ({@link Admission}) and an endpoint's own
 * ({@link AttemptBudgets}).
 */
final class TokenSettlement {

	private TokenSettlement() {
	}

	/**
	 * @param tokens the budget the estimate was taken from
	 * @param estimated the tokens taken, greater than zero
	 * @param usage the usage, or {@code null} when the server sent none (the estimate
	 * then stays spent)
	 */
	static void settle(RateBudget tokens, long estimated, Usage usage) {
		if (usage == null) {
			return;
		}
		long difference = usage.totalTokens() - estimated;
		if (difference > 0) {
			tokens.charge(difference);
		}
		else if (difference < 0) {
			tokens.refund(-difference);
		}
	}

}
