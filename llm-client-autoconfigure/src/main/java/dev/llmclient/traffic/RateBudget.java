package dev.llmclient.traffic;

import java.time.Duration;

/**
 * A budget of requests or tokens per period, such as a provider's 500 requests per
 * minute: a call takes what it needs before it is sent, waiting for the budget to refill
 * rather than being sent to be refused. The client builds one per configured
 * {@code rate-limit.*} setting with {@link #perPeriod}; {@code LlmClientBuilder} may wrap
 * or replace it, for example with a bucket shared by several application instances.
 * <p>
 * Units taken for a call are an estimate (for tokens: the prompt and {@code max_tokens});
 * once the server reports what the call used, the client settles the difference with
 * {@link #charge} or {@link #refund}. Implementations are thread-safe.
 *
 * @since 0.1.0
 */
public interface RateBudget {

	/**
	 * Takes {@code amount} units, waiting at most {@code wait} for them; takes nothing
	 * when they would come later.
	 * @param amount the units a call needs, at least 1
	 * @param wait the longest wait, zero or positive
	 * @return whether the units were taken
	 * @throws InterruptedException when the waiting thread is interrupted; units reserved
	 * for the wait are given back first
	 */
	boolean tryTake(long amount, Duration wait) throws InterruptedException;

	/**
	 * Takes units without waiting, even below zero, so that later calls wait longer: a
	 * retry is another request, and a call may use more tokens than estimated.
	 * @param amount the units used, at least 1
	 */
	void charge(long amount);

	/**
	 * Gives back units taken but not used, such as tokens estimated above what the server
	 * reported.
	 * @param amount the units to give back, at least 1
	 */
	void refund(long amount);

	/**
	 * Returns the units that could be taken now without waiting.
	 * @return the units available, negative while in debt
	 */
	long available();

	/**
	 * Returns the budget of units per period, as configured.
	 * @return the units per period
	 */
	long limit();

	/**
	 * Returns the property that sets this budget's limit, as messages name it (such as
	 * {@code llm.client.cluster.requests-per-minute}), so that a call the budget refuses
	 * names the setting to raise.
	 * @return the property, or {@code null} for the client's own
	 * {@code rate-limit.requests-per-minute} or {@code rate-limit.tokens-per-minute}
	 * @since 0.1.0
	 */
	default String property() {
		return null;
	}

	/**
	 * Creates a budget of {@code limit} units per {@code period} in this JVM, on a
	 * Bucket4j token bucket. It never lets more than {@code limit} units through in any
	 * window of {@code period}, wherever the window starts: it holds a burst of one
	 * sixtieth of the limit (at least one unit) and refills the rest evenly over the
	 * period. A call needing more than the burst takes the burst and owes the rest.
	 * @param limit units per period, at least 1
	 * @param period the period, such as one minute
	 * @return the budget
	 * @throws IllegalArgumentException when {@code limit} is below 1 or {@code period} is
	 * not positive
	 */
	static RateBudget perPeriod(long limit, Duration period) {
		return new BucketRateBudget(limit, period);
	}

	/**
	 * Creates a budget of {@code limit} units per fixed window of {@code period} in this
	 * JVM, windows aligned to the epoch (whole UTC days for one day, whole hours for one
	 * hour), as a spend cap per day counts: unlike {@link #perPeriod}, all of the limit
	 * may be taken at once, and a call that does not fit never waits (the window ends too
	 * late for any wait). Units charged above the limit stay owed until the window ends.
	 * @param limit units per window, at least 1
	 * @param period the length of a window, such as one day
	 * @return the budget
	 * @throws IllegalArgumentException when {@code limit} is below 1 or {@code period} is
	 * shorter than a millisecond
	 * @since 0.1.0
	 */
	static RateBudget perWindow(long limit, Duration period) {
		return new WindowRateBudget(limit, period, System::currentTimeMillis);
	}

}
