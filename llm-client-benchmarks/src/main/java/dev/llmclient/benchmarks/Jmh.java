package dev.llmclient.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The micro parts under JMH with {@code -prof gc}: recording a call, a health check with
 * a full latency window, and a whole call with the network cut out. JMH's own log goes to
 * {@code target/benchmarks/jmh.log}.
 */
final class Jmh {

	private static final int LOCK_ATTEMPTS = 20;

	private final Settings settings;

	final List<RunResult> results = new ArrayList<>();

	Jmh(Settings settings) {
		this.settings = settings;
	}

	Jmh run() throws Exception {
		Path log = Path.of("target", "benchmarks", "jmh.log");
		Files.createDirectories(log.getParent());
		Log.progress("jmh: recording, health, in-process call (log: %s)", log);
		int warmups = this.settings.quick() ? 1 : 3;
		int iterations = this.settings.quick() ? 1 : 3;
		TimeValue time = this.settings.quick() ? TimeValue.milliseconds(300) : TimeValue.seconds(1);
		Options options = new OptionsBuilder().include("dev\\.llmclient\\..*Benchmark")
			.forks(1)
			.warmupIterations(warmups)
			.warmupTime(time)
			.measurementIterations(iterations)
			.measurementTime(time)
			.threads(1)
			.jvmArgs("-Xms512m", "-Xmx512m")
			.addProfiler(GCProfiler.class)
			.shouldFailOnError(true)
			.output(log.toString())
			.build();
		Collection<RunResult> runs = null;
		for (int attempt = 1; runs == null; attempt++) {
			try {
				runs = new Runner(options).run();
			}
			catch (RunnerException ex) {
				// another JMH run on this machine holds /tmp/jmh.lock: wait for it rather
				// than disturb it
				if (attempt >= LOCK_ATTEMPTS || !String.valueOf(ex.getMessage()).contains("lock")) {
					throw ex;
				}
				Log.progress("jmh: another JMH run holds its lock; waiting 30 s (%d/%d)", attempt, LOCK_ATTEMPTS);
				Thread.sleep(30_000);
			}
		}
		this.results.addAll(runs);
		this.results.sort(RunResult.DEFAULT_SORT_COMPARATOR);
		return this;
	}

	String markdown() {
		Table table = new Table("benchmark", "parameters", "ns per op (± error)", "bytes allocated per op");
		for (RunResult run : this.results) {
			String name = run.getParams().getBenchmark();
			name = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
			Map<String, String> params = new TreeMap<>();
			for (String key : run.getParams().getParamsKeys()) {
				params.put(key, run.getParams().getParam(key));
			}
			Result<?> primary = run.getPrimaryResult();
			table.row(name, params.isEmpty() ? "" : params.toString(),
					String.format(Locale.ROOT, "%.0f ± %.0f", primary.getScore(), primary.getScoreError()),
					allocation(run));
		}
		return table.toString();
	}

	private static String allocation(RunResult run) {
		for (Map.Entry<String, Result> entry : run.getSecondaryResults().entrySet()) {
			if (entry.getKey().endsWith("gc.alloc.rate.norm")) {
				return String.format(Locale.ROOT, "%.0f", entry.getValue().getScore());
			}
		}
		return "n/a";
	}

}
