package dev.llmclient.traffic;

import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * {@link Interrupts#runCleared(Runnable)}.
 */
class InterruptsTests {

	@AfterEach
	void clearInterrupt() {
		Thread.interrupted();
	}

	@Test
	void actionRunsWithoutTheInterruptWhichIsSetAgainAfterwards() {
		AtomicBoolean interruptedDuring = new AtomicBoolean(true);
		Thread.currentThread().interrupt();
		Interrupts.runCleared(() -> interruptedDuring.set(Thread.currentThread().isInterrupted()));
		assertThat(interruptedDuring).isFalse();
		assertThat(Thread.currentThread().isInterrupted()).isTrue();
	}

	@Test
	void interruptIsSetAgainWhenTheActionFails() {
		Thread.currentThread().interrupt();
		assertThatIllegalStateException().isThrownBy(() -> Interrupts.runCleared(() -> {
			throw new IllegalStateException("failed");
		}));
		assertThat(Thread.currentThread().isInterrupted()).isTrue();
	}

	@Test
	void threadThatWasNotInterruptedStaysSo() {
		Interrupts.runCleared(() -> {
		});
		assertThat(Thread.currentThread().isInterrupted()).isFalse();
	}

}
