package dev.llmclient.internal.call;

import dev.llmclient.Usage;
import dev.llmclient.traffic.RateBudget;

/**
 * What one attempt took from the budgets of the endpoint it went to
 * ({@code endpoints[i].rate-limit.*}): given back when its request never reached a
 * connection, its token estimate settled with the usage the server reported, as the
 * client-wide budgets are for the whole call.
 */
public final class AttemptBudgets {

	/** {@code null} without a request budget. */
	private final RateBudget requests;

	/** {@code null} without a token budget. */
	private final RateBudget tokens;

	private final long tokensTaken;

	/**
	 * Records what an attempt took.
	 * @param requests the endpoint's request budget, one request taken, or {@code null}
	 * @param tokens the endpoint's token budget, or {@code null}
	 * @param tokensTaken the tokens taken from it
	 */
	public AttemptBudgets(RateBudget requests, RateBudget tokens, long tokensTaken) {
		this.requests = requests;
		this.tokens = tokens;
		this.tokensTaken = tokensTaken;
	}

	/** Gives back what the attempt took: its request was never sent. */
	public void giveBack() {
		if (this.requests != null) {
			this.requests.refund(1);
		}
		if (this.tokens != null && this.tokensTaken > 0) {
			this.tokens.refund(this.tokensTaken);
		}
	}

	/**
	 * Settles the token estimate with what the server reported the attempt used.
	 * @param usage the usage, or {@code null} when the server sent none
	 */
	void settle(Usage usage) {
		if (this.tokens != null && this.tokensTaken > 0) {
			TokenSettlement.settle(this.tokens, this.tokensTaken, usage);
		}
	}

}
