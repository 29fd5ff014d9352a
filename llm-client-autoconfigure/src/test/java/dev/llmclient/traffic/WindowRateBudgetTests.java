package dev.llmclient.traffic;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A budget over fixed windows, as the spend caps count: on a clock the test moves.
 */
class WindowRateBudgetTests {

	private final AtomicLong now = new AtomicLong(Instant.parse("2026-12-08T23:00:00Z").toEpochMilli());

	private final RateBudget budget = new WindowRateBudget(10, Duration.ofDays(1), this.now::get);

	@Test
	void allOfTheLimitMayBeTakenAtOnceAndNothingMore() throws InterruptedException {
		assertThat(this.budget.tryTake(10, Duration.ZERO)).isTrue();
		assertThat(this.budget.tryTake(1, Duration.ofSeconds(1))).as("never waits for the next window").isFalse();
		assertThat(this.budget.available()).isZero();
	}

	@Test
	void aNewUtcDayStartsEmpty() throws InterruptedException {
		this.budget.tryTake(8, Duration.ZERO);
		this.budget.charge(5);
		assertThat(this.budget.available()).as("in debt until the day ends").isEqualTo(-3);
		this.now.set(Instant.parse("2026-12-08T23:59:59.999Z").toEpochMilli());
		assertThat(this.budget.tryTake(1, Duration.ZERO)).isFalse();
		this.now.set(Instant.parse("2026-12-09T00:00:00Z").toEpochMilli());
		assertThat(this.budget.available()).isEqualTo(10);
		assertThat(this.budget.tryTake(10, Duration.ZERO)).isTrue();
	}

	@Test
	void refundsNeverMakeMoreThanTheLimit() throws InterruptedException {
		this.budget.tryTake(4, Duration.ZERO);
		this.budget.refund(6);
		assertThat(this.budget.available()).isEqualTo(10);
	}

}
