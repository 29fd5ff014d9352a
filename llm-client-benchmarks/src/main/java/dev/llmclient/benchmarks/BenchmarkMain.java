package dev.llmclient.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs every scenario side by side in one run and prints the tables (standard output;
 * progress on standard error). With {@code docs/benchmarks.md} present (run from the
 * repository root), the results replace the part of it between the generated-results
 * markers, and the chart is written to {@code docs/benchmarks.svg}.
 */
public final class BenchmarkMain {

	static final String BEGIN = "<!-- BEGIN GENERATED RESULTS -->";

	static final String END = "<!-- END GENERATED RESULTS -->";

	private BenchmarkMain() {
	}

	/**
	 * @param args {@code --quick},
	 * {@code --only=overhead,batch,embeddings,structured,first-call,memory,jmh,cluster,adaptive,prompt-cache,classes,batch-jobs},
	 * {@code --doc=PATH}, {@code --chart=PATH}, {@code --memory-calls=N}
	 * @throws Exception when a scenario fails
	 */
	public static void main(String[] args) throws Exception {
		Settings settings = Settings.parse(args);
		String loadBefore = loadAverage();
		Instant started = Instant.now();
		Overhead overhead = null;
		Batch batch = null;
		FirstCall firstCall = null;
		Memory memory = null;
		Embeddings embeddings = null;
		Structured structured = null;
		Jmh jmh = null;
		try (StubProcess stub = StubProcess.start()) {
			Log.progress("stub server on 127.0.0.1:%d (own JVM)", stub.port());
			if (settings.runs("overhead")) {
				overhead = new Overhead(settings).run(stub);
			}
			if (settings.runs("batch")) {
				batch = new Batch(settings).run(stub);
			}
			if (settings.runs("embeddings")) {
				embeddings = new Embeddings(settings).run(stub);
			}
			if (settings.runs("structured")) {
				structured = new Structured(settings).run(stub);
			}
			if (settings.runs("first-call")) {
				firstCall = new FirstCall(settings).run(stub);
			}
			if (settings.runs("memory")) {
				memory = new Memory(settings).run(stub);
			}
		}
		if (settings.runs("jmh")) {
			jmh = new Jmh(settings).run();
		}
		String cluster = settings.runs("cluster") ? clusterLimits() : null;
		AdaptiveConcurrencyBenchmark.Results adaptive = settings.runs("adaptive") ? AdaptiveConcurrencyBenchmark.run()
				: null;
		PromptCacheBenchmark.Results promptCache = settings.runs("prompt-cache") ? PromptCacheBenchmark.run() : null;
		RequestClassBenchmark.Results classes = settings.runs("classes") ? RequestClassBenchmark.run() : null;
		BatchJobsBenchmark.Results batchJobs = settings.runs("batch-jobs") ? BatchJobsBenchmark
			.run(settings.quick() ? BatchJobsBenchmark.REQUESTS / 10 : BatchJobsBenchmark.REQUESTS) : null;
		long minutes = ChronoUnit.SECONDS.between(started, Instant.now());
		String report = report(settings, overhead, batch, embeddings, structured, firstCall, memory, jmh, cluster,
				loadBefore, loadAverage(), minutes);
		if (adaptive != null) {
			report += "### Adaptive concurrency: hidden cap C, bare 429 and 429 with Retry-After\n\n"
					+ adaptive.markdown() + '\n';
		}
		if (promptCache != null) {
			report += "### Prompt caching: three replicas caching prefixes, by routing strategy\n\n"
					+ promptCache.markdown() + '\n';
		}
		if (classes != null) {
			report += "### Request classes: interactive calls during a batch\n\n" + classes.markdown() + '\n';
			Path chart = Files.isDirectory(Path.of("docs")) ? Path.of("docs", "request-classes.svg")
					: Path.of("target", "benchmarks", "request-classes.svg");
			Files.createDirectories(chart.toAbsolutePath().getParent());
			Files.writeString(chart, classes.chart(), StandardCharsets.UTF_8);
			Log.progress("request classes chart written to %s", chart);
		}
		if (batchJobs != null) {
			report += "### Batch jobs: a job on the provider's Batch API against a live batch of the same prompts\n\n"
					+ batchJobs.markdown() + '\n';
		}
		System.out.println(report);
		Path results = Path.of("target", "benchmarks", "results.md");
		Files.createDirectories(results.getParent());
		Files.writeString(results, report, StandardCharsets.UTF_8);
		Log.progress("results written to %s", results);
		if (overhead != null && batch != null) {
			Path chart = Files.isDirectory(settings.chart().toAbsolutePath().getParent()) ? settings.chart()
					: Path.of("target", "benchmarks", "benchmarks.svg");
			Files.writeString(chart, Charts.render(overhead, batch, settings), StandardCharsets.UTF_8);
			Log.progress("chart written to %s", chart);
		}
		if (Files.isRegularFile(settings.doc())) {
			updateDoc(settings.doc(), report);
			Log.progress("results inserted into %s", settings.doc());
		}
		System.exit(0);
	}

	private static String report(Settings settings, Overhead overhead, Batch batch, Embeddings embeddings,
			Structured structured, FirstCall firstCall, Memory memory, Jmh jmh, String cluster, String loadBefore,
			String loadAfter, long seconds) {
		StringBuilder out = new StringBuilder();
		out.append("### Machine and run\n\n");
		out.append(machine(settings, loadBefore, loadAfter, seconds)).append('\n');
		if (overhead != null && batch != null) {
			out.append("### Targets\n\n").append(Targets.markdown(overhead, batch)).append('\n');
		}
		if (overhead != null) {
			out.append("### Overhead: zero-latency stub, K threads calling back to back\n\n");
			out.append(String.format(Locale.ROOT, "%d rounds of %.1f s per client and K, contenders taking turns; "
					+ "median (min–max) over rounds. CPU is the benchmark JVM's process CPU time (all threads, GC and JIT "
					+ "included; the stub runs in its own JVM). \"× floor\" is the per-round ratio to the floor's CPU per call. "
					+ "Allocation is the sum over all live threads of `ThreadMXBean.getThreadAllocatedBytes`.\n\n",
					settings.rounds(), settings.windowMillis() / 1000.0));
			out.append(overhead.markdown()).append('\n');
		}
		if (batch != null) {
			out.append(String.format(Locale.ROOT, "### Batch efficiency: stub latency L = %d ms, N in flight\n\n",
					settings.batchLatencyMillis()));
			out.append(String.format(Locale.ROOT,
					"%d rounds, contenders taking turns; ideal = ceil(prompts / N) × L; " + "median (min–max).\n\n",
					settings.rounds()));
			out.append(batch.markdown()).append('\n');
		}
		if (embeddings != null) {
			out.append(embeddings.heading()).append(embeddings.markdown()).append('\n');
		}
		if (structured != null) {
			out.append(structured.heading()).append(structured.markdown()).append('\n');
		}
		if (firstCall != null) {
			out.append("### First call: a fresh JVM per measurement, zero-latency stub\n\n");
			out.append(String.format(Locale.ROOT,
					"%d rounds; steady state is the median of the last %d of %d calls "
							+ "made right after the first, in the same JVM; the ratios are per round, in wall time and "
							+ "in the CPU time of the calling thread (which other processes on the machine disturb "
							+ "less).\n\n",
					settings.firstCallRounds(), FirstCallProbe.CALLS / 2, FirstCallProbe.CALLS));
			out.append(firstCall.markdown()).append('\n');
		}
		if (memory != null) {
			out.append(
					"### Memory: heap after a full GC while one client calls (8 threads, metrics on, 256 MB heap)\n\n");
			out.append(memory.markdown()).append('\n');
		}
		if (jmh != null) {
			out.append("### Micro benchmarks (JMH, 1 fork, `-prof gc`)\n\n");
			out.append(jmh.markdown()).append('\n');
		}
		if (cluster != null) {
			out.append("### Cluster-wide limits: Redis on loopback (`ClusterLimitsBenchmark`)\n\n");
			out.append(cluster).append('\n');
		}
		return out.toString();
	}

	/** The table of {@link ClusterLimitsBenchmark}, or why it did not run. */
	private static String clusterLimits() throws Exception {
		String redisServer = ClusterLimitsBenchmark.redisServer();
		if (redisServer == null) {
			Log.progress("cluster: no redis-server on the PATH (or LLM_BENCH_REDIS_SERVER): skipped");
			return "Skipped: no `redis-server` on the PATH; set `LLM_BENCH_REDIS_SERVER` to one.\n";
		}
		return ClusterLimitsBenchmark.run(redisServer);
	}

	private static String machine(Settings settings, String loadBefore, String loadAfter, long seconds) {
		Table table = new Table("what", "value");
		table.row("date (UTC)", Instant.now().truncatedTo(ChronoUnit.MINUTES));
		table.row("cores seen by the JVM", Runtime.getRuntime().availableProcessors());
		table.row("CPU", cpuModel());
		table.row("JDK", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
		table.row("OS", System.getProperty("os.name") + " " + System.getProperty("os.version"));
		table.row("benchmark JVM heap (max)", Runtime.getRuntime().maxMemory() / 1048576 + " MB");
		table.row("load average before / after (1, 5, 15 min)", loadBefore + " / " + loadAfter);
		table.row("run took", seconds / 60 + " min " + seconds % 60 + " s"
				+ (settings.quick() ? " (--quick: smoke run, not for reading)" : ""));
		return table.toString();
	}

	private static String cpuModel() {
		try {
			for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
				if (line.startsWith("model name")) {
					return line.substring(line.indexOf(':') + 1).trim();
				}
			}
		}
		catch (IOException ex) {
			// not Linux
		}
		return System.getProperty("os.arch");
	}

	private static String loadAverage() {
		try {
			String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
			return parts[0] + ", " + parts[1] + ", " + parts[2];
		}
		catch (IOException ex) {
			return "n/a";
		}
	}

	static void updateDoc(Path doc, String report) throws IOException {
		String text = Files.readString(doc, StandardCharsets.UTF_8);
		int begin = text.indexOf(BEGIN);
		int end = text.indexOf(END);
		if (begin < 0 || end < begin) {
			Log.progress("%s has no %s ... %s markers: left unchanged", doc, BEGIN, END);
			return;
		}
		List<String> parts = new ArrayList<>();
		parts.add(text.substring(0, begin + BEGIN.length()));
		parts.add("\n\n" + report);
		parts.add(text.substring(end));
		Files.writeString(doc, String.join("", parts), StandardCharsets.UTF_8);
	}

}
