package dev.llmclient.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * CPU and bytes allocated per call with prices on, against the same client without, the
 * network cut out ({@link InProcessCallBenchmark}: {@code llm-client},
 * {@code llm-client-priced}, {@code llm-client-spend-budget}), measured on the calling
 * thread in one JVM by {@link CallCost}, the settings taking turns over {@value #ROUNDS}
 * rounds of {@value #CALLS} calls; prints the median of rounds 2 and later of each and
 * its ratio to {@code llm-client}. The target: pricing within 1.03 × the CPU per call
 * without.
 */
public final class PricingCostProbe {

	private static final int CALLS = 100_000;

	private static final int ROUNDS = 8;

	private static final String[] SETTINGS = { "llm-client", "llm-client-priced", "llm-client-spend-budget" };

	private PricingCostProbe() {
	}

	public static void main(String[] args) {
		List<InProcessCallBenchmark> benchmarks = new ArrayList<>();
		for (String setting : SETTINGS) {
			InProcessCallBenchmark benchmark = new InProcessCallBenchmark();
			benchmark.client = setting;
			benchmark.setUp();
			benchmarks.add(benchmark);
		}
		List<CallCost.Medians> costs = CallCost
			.measure(benchmarks.stream().<Runnable>map((benchmark) -> benchmark::call).toList(), ROUNDS, CALLS);
		double off = costs.get(0).cpuNanos();
		System.out.println("| setting | CPU per call (ns) | × off | bytes per call |");
		System.out.println("| --- | --- | --- | --- |");
		for (int i = 0; i < SETTINGS.length; i++) {
			CallCost.Medians cost = costs.get(i);
			System.out.printf(Locale.ROOT, "| %s | %.0f | %.3f | %.0f |%n", SETTINGS[i], cost.cpuNanos(),
					cost.cpuNanos() / off, cost.bytes());
			benchmarks.get(i).tearDown();
		}
	}

}
