package dev.llmclient.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * CPU time and bytes allocated per call, measured on the calling thread
 * ({@code ThreadMXBean}), the settings taking turns round by round so that the JVM's
 * drift falls on all of them alike; each setting's result is the median of rounds 2 and
 * later (the first warms the code up).
 */
final class CallCost {

	private CallCost() {
	}

	/**
	 * Runs {@code calls} in turns, {@code perRound} calls of each a round.
	 * @param calls one call of each setting
	 * @param rounds how many rounds (at least 2)
	 * @param perRound how many calls of a setting a round
	 * @return each setting's medians, in the order of {@code calls}
	 */
	static List<Medians> measure(List<Runnable> calls, int rounds, int perRound) {
		com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
		long thread = Thread.currentThread().getId();
		double[][] cpu = new double[calls.size()][rounds];
		double[][] bytes = new double[calls.size()][rounds];
		for (int round = 0; round < rounds; round++) {
			for (int i = 0; i < calls.size(); i++) {
				Runnable call = calls.get(i);
				long allocated = threads.getThreadAllocatedBytes(thread);
				long start = threads.getCurrentThreadCpuTime();
				for (int c = 0; c < perRound; c++) {
					call.run();
				}
				cpu[i][round] = (threads.getCurrentThreadCpuTime() - start) / (double) perRound;
				bytes[i][round] = (threads.getThreadAllocatedBytes(thread) - allocated) / (double) perRound;
			}
		}
		List<Medians> medians = new ArrayList<>();
		for (int i = 0; i < calls.size(); i++) {
			medians.add(new Medians(median(cpu[i]), median(bytes[i])));
		}
		return medians;
	}

	/** The median of rounds 2 and later: the first warms the code up. */
	private static double median(double[] rounds) {
		double[] measured = Arrays.copyOfRange(rounds, 1, rounds.length);
		Arrays.sort(measured);
		return measured[measured.length / 2];
	}

	/**
	 * One setting's cost per call.
	 *
	 * @param cpuNanos CPU time per call, in nanoseconds
	 * @param bytes bytes allocated per call
	 */
	record Medians(double cpuNanos, double bytes) {
	}

}
