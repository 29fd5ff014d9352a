package dev.llmclient.sample.demo;

import java.util.Comparator;
import java.util.PriorityQueue;

/**
 * The demo backend's generation slots, scheduled as vLLM's {@code --scheduling-policy
 * priority} does: at most {@code sample.demo.slots} chat completions generate at once;
 * the others wait, the lowest {@code priority} first and, among equals, the first to
 * arrive. A request without one has priority 0, as in vLLM. Zero slots means no limit and
 * no waiting.
 */
final class PrioritySlots {

	private static final Comparator<Waiter> ORDER = Comparator.comparingInt(Waiter::priority)
		.thenComparingLong(Waiter::arrival);

	private final int slots;

	private final PriorityQueue<Waiter> waiting = new PriorityQueue<>(ORDER);

	private int busy;

	private long arrivals;

	/**
	 * Creates the slots.
	 * @param slots completions generated at once, or 0 for no limit
	 */
	PrioritySlots(int slots) {
		if (slots < 0) {
			throw new IllegalArgumentException(
					"sample.demo.slots must not be negative (0 means no limit), was " + slots);
		}
		this.slots = slots;
	}

	/**
	 * Takes a slot, waiting behind every request of a lower priority number and every
	 * earlier one of the same.
	 * @param priority the request's priority, lower served first
	 * @throws InterruptedException when interrupted while waiting; no slot is taken
	 */
	synchronized void acquire(int priority) throws InterruptedException {
		if (this.slots == 0) {
			return;
		}
		Waiter self = new Waiter(priority, this.arrivals++);
		this.waiting.add(self);
		try {
			while (this.waiting.peek() != self || this.busy >= this.slots) {
				wait();
			}
		}
		catch (InterruptedException ex) {
			this.waiting.remove(self);
			notifyAll();
			throw ex;
		}
		this.waiting.poll();
		this.busy++;
		notifyAll();
	}

	/** Gives a slot back to the next waiting request. */
	synchronized void release() {
		if (this.slots == 0) {
			return;
		}
		this.busy--;
		notifyAll();
	}

	/**
	 * Returns how many requests wait for a slot.
	 * @return the count
	 */
	synchronized int waiting() {
		return this.waiting.size();
	}

	private record Waiter(int priority, long arrival) {
	}

}
