package dev.llmclient.benchmarks;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What to run and for how long. The defaults fit the whole run in about ten minutes on
 * two cores; {@code --quick} is a smoke run of well under two.
 */
record Settings(boolean quick, Set<String> scenarios, List<Integer> threads, int rounds, long windowMillis,
		long warmupMillis, long firstWarmupMillis, int batchLatencyMillis, List<Integer> batchConcurrency,
		int batchPromptsDefault, int batchPromptsAtSmallestN, int firstCallRounds, int memoryCalls,
		List<Integer> memoryRecords, Path doc, Path chart) {

	static final Set<String> ALL = Set.of("overhead", "batch", "embeddings", "structured", "first-call", "memory",
			"jmh", "cluster", "adaptive", "prompt-cache", "classes", "batch-jobs");

	static Settings parse(String[] args) {
		boolean quick = false;
		Set<String> scenarios = new TreeSet<>(ALL);
		Path doc = Path.of("docs/benchmarks.md");
		Path chart = Path.of("docs/benchmarks.svg");
		Integer memoryCalls = null;
		for (String arg : args) {
			if (arg.equals("--quick")) {
				quick = true;
			}
			else if (arg.startsWith("--only=")) {
				scenarios = new TreeSet<>(Arrays.asList(arg.substring(7).split(",")));
			}
			else if (arg.startsWith("--doc=")) {
				doc = Path.of(arg.substring(6));
			}
			else if (arg.startsWith("--chart=")) {
				chart = Path.of(arg.substring(8));
			}
			else if (arg.startsWith("--memory-calls=")) {
				memoryCalls = Integer.parseInt(arg.substring(15));
			}
			else {
				throw new IllegalArgumentException("unknown option " + arg
						+ " (known: --quick, --only=overhead,batch,embeddings,structured,first-call,memory,jmh,cluster,adaptive,prompt-cache,classes,batch-jobs, --doc=PATH, --chart=PATH, --memory-calls=N)");
			}
		}
		if (quick) {
			return new Settings(true, scenarios, List.of(1, 8, 64), 2, 300, 200, 1000, 50, List.of(8, 64, 256), 512, 64,
					1, (memoryCalls != null) ? memoryCalls : 20_000, List.of(1000, 100_000), doc, chart);
		}
		return new Settings(false, scenarios, List.of(1, 8, 64), 3, 2000, 700, 4000, 50, List.of(8, 64, 256), 2000, 400,
				3, (memoryCalls != null) ? memoryCalls : 1_000_000, List.of(1000, 100_000), doc, chart);
	}

	boolean runs(String scenario) {
		return this.scenarios.contains(scenario);
	}

	/** Prompts per batch: fewer at the smallest N, where the ideal time is longest. */
	int batchPrompts(int concurrency) {
		return (concurrency == this.batchConcurrency.get(0)) ? this.batchPromptsAtSmallestN : this.batchPromptsDefault;
	}

}
