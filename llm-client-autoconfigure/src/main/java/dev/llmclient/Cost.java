package dev.llmclient;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * What one or several calls cost, priced from their reported usage with the prices the
 * application configured ({@code pricing.*}): an amount in the configured currency.
 * <p>
 * The amount is exact ({@link BigDecimal}, not rounded to cents): a call of a small model
 * costs fractions of a cent, and the sum of many stays exact. It is kept without trailing
 * zeros, so costs of the same amount are equal whatever scale they were computed at.
 *
 * @param amount the amount, zero or more
 * @param currency the currency the prices are in, such as {@code USD}
 * @since 0.1.0
 * @see PricingSettings
 */
public record Cost(BigDecimal amount, String currency) {

	/**
	 * Checks the values and drops the amount's trailing zeros.
	 * @throws IllegalArgumentException when either is missing or the amount is negative
	 */
	public Cost {
		Objects.requireNonNull(amount, "amount");
		Objects.requireNonNull(currency, "currency");
		if (amount.signum() < 0) {
			throw new IllegalArgumentException("A cost cannot be negative, but was " + amount);
		}
		amount = amount.stripTrailingZeros();
		if (amount.scale() < 0) {
			amount = amount.setScale(0);
		}
	}

	/**
	 * Returns this cost added to another, as the cost of several calls.
	 * @param other the other cost, or {@code null} for none (this cost is returned)
	 * @return the sum
	 * @throws IllegalArgumentException when the currencies differ
	 */
	public Cost plus(Cost other) {
		if (other == null) {
			return this;
		}
		if (!this.currency.equals(other.currency)) {
			throw new IllegalArgumentException(
					"Cannot add a cost in " + other.currency + " to one in " + this.currency);
		}
		return new Cost(this.amount.add(other.amount), this.currency);
	}

	/**
	 * Returns the cost of several calls: calls without a cost (failed, unpriced, or
	 * answered without usage) count for nothing.
	 * @param costs the calls' costs, any of them {@code null}
	 * @return the sum, or {@code null} when no call has a cost
	 */
	public static Cost sum(Iterable<Cost> costs) {
		Cost sum = null;
		for (Cost cost : costs) {
			if (cost != null) {
				sum = (sum != null) ? sum.plus(cost) : cost;
			}
		}
		return sum;
	}

	@Override
	public String toString() {
		return this.amount.toPlainString() + " " + this.currency;
	}

}
