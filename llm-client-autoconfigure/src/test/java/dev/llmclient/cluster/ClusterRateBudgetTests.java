package dev.llmclient.cluster;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.llmclient.testsupport.RedisServerProcess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * One cluster budget against a real Redis: how it takes, gives back and waits, when the
 * caller asks without waiting, is cancelled, or runs with another limit than the
 * instances before it.
 */
class ClusterRateBudgetTests {

	/** Long enough that no unit refills while a test runs. */
	private static final Duration DAY = Duration.ofDays(1);

	/**
	 * Leases of 30 s: Redis, once counted as unavailable, is not asked again for 10 s, so
	 * that a wrong outage shows.
	 */
	private static final ClusterSettings SETTINGS = ClusterSettings.DEFAULTS.withLeaseTtl(Duration.ofSeconds(30))
		.withCommandTimeout(Duration.ofSeconds(1))
		.withOnRedisFailure(ClusterSettings.OnRedisFailure.REJECT);

	private static RedisServerProcess redis;

	@BeforeAll
	static void startRedis() {
		redis = RedisServerProcess.start();
	}

	@AfterAll
	static void stopRedis() {
		redis.close();
	}

	@Test
	void refundOnAnInterruptedThreadGivesTheUnitsBackAndKeepsRedisAvailable() throws Exception {
		try (RedisFixture fixture = new RedisFixture(redis)) {
			ClusterLimits limits = fixture.instance(SETTINGS.withKey("interrupted-refund"), DAY, null);
			ClusterRateBudget budget = limits.budget(null, "requests", 600);
			assertThat(budget.tryTake(10, Duration.ofSeconds(1))).isTrue();
			// the answers come after the refund started waiting for them
			fixture.pauseRedis(Duration.ofMillis(200));
			boolean stillInterrupted;
			Thread.currentThread().interrupt();
			try {
				budget.refund(4);
				budget.charge(1);
			}
			finally {
				stillInterrupted = Thread.interrupted();
			}
			assertThat(stillInterrupted).as("the caller's interrupt is kept").isTrue();
			assertThat(limits.details()).containsEntry("state", "active");
			assertThat(budget.available()).isEqualTo(3);
		}
	}

	@Test
	void interruptedTakeIsTheCallersCancellationNotAnOutage() throws Exception {
		try (RedisFixture fixture = new RedisFixture(redis)) {
			ClusterLimits limits = fixture.instance(SETTINGS.withKey("interrupted-take"), DAY, null);
			ClusterRateBudget budget = limits.budget(null, "requests", 600);
			fixture.pauseRedis(Duration.ofMillis(200));
			Thread.currentThread().interrupt();
			try {
				assertThatExceptionOfType(InterruptedException.class)
					.isThrownBy(() -> budget.tryTake(1, Duration.ofSeconds(1)));
			}
			finally {
				Thread.interrupted();
			}
			assertThat(limits.details()).containsEntry("state", "active");
		}
	}

	@Test
	void zeroWaitTakesFromABudgetThatIsNotEmpty() throws Exception {
		try (RedisFixture fixture = new RedisFixture(redis)) {
			ClusterLimits limits = fixture.instance(SETTINGS.withKey("zero-wait"), DAY, null);
			ClusterRateBudget budget = limits.budget(null, "requests", 600);
			assertThat(budget.tryTake(3, Duration.ZERO)).isTrue();
			assertThat(budget.tryTake(7, Duration.ofNanos(-1))).isTrue();
			assertThat(budget.available()).isZero();
			assertThat(budget.tryTake(1, Duration.ZERO)).as("empty: refused at once").isFalse();
			assertThat(limits.details()).containsEntry("state", "active");
		}
	}

	@Test
	void unitsReservedByATakeCancelledWhileWaitingAreGivenBack() throws Exception {
		try (RedisFixture fixture = new RedisFixture(redis)) {
			ClusterLimits limits = fixture.instance(SETTINGS.withKey("cancelled-wait"), Duration.ofHours(1), null);
			// a burst of 1 and one unit a minute
			ClusterRateBudget budget = limits.budget(null, "requests", 60);
			assertThat(budget.tryTake(1, Duration.ofSeconds(1))).isTrue();
			CompletableFuture<Boolean> waiting = new CompletableFuture<>();
			Thread waiter = new Thread(() -> {
				try {
					waiting.complete(budget.tryTake(1, Duration.ofMinutes(5)));
				}
				catch (Throwable ex) {
					waiting.completeExceptionally(ex);
				}
			});
			waiter.start();
			// parked until the reserved unit refills
			await().atMost(Duration.ofSeconds(10)).until(() -> RedisFixture.isParkedByBucket4j(waiter));
			assertThat(budget.available()).isEqualTo(-1);
			waiter.interrupt();
			assertThat(waiting).failsWithin(Duration.ofSeconds(10))
				.withThrowableOfType(ExecutionException.class)
				.withCauseInstanceOf(InterruptedException.class);
			assertThat(budget.available()).isZero();
			assertThat(limits.details()).containsEntry("state", "active");
		}
	}

	@Test
	void aRaisedLimitReplacesTheConfigurationOfTheSharedBucket() throws Exception {
		try (RedisFixture fixture = new RedisFixture(redis)) {
			ClusterSettings settings = SETTINGS.withKey("raised");
			ClusterRateBudget before = fixture.instance(settings, DAY, null).budget(null, "requests", 60);
			assertThat(before.available()).as("a burst of one sixtieth").isEqualTo(1);
			ClusterRateBudget after = fixture.instance(settings, DAY, null).budget(null, "requests", 6000);
			assertThat(after.available()).isEqualTo(100);
			assertThat(before.available()).as("the instances agree").isEqualTo(100);
		}
	}

	@Test
	void aLoweredLimitReplacesTheConfigurationOfTheSharedBucket() throws Exception {
		try (RedisFixture fixture = new RedisFixture(redis)) {
			ClusterSettings settings = SETTINGS.withKey("lowered");
			ClusterRateBudget before = fixture.instance(settings, DAY, null).budget(null, "requests", 6000);
			assertThat(before.available()).isEqualTo(100);
			ClusterRateBudget after = fixture.instance(settings, DAY, null).budget(null, "requests", 60);
			assertThat(after.available()).isEqualTo(1);
			assertThat(before.available()).as("the instances agree").isEqualTo(1);
		}
	}

}
