package dev.llmclient.internal.routing;

import java.time.Duration;

import dev.llmclient.internal.call.AttemptBudgets;
import dev.llmclient.traffic.RateBudget;

/**
 * One endpoint's own budgets ({@code endpoints[i].rate-limit.*}): each attempt routed to
 * it takes a request and the call's token estimate, without waiting; an endpoint whose
 * budget has no room now is skipped, and the call goes to another or waits for the
 * soonest refill.
 */
final class EndpointBudgets {

	/** An endpoint without budgets of its own. */
	static final EndpointBudgets NONE = new EndpointBudgets(null, null, null, null);

	private static final long MINUTE_NANOS = Duration.ofMinutes(1).toNanos();

	/** {@code null} without a request budget. */
	private final RateBudget requests;

	/** {@code null} without a token budget. */
	private final RateBudget tokens;

	private final String requestsProperty;

	private final String tokensProperty;

	/**
	 * Creates an endpoint's budgets, each built by {@link RateBudget#perPeriod} over a
	 * minute.
	 * @param requests its request budget, or {@code null}
	 * @param tokens its token budget, or {@code null}
	 * @param requestsProperty the request budget's property, as messages name it
	 * @param tokensProperty the token budget's property, as messages name it
	 */
	EndpointBudgets(RateBudget requests, RateBudget tokens, String requestsProperty, String tokensProperty) {
		this.requests = requests;
		this.tokens = tokens;
		this.requestsProperty = requestsProperty;
		this.tokensProperty = tokensProperty;
	}

	/** Whether there are none: attempts then take nothing and allocate nothing. */
	boolean isNone() {
		return this.requests == null && this.tokens == null;
	}

	/**
	 * Nanoseconds until both budgets have room for an attempt needing {@code tokens}: 0
	 * when they have now.
	 */
	long nanosUntilRoom(long tokens) {
		return Math.max(nanosUntilRoom(this.requests, 1), nanosUntilRoom(this.tokens, tokens));
	}

	/**
	 * A budget of {@link RateBudget#perPeriod} holds a burst of a sixtieth of its limit
	 * and lets a take of more owe the rest, so a take needs at most that burst now; the
	 * rest refills at the limit less the burst per minute.
	 */
	private static long nanosUntilRoom(RateBudget budget, long amount) {
		if (budget == null) {
			return 0;
		}
		long burst = Math.max(1, budget.limit() / 60);
		long missing = Math.min(Math.max(1, amount), burst) - budget.available();
		if (missing <= 0) {
			return 0;
		}
		long refillPerMinute = Math.max(1, budget.limit() - burst);
		return Math.max(1, (long) ((double) missing * MINUTE_NANOS / refillPerMinute));
	}

	/**
	 * Takes a request and {@code tokens} now, or nothing.
	 * @return whether they were taken
	 */
	boolean tryTake(long tokens) {
		if (this.requests != null && !takeNow(this.requests, 1)) {
			return false;
		}
		if (this.tokens != null && tokens > 0 && !takeNow(this.tokens, tokens)) {
			if (this.requests != null) {
				this.requests.refund(1);
			}
			return false;
		}
		return true;
	}

	private static boolean takeNow(RateBudget budget, long amount) {
		try {
			return budget.tryTake(amount, Duration.ZERO);
		}
		catch (InterruptedException ex) {
			// a take of no wait does not wait: keep the flag for the caller to see
			Thread.currentThread().interrupt();
			return false;
		}
	}

	/**
	 * What an attempt took, for the call to give back or settle.
	 * @return the attempt's budgets, or {@code null} when there are none
	 */
	AttemptBudgets taken(long tokens) {
		return isNone() ? null : new AttemptBudgets(this.requests, (tokens > 0) ? this.tokens : null, tokens);
	}

	/** Requests that could be taken now, or {@code null} without a request budget. */
	Long requestsAvailable() {
		return (this.requests != null) ? this.requests.available() : null;
	}

	/** Tokens that could be taken now, or {@code null} without a token budget. */
	Long tokensAvailable() {
		return (this.tokens != null) ? this.tokens.available() : null;
	}

	/**
	 * Why an attempt needing {@code tokens} finds no room now, naming the budget's
	 * property; {@code null} when it finds room.
	 */
	String shortage(long tokens) {
		if (nanosUntilRoom(this.requests, 1) > 0) {
			return "requests budget spent (" + this.requestsProperty + "=" + this.requests.limit() + ")";
		}
		if (nanosUntilRoom(this.tokens, tokens) > 0) {
			return "tokens budget spent (" + this.tokensProperty + "=" + this.tokens.limit() + ")";
		}
		return null;
	}

}
