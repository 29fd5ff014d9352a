package dev.llmclient.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Locale;

/**
 * CPU and bytes allocated per call with prices on, against the same client without, the
 * network cut out ({@link InProcessCallBenchmark}: {@code llm-client},
 * {@code llm-client-priced}, {@code llm-client-spend-budget}), measured on the calling
 * thread in one JVM, the settings taking turns over {@value #ROUNDS} rounds of
 * {@value #CALLS} calls; prints the median of rounds 2 and later of each and its ratio to
 * {@code llm-client}. The target: pricing within 1.03 × the CPU per call without.
 */
public final class PricingCostProbe {

	private static final int CALLS = 100_000;

	private static final int ROUNDS = 8;

	private static final String[] SETTINGS = { "llm-client", "llm-client-priced", "llm-client-spend-budget" };

	private PricingCostProbe() {
	}

	public static void main(String[] args) {
		com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
		InProcessCallBenchmark[] benchmarks = new InProcessCallBenchmark[SETTINGS.length];
		for (int i = 0; i < SETTINGS.length; i++) {
			benchmarks[i] = new InProcessCallBenchmark();
			benchmarks[i].client = SETTINGS[i];
			benchmarks[i].setUp();
		}
		long thread = Thread.currentThread().getId();
		double[][] cpu = new double[SETTINGS.length][ROUNDS];
		double[][] bytes = new double[SETTINGS.length][ROUNDS];
		for (int round = 0; round < ROUNDS; round++) {
			for (int i = 0; i < SETTINGS.length; i++) {
				long allocated = threads.getThreadAllocatedBytes(thread);
				long start = threads.getCurrentThreadCpuTime();
				for (int c = 0; c < CALLS; c++) {
					benchmarks[i].call();
				}
				cpu[i][round] = (threads.getCurrentThreadCpuTime() - start) / (double) CALLS;
				bytes[i][round] = (threads.getThreadAllocatedBytes(thread) - allocated) / (double) CALLS;
			}
		}
		double off = median(cpu[0]);
		System.out.println("| setting | CPU per call (ns) | × off | bytes per call |");
		System.out.println("| --- | --- | --- | --- |");
		for (int i = 0; i < SETTINGS.length; i++) {
			System.out.printf(Locale.ROOT, "| %s | %.0f | %.3f | %.0f |%n", SETTINGS[i], median(cpu[i]),
					median(cpu[i]) / off, median(bytes[i]));
			benchmarks[i].tearDown();
		}
	}

	/** The median of rounds 2 and later: the first warms the code up. */
	private static double median(double[] rounds) {
		double[] measured = Arrays.copyOfRange(rounds, 1, rounds.length);
		Arrays.sort(measured);
		return measured[measured.length / 2];
	}

}
