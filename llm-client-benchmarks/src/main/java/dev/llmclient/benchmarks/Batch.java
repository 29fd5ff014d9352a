package dev.llmclient.benchmarks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadPoolExecutor;

/**
 * Batch efficiency: a stub answering after L ms, P prompts with N in flight. The ideal
 * time is ceil(P / N) × L; efficiency is ideal / measured. This client runs the prompts
 * through its batch service; the others the way their users would without one: each call
 * a task on a fixed pool of N threads, started before the clock starts.
 */
final class Batch {

	static final List<ContenderKind> CONTENDERS = List.of(ContenderKind.FLOOR, ContenderKind.LLM_CLIENT,
			ContenderKind.JDK, ContenderKind.SPRING_AI, ContenderKind.LANGCHAIN4J);

	private final Settings settings;

	/** Per N, per contender, the elapsed nanoseconds of each round. */
	final Map<Integer, Map<ContenderKind, List<Long>>> elapsed = new LinkedHashMap<>();

	final Map<Integer, Map<ContenderKind, Integer>> failures = new LinkedHashMap<>();

	Batch(Settings settings) {
		this.settings = settings;
	}

	Batch run(StubProcess stub) throws Exception {
		String baseUrl = stub.baseUrl(this.settings.batchLatencyMillis());
		for (int concurrency : this.settings.batchConcurrency()) {
			int count = this.settings.batchPrompts(concurrency);
			List<String> prompts = Collections.nCopies(count, ClosedLoop.PROMPT);
			Map<ContenderKind, List<Long>> times = new EnumMap<>(ContenderKind.class);
			Map<ContenderKind, Integer> failed = new EnumMap<>(ContenderKind.class);
			this.elapsed.put(concurrency, times);
			this.failures.put(concurrency, failed);
			Map<ContenderKind, Contender> contenders = new EnumMap<>(ContenderKind.class);
			ThreadPoolExecutor pool = (ThreadPoolExecutor) Executors.newFixedThreadPool(concurrency);
			pool.prestartAllCoreThreads();
			try {
				for (ContenderKind kind : CONTENDERS) {
					Contender contender = kind.create(baseUrl, concurrency);
					contenders.put(kind, contender);
					contender.batch(prompts.subList(0, Math.min(count, 2 * concurrency)), pool);
					times.put(kind, new ArrayList<>());
					failed.put(kind, 0);
				}
				for (int round = 0; round < this.settings.rounds(); round++) {
					for (ContenderKind kind : Rotation.of(CONTENDERS, round)) {
						System.gc();
						long start = System.nanoTime();
						int failures = contenders.get(kind).batch(prompts, pool);
						long took = System.nanoTime() - start;
						times.get(kind).add(took);
						failed.merge(kind, failures, Integer::sum);
						Log.progress("batch N=%d round %d %-28s %6.0f ms, efficiency %.3f%s", concurrency, round + 1,
								kind.label(), took / 1e6, ideal(concurrency) / (double) took,
								(failures > 0) ? ", " + failures + " failed" : "");
					}
				}
			}
			finally {
				contenders.values().forEach(Contender::close);
				pool.shutdownNow();
			}
		}
		return this;
	}

	long ideal(int concurrency) {
		int count = this.settings.batchPrompts(concurrency);
		return (long) Math.ceil(count / (double) concurrency) * this.settings.batchLatencyMillis() * 1_000_000L;
	}

	Spread efficiency(int concurrency, ContenderKind kind) {
		long ideal = ideal(concurrency);
		return Spread
			.of(this.elapsed.get(concurrency).get(kind).stream().mapToDouble((t) -> ideal / (double) t).toArray());
	}

	/** Efficiency over the floor's in the same round. */
	Spread relativeToFloor(int concurrency, ContenderKind kind) {
		List<Long> floor = this.elapsed.get(concurrency).get(ContenderKind.FLOOR);
		List<Long> own = this.elapsed.get(concurrency).get(kind);
		double[] ratios = new double[own.size()];
		for (int i = 0; i < ratios.length; i++) {
			ratios[i] = floor.get(i) / (double) own.get(i);
		}
		return Spread.of(ratios);
	}

	String markdown() {
		Table table = new Table("N in flight", "prompts", "client", "ideal ms", "measured ms",
				"efficiency (ideal / measured)", "efficiency ÷ floor's", "failed calls");
		for (int concurrency : this.elapsed.keySet()) {
			for (ContenderKind kind : CONTENDERS) {
				Spread ms = Spread
					.of(this.elapsed.get(concurrency).get(kind).stream().mapToDouble((t) -> t / 1e6).toArray());
				table.row(concurrency, this.settings.batchPrompts(concurrency), kind.label(),
						String.format(Locale.ROOT, "%.0f", ideal(concurrency) / 1e6), ms.format(0),
						efficiency(concurrency, kind).format(3),
						(kind == ContenderKind.FLOOR) ? "1.00" : relativeToFloor(concurrency, kind).format(2),
						this.failures.get(concurrency).get(kind));
			}
		}
		return table.toString();
	}

}
