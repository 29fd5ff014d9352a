package dev.llmclient.benchmarks;

import java.util.Locale;

/**
 * The targets, and the stricter ones of ANCHORS.md, checked against the run's
 * medians.
 */
final class Targets {

	private Targets() {
	}

	static String markdown(Overhead overhead, Batch batch) {
		Table table = new Table("target", "measured (median)", "verdict");
		for (int threads : overhead.results.keySet()) {
			double ratio = overhead.cpuRatio(threads, ContenderKind.LLM_CLIENT).median();
			table.row("CPU per call within 1.1 × floor, K = " + threads, String.format(Locale.ROOT, "%.2f ×", ratio),
					verdict(ratio <= 1.1, ratio / 1.1));
		}
		for (int concurrency : batch.elapsed.keySet()) {
			double efficiency = batch.efficiency(concurrency, ContenderKind.LLM_CLIENT).median();
			double floor = batch.efficiency(concurrency, ContenderKind.FLOOR).median();
			table.row("batch efficiency ≥ 0.9, N = " + concurrency,
					String.format(Locale.ROOT, "%.3f (floor %.3f)", efficiency, floor),
					(efficiency >= 0.9) ? "met" : String.format(Locale.ROOT, "missed by %.3f", 0.9 - efficiency));
		}
		for (int threads : overhead.results.keySet()) {
			double ours = 1e6
					/ overhead.metric(threads, ContenderKind.LLM_CLIENT, ClosedLoop.Measurement::cpuMicrosPerCall)
						.median();
			double springAi = 1e6
					/ overhead.metric(threads, ContenderKind.SPRING_AI, ClosedLoop.Measurement::cpuMicrosPerCall)
						.median();
			double langChain = 1e6
					/ overhead.metric(threads, ContenderKind.LANGCHAIN4J, ClosedLoop.Measurement::cpuMicrosPerCall)
						.median();
			table.row("calls per CPU-second ahead of Spring AI and LangChain4j, K = " + threads,
					String.format(Locale.ROOT, "%.0f vs %.0f and %.0f", ours, springAi, langChain),
					(ours > springAi && ours > langChain)
							? String.format(Locale.ROOT, "met (%.1f × and %.1f ×)", ours / springAi, ours / langChain)
							: "missed");
		}
		for (int threads : overhead.results.keySet()) {
			double kb = overhead.metric(threads, ContenderKind.LLM_CLIENT, ClosedLoop.Measurement::kilobytesPerCall)
				.median();
			table.row("ANCHORS: ≤ 30 KB allocated per call, K = " + threads, String.format(Locale.ROOT, "%.1f KB", kb),
					(kb <= 30) ? "met" : String.format(Locale.ROOT, "missed by %.1f KB", kb - 30));
		}
		long reconnects = overhead.results.values()
			.stream()
			.mapToLong((byKind) -> byKind.get(ContenderKind.LLM_CLIENT)
				.stream()
				.mapToLong(ClosedLoop.Measurement::newConnections)
				.sum())
			.sum();
		table.row("ANCHORS: no new connections in steady state (all K, all rounds)", reconnects,
				(reconnects == 0) ? "met" : "missed");
		return table.toString();
	}

	private static String verdict(boolean met, double over) {
		return met ? "met" : String.format(Locale.ROOT, "missed by %.0f %%", (over - 1) * 100);
	}

}
