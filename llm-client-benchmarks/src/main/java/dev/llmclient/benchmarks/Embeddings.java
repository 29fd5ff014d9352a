package dev.llmclient.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.stream.IntStream;

/**
 * Bulk embedding: T texts, N requests of {@value EmbeddingContender#BATCH_SIZE} texts in
 * flight, a zero-latency stub answering {@value StubEmbeddings#DIMENSIONS}-float vectors
 * as JSON. Measures each contender's wall time and the benchmark JVM's CPU time (the stub
 * runs in its own JVM), contenders taking turns, and checks every vector came back.
 */
final class Embeddings {

	static final int CONCURRENCY = 8;

	private final Settings settings;

	private final int texts;

	final Map<EmbeddingContender, List<Long>> wall = new EnumMap<>(EmbeddingContender.class);

	final Map<EmbeddingContender, List<Long>> cpu = new EnumMap<>(EmbeddingContender.class);

	Embeddings(Settings settings) {
		this.settings = settings;
		this.texts = settings.quick() ? 2_000 : 10_000;
	}

	Embeddings run(StubProcess stub) throws Exception {
		String baseUrl = stub.baseUrl(0);
		List<String> texts = IntStream.range(0, this.texts)
			.mapToObj((i) -> "The quick brown fox jumps over the lazy dog, text number " + i)
			.toList();
		List<EmbeddingContender> contenders = List.of(EmbeddingContender.values());
		Map<EmbeddingContender, EmbeddingContender.Session> sessions = new EnumMap<>(EmbeddingContender.class);
		ThreadPoolExecutor pool = (ThreadPoolExecutor) Executors.newFixedThreadPool(CONCURRENCY);
		pool.prestartAllCoreThreads();
		try {
			for (EmbeddingContender contender : contenders) {
				EmbeddingContender.Session session = contender.open(baseUrl, CONCURRENCY);
				sessions.put(contender, session);
				check(contender, session.embed(texts, pool));
				this.wall.put(contender, new ArrayList<>());
				this.cpu.put(contender, new ArrayList<>());
			}
			for (int round = 0; round < this.settings.rounds(); round++) {
				for (EmbeddingContender contender : Rotation.of(contenders, round)) {
					System.gc();
					long cpuBefore = processCpu();
					long start = System.nanoTime();
					List<float[]> vectors = sessions.get(contender).embed(texts, pool);
					long took = System.nanoTime() - start;
					long cpuUsed = processCpu() - cpuBefore;
					check(contender, vectors);
					this.wall.get(contender).add(took);
					this.cpu.get(contender).add(cpuUsed);
					Log.progress("embeddings round %d %-40s %6.0f ms wall, %6.0f ms CPU", round + 1, contender.label(),
							took / 1e6, cpuUsed / 1e6);
				}
			}
		}
		finally {
			sessions.values().forEach(EmbeddingContender.Session::close);
			pool.shutdownNow();
		}
		return this;
	}

	private void check(EmbeddingContender contender, List<float[]> vectors) {
		if (vectors.size() != this.texts || vectors.get(this.texts - 1).length != StubEmbeddings.DIMENSIONS) {
			throw new IllegalStateException(
					contender.label() + " returned " + vectors.size() + " vectors for " + this.texts + " texts");
		}
	}

	private static long processCpu() {
		return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
			.getProcessCpuTime();
	}

	/** A contender's median over this client's median in the same unit, per round. */
	Spread ratio(Map<EmbeddingContender, List<Long>> times, EmbeddingContender contender) {
		List<Long> own = times.get(EmbeddingContender.LLM_CLIENT);
		List<Long> other = times.get(contender);
		double[] ratios = new double[own.size()];
		for (int i = 0; i < ratios.length; i++) {
			ratios[i] = other.get(i) / (double) own.get(i);
		}
		return Spread.of(ratios);
	}

	String markdown() {
		Table table = new Table("client", "texts", "wall ms", "CPU ms", "wall ÷ llm-client's", "CPU ÷ llm-client's");
		for (EmbeddingContender contender : EmbeddingContender.values()) {
			Spread wallMs = Spread.of(this.wall.get(contender).stream().mapToDouble((t) -> t / 1e6).toArray());
			Spread cpuMs = Spread.of(this.cpu.get(contender).stream().mapToDouble((t) -> t / 1e6).toArray());
			table.row(contender.label(), this.texts, wallMs.format(0), cpuMs.format(0),
					ratio(this.wall, contender).format(2), ratio(this.cpu, contender).format(2));
		}
		return table.toString();
	}

	String heading() {
		return String.format(Locale.ROOT,
				"### Embeddings: %d texts, %d requests of %d texts in flight, zero-latency stub, %d floats per vector\n\n"
						+ "%d rounds, contenders taking turns; median (min–max). CPU is the benchmark JVM's process CPU "
						+ "time (the stub runs in its own JVM). A ratio above 1 means the peer needed more.\n\n",
				this.texts, CONCURRENCY, EmbeddingContender.BATCH_SIZE, StubEmbeddings.DIMENSIONS,
				this.settings.rounds());
	}

}
