package dev.llmclient.internal.call;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.function.Consumer;

import dev.llmclient.Cost;
import dev.llmclient.LlmClientSettings;
import dev.llmclient.LlmRateLimitedException;
import dev.llmclient.traffic.RateBudget;

/**
 * The spend budgets of a client ({@code budget.cost-per-day},
 * {@code budget.cost-per-hour}) as two {@link RateBudget}s counting billionths of the
 * currency: a call's estimated cost is taken from both before it is sent, without
 * waiting, and settled to its real cost once the server reports its usage, as
 * {@link TokenSettlement} settles tokens.
 */
public final class SpendBudgets {

	/** Costs are counted in billionths of the currency, rounded up. */
	private static final int SCALE = 9;

	/** {@code null} without a daily cap. */
	private final RateBudget daily;

	/** {@code null} without an hourly cap. */
	private final RateBudget hourly;

	private final LlmClientSettings settings;

	/**
	 * @param daily the daily budget, or {@code null}
	 * @param hourly the hourly budget, or {@code null}
	 * @param settings the client's settings: the caps and the currency, as messages show
	 * them
	 */
	public SpendBudgets(RateBudget daily, RateBudget hourly, LlmClientSettings settings) {
		this.daily = daily;
		this.hourly = hourly;
		this.settings = settings;
	}

	/**
	 * Returns the local budget of a cap, or {@code null} when it is not set.
	 * @param cost the cap, or {@code null}
	 * @param period one day or one hour
	 * @return the budget
	 */
	public static RateBudget budget(BigDecimal cost, Duration period) {
		return (cost != null) ? RateBudget.perWindow(units(cost), period) : null;
	}

	boolean isSet() {
		return this.daily != null || this.hourly != null;
	}

	/**
	 * Takes a call's estimated cost from both budgets, or neither.
	 * @param estimate the most the call may cost, or {@code null} when its model is not
	 * priced (it is then not counted)
	 * @param inFlight calls in flight, for the failure
	 * @return the units taken, 0 when none
	 * @throws LlmRateLimitedException naming the cap that has no room for the estimate
	 */
	long take(BigDecimal estimate, int inFlight) throws InterruptedException {
		if (estimate == null || !isSet()) {
			return 0;
		}
		long units = Math.max(1, units(estimate));
		if (this.daily != null && !this.daily.tryTake(units, Duration.ZERO)) {
			throw spent(this.daily, "budget.cost-per-day", this.settings.budget().costPerDay(), "UTC day", estimate,
					inFlight);
		}
		if (this.hourly != null && !this.hourly.tryTake(units, Duration.ZERO)) {
			if (this.daily != null) {
				this.daily.refund(units);
			}
			throw spent(this.hourly, "budget.cost-per-hour", this.settings.budget().costPerHour(), "hour", estimate,
					inFlight);
		}
		return units;
	}

	/**
	 * Settles what a call took with its real cost.
	 * @param taken the units taken, more than 0
	 * @param cost the call's cost, or {@code null} when the server reported no usage (the
	 * estimate then stays spent)
	 */
	void settle(long taken, Cost cost) {
		if (cost == null) {
			return;
		}
		long difference = units(cost.amount()) - taken;
		if (difference > 0) {
			each((budget) -> budget.charge(difference));
		}
		else if (difference < 0) {
			each((budget) -> budget.refund(-difference));
		}
	}

	/**
	 * Gives back what a call that was never sent took.
	 * @param taken the units taken, more than 0
	 */
	void refund(long taken) {
		each((budget) -> budget.refund(taken));
	}

	private void each(Consumer<RateBudget> change) {
		if (this.daily != null) {
			change.accept(this.daily);
		}
		if (this.hourly != null) {
			change.accept(this.hourly);
		}
	}

	private LlmRateLimitedException spent(RateBudget budget, String setting, BigDecimal cap, String window,
			BigDecimal estimate, int inFlight) {
		String property = (budget.property() != null) ? budget.property() : this.settings.property(setting);
		String currency = this.settings.pricing().currency();
		BigDecimal left = BigDecimal.valueOf(Math.max(0, budget.available()), SCALE).stripTrailingZeros();
		return new LlmRateLimitedException("LLM call not sent: the spend budget " + property + "=" + cap.toPlainString()
				+ " " + currency + " has " + left.toPlainString() + " " + currency + " left until the " + window
				+ " ends, less than the call's estimated cost of " + estimate.stripTrailingZeros().toPlainString() + " "
				+ currency + " (its prompt priced as input and its max_tokens, or "
				+ this.settings.property("rate-limit.estimated-output-tokens") + ", as output). Raise " + property
				+ ", or set a smaller max_tokens on the request.", LlmRateLimitedException.Budget.SPEND, property, null,
				inFlight, this.settings.limits().maxConcurrent(), this.settings.limits().maxWait());
	}

	/** Billionths of the currency, rounded up. */
	static long units(BigDecimal cost) {
		return cost.movePointRight(SCALE).setScale(0, RoundingMode.CEILING).longValueExact();
	}

	/** What health and tests read: the units left in a budget, as an amount. */
	static BigDecimal amount(long units) {
		return BigDecimal.valueOf(units, SCALE).stripTrailingZeros();
	}

	/**
	 * Returns what is left of the daily cap.
	 * @return the amount, or {@code null} without a daily cap
	 */
	public BigDecimal dailyLeft() {
		return (this.daily != null) ? amount(this.daily.available()) : null;
	}

	/**
	 * Returns what is left of the hourly cap.
	 * @return the amount, or {@code null} without an hourly cap
	 */
	public BigDecimal hourlyLeft() {
		return (this.hourly != null) ? amount(this.hourly.available()) : null;
	}

}
