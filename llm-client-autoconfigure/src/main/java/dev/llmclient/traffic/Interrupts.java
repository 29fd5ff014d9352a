package dev.llmclient.traffic;

/**
 * Runs the bookkeeping that must happen even on a thread whose call was cancelled: giving
 * back budget units or a permit. A cancelled call leaves its thread interrupted, and a
 * client library that waits for an answer (Lettuce, Bucket4j's proxies) fails at once on
 * such a thread; the units would be lost, and the failure mistaken for the store's.
 * {@link RateBudget} and {@link ConcurrencyLimiter} implementations that talk to a shared
 * store run their {@code refund}, {@code charge} and {@code release} through
 * {@link #runCleared(Runnable)}.
 *
 * @since 0.1.0
 */
public final class Interrupts {

	private Interrupts() {
	}

	/**
	 * Runs the action with the current thread's interrupt flag cleared, then sets the
	 * flag again if it was set, however the action ends.
	 * @param action what to run, such as giving units back to a shared budget
	 */
	public static void runCleared(Runnable action) {
		boolean interrupted = Thread.interrupted();
		try {
			action.run();
		}
		finally {
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

}
