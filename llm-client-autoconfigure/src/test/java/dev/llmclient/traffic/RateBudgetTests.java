package dev.llmclient.traffic;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import io.github.bucket4j.BlockingStrategy;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The budget of {@link RateBudget#perPeriod} in this JVM.
 */
class RateBudgetTests {

	@Test
	void unitsReservedByATakeCancelledWhileWaitingAreGivenBack() throws Exception {
		// a burst of 1 and one unit a minute
		RateBudget budget = RateBudget.perPeriod(60, Duration.ofHours(1));
		assertThat(budget.tryTake(1, Duration.ZERO)).isTrue();
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
		await().atMost(Duration.ofSeconds(10)).until(() -> isParkedByBucket4j(waiter));
		assertThat(budget.available()).isEqualTo(-1);
		waiter.interrupt();
		assertThat(waiting).failsWithin(Duration.ofSeconds(10))
			.withThrowableOfType(ExecutionException.class)
			.withCauseInstanceOf(InterruptedException.class);
		assertThat(budget.available()).isZero();
		assertThat(budget.tryTake(1, Duration.ZERO)).isFalse();
	}

	private static boolean isParkedByBucket4j(Thread thread) {
		return thread.getState() == Thread.State.TIMED_WAITING && Arrays.stream(thread.getStackTrace())
			.anyMatch((frame) -> frame.getClassName().startsWith(BlockingStrategy.class.getName()));
	}

}
