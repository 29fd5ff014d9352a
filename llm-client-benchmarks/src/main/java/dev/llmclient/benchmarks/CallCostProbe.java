package dev.llmclient.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * CPU and bytes allocated per call of the in-process benchmarks
 * ({@link InProcessCallBenchmark}, {@link RoutingOverheadBenchmark}: the network cut
 * out), measured on the calling thread by {@link CallCost}, the settings taking turns
 * over six rounds; prints the median of rounds 2 to 6 of each, one line per setting:
 * {@code name cpu-ns bytes}. {@code compare-commits.sh} runs it against two builds in
 * turn, so that one JVM's luck (JIT, placement) shows as spread, not as a difference.
 */
public final class CallCostProbe {

	private static final int CALLS = 100_000;

	private static final int ROUNDS = 6;

	private CallCostProbe() {
	}

	public static void main(String[] args) {
		String[] names = { "llm-client", "llm-client-no-metrics", "one", "least-busy" };
		List<Runnable> calls = new ArrayList<>();
		List<Runnable> tearDowns = new ArrayList<>();
		for (int i = 0; i < names.length; i++) {
			if (i < 2) {
				InProcessCallBenchmark benchmark = new InProcessCallBenchmark();
				benchmark.client = names[i];
				benchmark.setUp();
				calls.add(benchmark::call);
				tearDowns.add(benchmark::tearDown);
			}
			else {
				RoutingOverheadBenchmark benchmark = new RoutingOverheadBenchmark();
				benchmark.routing = names[i];
				benchmark.setUp();
				calls.add(benchmark::call);
				tearDowns.add(benchmark::tearDown);
			}
		}
		List<CallCost.Medians> costs = CallCost.measure(calls, ROUNDS, CALLS);
		for (int i = 0; i < names.length; i++) {
			System.out.printf(Locale.ROOT, "%s %.0f %.0f%n", names[i], costs.get(i).cpuNanos(), costs.get(i).bytes());
			tearDowns.get(i).run();
		}
	}

}
