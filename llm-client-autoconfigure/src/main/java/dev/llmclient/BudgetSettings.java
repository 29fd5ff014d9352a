package dev.llmclient;

import java.math.BigDecimal;

/**
 * A cap on what a client may spend, in the currency of {@link PricingSettings}: per UTC
 * day ({@code budget.cost-per-day}) and per hour ({@code budget.cost-per-hour}). Before a
 * call is sent its most expensive outcome is reserved (its prompt, estimated as for
 * {@code rate-limit.tokens-per-minute}, priced as uncached input, and its
 * {@code max_tokens}, or {@code rate-limit.estimated-output-tokens}, priced as output);
 * once the server reports its usage, the reservation is settled to the real cost. A call
 * that does not fit in what is left is refused at once with an
 * {@link LlmRateLimitedException} naming the setting ({@code SPEND}): waiting for the
 * next day would outlast any {@code max-wait}. A new day or hour starts empty.
 * <p>
 * Only calls of priced models count: set {@code pricing.models.<model>.*} for every model
 * the client calls (at 0 for a self-hosted one). In cluster mode the budget is shared by
 * every instance through the same Redis.
 * <p>
 * Part of {@link LlmClientSettings}; changed through {@link LlmClientBuilder#budget}.
 *
 * @param costPerDay the most the client may spend per UTC day, or {@code null} for no cap
 * ({@code budget.cost-per-day})
 * @param costPerHour the most the client may spend per hour, or {@code null} for no cap
 * ({@code budget.cost-per-hour})
 * @since 0.1.0
 */
public record BudgetSettings(BigDecimal costPerDay, BigDecimal costPerHour) {

	/** The defaults: no cap. */
	public static final BudgetSettings DEFAULTS = new BudgetSettings(null, null);

	/**
	 * Checks every value.
	 * @throws LlmClientSettingException naming the invalid setting
	 */
	public BudgetSettings {
		positive("budget.cost-per-day", costPerDay);
		positive("budget.cost-per-hour", costPerHour);
	}

	private static void positive(String setting, BigDecimal cost) {
		if (cost != null && cost.signum() <= 0) {
			throw new LlmClientSettingException(setting, cost,
					"must be more than 0, or unset for no cap, e.g. 25.00 in the currency of pricing.currency");
		}
	}

	/**
	 * Returns whether a cap is set.
	 * @return {@code true} when {@code cost-per-day} or {@code cost-per-hour} is set
	 */
	public boolean isSet() {
		return this.costPerDay != null || this.costPerHour != null;
	}

	/**
	 * Returns a copy with another daily cap.
	 * @param costPerDay more than 0, or {@code null} for none
	 * @return the copy
	 */
	public BudgetSettings withCostPerDay(BigDecimal costPerDay) {
		return new BudgetSettings(costPerDay, this.costPerHour);
	}

	/**
	 * Returns a copy with another hourly cap.
	 * @param costPerHour more than 0, or {@code null} for none
	 * @return the copy
	 */
	public BudgetSettings withCostPerHour(BigDecimal costPerHour) {
		return new BudgetSettings(this.costPerDay, costPerHour);
	}

}
