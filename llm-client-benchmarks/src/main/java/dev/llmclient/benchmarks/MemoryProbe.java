package dev.llmclient.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs in a fresh JVM: one client (metrics on) with the given
 * {@code max-latency-records}, calls from 8 threads, and the heap in use after a full GC
 * at each of {@link #CHECKPOINTS} checkpoints. Prints {@code HEAP calls bytes} per
 * checkpoint.
 */
public final class MemoryProbe {

	static final int CHECKPOINTS = 5;

	static final int THREADS = 8;

	private MemoryProbe() {
	}

	/**
	 * @param args base URL, max-latency-records, total calls
	 * @throws Exception when a call fails
	 */
	public static void main(String[] args) throws Exception {
		String baseUrl = args[0];
		int records = Integer.parseInt(args[1]);
		long total = Long.parseLong(args[2]);
		try (LlmClientContender contender = new LlmClientContender(baseUrl, THREADS, true, true, records)) {
			run(contender, Math.min(total / 10, 20_000));
			System.out.println("HEAP 0 " + heapAfterGc());
			long step = total / CHECKPOINTS;
			for (int i = 1; i <= CHECKPOINTS; i++) {
				run(contender, step);
				System.out.println("HEAP " + (i * step) + " " + heapAfterGc());
				System.out.flush();
			}
		}
		System.exit(0);
	}

	private static void run(Contender contender, long calls) throws InterruptedException {
		AtomicLong left = new AtomicLong(calls);
		Thread[] threads = new Thread[THREADS];
		for (int i = 0; i < THREADS; i++) {
			threads[i] = new Thread(() -> {
				while (left.getAndDecrement() > 0) {
					try {
						contender.call(ClosedLoop.PROMPT);
					}
					catch (Exception ex) {
						throw new IllegalStateException(ex);
					}
				}
			});
			threads[i].start();
		}
		for (Thread thread : threads) {
			thread.join();
		}
	}

	private static long heapAfterGc() throws InterruptedException {
		MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
		for (int i = 0; i < 3; i++) {
			System.gc();
			Thread.sleep(50);
		}
		return memory.getHeapMemoryUsage().getUsed();
	}

}
