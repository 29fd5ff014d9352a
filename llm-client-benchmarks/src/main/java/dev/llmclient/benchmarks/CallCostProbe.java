package dev.llmclient.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * CPU and bytes allocated per call of the in-process benchmarks
 * ({@link InProcessCallBenchmark}, {@link RoutingOverheadBenchmark}: the network cut
 * out), measured on the calling thread ({@code ThreadMXBean} CPU time and allocated
 * bytes), the settings taking turns over six rounds; prints the median of rounds 2 to 6
 * of each, one line per setting: {@code name cpu-ns bytes}. {@code compare-commits.sh}
 * runs it against two builds in turn, so that one JVM's luck (JIT, placement) shows as
 * spread, not as a difference.
 */
public final class CallCostProbe {

	private static final int CALLS = 100_000;

	private static final int ROUNDS = 6;

	private CallCostProbe() {
	}

	public static void main(String[] args) {
		com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
		String[] names = { "llm-client", "llm-client-no-metrics", "one", "least-busy" };
		Supplier<?>[] calls = new Supplier<?>[names.length];
		Runnable[] tearDowns = new Runnable[names.length];
		for (int i = 0; i < names.length; i++) {
			if (i < 2) {
				InProcessCallBenchmark benchmark = new InProcessCallBenchmark();
				benchmark.client = names[i];
				benchmark.setUp();
				calls[i] = benchmark::call;
				tearDowns[i] = benchmark::tearDown;
			}
			else {
				RoutingOverheadBenchmark benchmark = new RoutingOverheadBenchmark();
				benchmark.routing = names[i];
				benchmark.setUp();
				calls[i] = benchmark::call;
				tearDowns[i] = benchmark::tearDown;
			}
		}
		long thread = Thread.currentThread().getId();
		double[][] cpu = new double[names.length][ROUNDS];
		double[][] bytes = new double[names.length][ROUNDS];
		for (int round = 0; round < ROUNDS; round++) {
			for (int i = 0; i < names.length; i++) {
				long allocated = threads.getThreadAllocatedBytes(thread);
				long start = threads.getCurrentThreadCpuTime();
				for (int c = 0; c < CALLS; c++) {
					calls[i].get();
				}
				cpu[i][round] = (threads.getCurrentThreadCpuTime() - start) / (double) CALLS;
				bytes[i][round] = (threads.getThreadAllocatedBytes(thread) - allocated) / (double) CALLS;
			}
		}
		for (int i = 0; i < names.length; i++) {
			System.out.printf(Locale.ROOT, "%s %.0f %.0f%n", names[i], median(cpu[i]), median(bytes[i]));
			tearDowns[i].run();
		}
	}

	/** The median of rounds 2 and later: the first warms the code up. */
	private static double median(double[] rounds) {
		double[] measured = Arrays.copyOfRange(rounds, 1, rounds.length);
		Arrays.sort(measured);
		return measured[measured.length / 2];
	}

}
