package dev.llmclient.benchmarks;

import java.util.ArrayList;
import java.util.List;

/** The run's chart: overhead ratios to the floor and batch efficiency, per client. */
final class Charts {

	/**
	 * Taller bars are cut at this ratio (and marked), so the region around the floor
	 * stays readable.
	 */
	private static final double MAX_RATIO_SHOWN = 5.0;

	private Charts() {
	}

	static String render(Overhead overhead, Batch batch, Settings settings) {
		List<ContenderKind> peers = List.of(ContenderKind.LLM_CLIENT, ContenderKind.LLM_CLIENT_NO_METRICS,
				ContenderKind.JDK, ContenderKind.SPRING_AI, ContenderKind.LANGCHAIN4J);
		List<Integer> threads = new ArrayList<>(overhead.results.keySet());
		double[][] ratios = new double[peers.size()][threads.size()];
		double maxRatio = 1.2;
		for (int g = 0; g < peers.size(); g++) {
			for (int s = 0; s < threads.size(); s++) {
				ratios[g][s] = overhead.cpuRatio(threads.get(s), peers.get(g)).median();
				maxRatio = Math.max(maxRatio, ratios[g][s]);
			}
		}
		SvgChart.Panel overheadPanel = new SvgChart.Panel("CPU per call ÷ floor (lower is better)",
				"× RestClient + HC5 floor", peers.stream().map(Charts::shortLabel).toList(),
				threads.stream().map((k) -> "K = " + k + ((k == 1) ? " thread" : " threads")).toList(), ratios,
				Math.min(Math.ceil(maxRatio * 2) / 2, MAX_RATIO_SHOWN),
				List.of(new SvgChart.Reference(1.0, "floor", true), new SvgChart.Reference(1.1, "target 1.1", false)));
		List<ContenderKind> batchers = Batch.CONTENDERS;
		List<Integer> concurrency = new ArrayList<>(batch.elapsed.keySet());
		double[][] efficiency = new double[batchers.size()][concurrency.size()];
		for (int g = 0; g < batchers.size(); g++) {
			for (int s = 0; s < concurrency.size(); s++) {
				efficiency[g][s] = batch.efficiency(concurrency.get(s), batchers.get(g)).median();
			}
		}
		SvgChart.Panel batchPanel = new SvgChart.Panel(
				"Batch efficiency, L = " + settings.batchLatencyMillis() + " ms (higher is better)",
				"ideal ÷ measured time", batchers.stream().map(Charts::shortLabel).toList(),
				concurrency.stream().map((n) -> "N = " + n).toList(), efficiency, 1.0,
				List.of(new SvgChart.Reference(0.9, "target 0.9", false)));
		return SvgChart.render(
				"llm-client benchmarks: medians of " + settings.rounds()
						+ " rounds on loopback, contenders taking turns; see docs/benchmarks.md",
				List.of(overheadPanel, batchPanel));
	}

	private static String shortLabel(ContenderKind kind) {
		return switch (kind) {
			case FLOOR -> "floor RestClient";
			case LLM_CLIENT -> "llm-client";
			case LLM_CLIENT_NO_METRICS -> "llm-client no-metrics";
			case JDK -> "java.net.http raw";
			case SPRING_AI -> "Spring AI";
			case LANGCHAIN4J -> "LangChain4j";
			case RAW_SOCKET -> "raw socket";
		};
	}

}
