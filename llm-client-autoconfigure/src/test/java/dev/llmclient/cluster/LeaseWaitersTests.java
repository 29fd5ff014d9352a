package dev.llmclient.cluster;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.llmclient.cluster.LeaseWaiters.Turn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The line of calls of one instance waiting for a cluster lease: one call woken per
 * release, in the order they came, and no release lost between a call's answer from Redis
 * and its wait.
 */
class LeaseWaitersTests {

	private static final long HOUR = TimeUnit.HOURS.toNanos(1);

	private final LeaseWaiters waiters = new LeaseWaiters();

	@Test
	void eachReleaseWakesOneCallInTheOrderTheyCame() throws Exception {
		Waiting first = waitInLine();
		Waiting second = waitInLine();
		this.waiters.wake();
		assertThat(first.turn()).isEqualTo(Turn.WOKEN);
		assertThat(second.result.isDone()).as("one release wakes one call").isFalse();
		this.waiters.wake();
		assertThat(second.turn()).isEqualTo(Turn.WOKEN);
	}

	@Test
	void releaseWhileACallAwaitsItsAnswerIsKeptForIt() throws Exception {
		this.waiters.enter();
		this.waiters.wake();
		assertThat(this.waiters.await(System.nanoTime() + HOUR, HOUR, false)).isEqualTo(Turn.WOKEN);
		this.waiters.leave(true);
	}

	@Test
	void releaseWhileNoCallAsksWakesNoLaterCall() throws Exception {
		this.waiters.wake();
		this.waiters.enter();
		assertThat(this.waiters.await(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50), HOUR, false))
			.isEqualTo(Turn.DEADLINE);
		this.waiters.leave(false);
	}

	@Test
	void onlyTheFirstCallPolls() throws Exception {
		Waiting first = waitInLine(TimeUnit.MILLISECONDS.toNanos(20));
		Waiting second = waitInLine(TimeUnit.MILLISECONDS.toNanos(20));
		assertThat(first.turn()).isEqualTo(Turn.POLL);
		// the second is now first, and polls in its turn
		assertThat(second.turn()).isEqualTo(Turn.POLL);
	}

	@Test
	void cancelledCallPassesItsWakeUpOn() throws Exception {
		Waiting first = waitInLine();
		Waiting second = waitInLine();
		first.thread.interrupt();
		assertThat(first.result).failsWithin(Duration.ofSeconds(10))
			.withThrowableOfType(ExecutionException.class)
			.withCauseInstanceOf(InterruptedException.class);
		this.waiters.wake();
		assertThat(second.turn()).isEqualTo(Turn.WOKEN);
	}

	private Waiting waitInLine() {
		return waitInLine(HOUR);
	}

	/** Starts a call that waits in line, and returns once it does. */
	private Waiting waitInLine(long pollNanos) {
		CompletableFuture<Turn> result = new CompletableFuture<>();
		Thread thread = new Thread(() -> {
			this.waiters.enter();
			Turn turn = null;
			try {
				turn = this.waiters.await(System.nanoTime() + HOUR, pollNanos, false);
				result.complete(turn);
			}
			catch (Throwable ex) {
				result.completeExceptionally(ex);
			}
			finally {
				this.waiters.leave(turn == Turn.WOKEN || turn == Turn.POLL);
			}
		});
		thread.setDaemon(true);
		thread.start();
		await().atMost(Duration.ofSeconds(10))
			.until(() -> result.isDone() || thread.getState() == Thread.State.TIMED_WAITING);
		return new Waiting(thread, result);
	}

	private record Waiting(Thread thread, CompletableFuture<Turn> result) {

		Turn turn() throws Exception {
			return this.result.get(10, TimeUnit.SECONDS);
		}

	}

}
