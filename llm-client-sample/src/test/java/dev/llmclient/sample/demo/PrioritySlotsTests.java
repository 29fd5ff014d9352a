package dev.llmclient.sample.demo;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The demo backend's slots serve waiting requests as vLLM's priority scheduling does: the
 * lowest priority number first, equals in arrival order.
 */
class PrioritySlotsTests {

	@Test
	void waitingRequestsAreServedLowestPriorityFirstThenInArrivalOrder() throws Exception {
		PrioritySlots slots = new PrioritySlots(1);
		slots.acquire(0);
		List<String> served = Collections.synchronizedList(new ArrayList<>());
		List<Thread> threads = new ArrayList<>();
		String[][] arrivals = { { "batch-1", "10" }, { "batch-2", "10" }, { "chat", "0" }, { "batch-3", "10" } };
		for (String[] arrival : arrivals) {
			Thread thread = new Thread(() -> {
				try {
					slots.acquire(Integer.parseInt(arrival[1]));
					served.add(arrival[0]);
					slots.release();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			});
			thread.start();
			threads.add(thread);
			awaitWaiting(slots, threads.size());
		}
		slots.release();
		for (Thread thread : threads) {
			thread.join(TimeUnit.SECONDS.toMillis(10));
		}
		assertThat(served).containsExactly("chat", "batch-1", "batch-2", "batch-3");
		assertThat(slots.waiting()).isZero();
	}

	@Test
	void anInterruptedWaiterLeavesTheQueueAndTakesNoSlot() throws Exception {
		PrioritySlots slots = new PrioritySlots(1);
		slots.acquire(0);
		Thread waiter = new Thread(() -> {
			try {
				slots.acquire(5);
			}
			catch (InterruptedException ex) {
				// expected: it gave up waiting
			}
		});
		waiter.start();
		awaitWaiting(slots, 1);
		waiter.interrupt();
		waiter.join(TimeUnit.SECONDS.toMillis(10));
		assertThat(slots.waiting()).isZero();
		slots.release();
		slots.acquire(7);
		slots.release();
	}

	@Test
	void zeroSlotsNeverWait() throws Exception {
		PrioritySlots slots = new PrioritySlots(0);
		for (int i = 0; i < 100; i++) {
			slots.acquire(10);
		}
		assertThat(slots.waiting()).isZero();
	}

	@Test
	void negativeSlotsAreRefusedNamingTheProperty() {
		assertThatIllegalArgumentException().isThrownBy(() -> new PrioritySlots(-1))
			.withMessageContaining("sample.demo.slots");
	}

	/** Waits, bounded, until the given number of requests are queued. */
	private static void awaitWaiting(PrioritySlots slots, int count) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (slots.waiting() < count) {
			assertThat(System.nanoTime()).as("%d requests waiting", count).isLessThan(deadline);
			Thread.onSpinWait();
			Thread.sleep(1);
		}
	}

}
