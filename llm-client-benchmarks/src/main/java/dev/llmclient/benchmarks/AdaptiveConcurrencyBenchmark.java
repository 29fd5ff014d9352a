package dev.llmclient.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

import dev.llmclient.LlmClient;
import dev.llmclient.batch.BatchResult;
import dev.llmclient.batch.LlmBatchService;

/**
 * Adaptive concurrency against a provider with a hidden concurrency cap C, for both kinds
 * of provider side by side: one that refuses with a bare 429 (vLLM, llama.cpp, Ollama)
 * and one that refuses with {@code Retry-After: 1} and sends {@code x-ratelimit-*}
 * headers on every answer (a hosted API or gateway). For C in 4, 16 and 64: goodput
 * (successful calls per second) against the fixed {@code max-concurrent} of C, the
 * fraction of requests refused with 429, and the items a batch lost, for a fixed limit of
 * C and of 4C and for the adaptive limit (with {@code max-concurrent} 4C as its ceiling);
 * then the sample's scenario of issue 29: 1 000 prompts against a cap of 8 with
 * {@code max-concurrent} 64 and the adaptive limit on. Run by hand (a few minutes on two
 * cores), or from {@link BenchmarkMain} with {@code --only=adaptive}:
 *
 * <pre>
 * ./mvnw -B -q -Pbench -pl llm-client-benchmarks -am package -DskipTests
 * java -cp llm-client-benchmarks/target/llm-client-benchmarks.jar dev.llmclient.benchmarks.AdaptiveConcurrencyBenchmark [--chart=PATH]
 * </pre>
 *
 * The simulated provider ({@link CappedProvider}) answers each request after
 * {@value #ANSWER_MS} ms while fewer than C are being answered, and refuses any request
 * beyond C at once with a 429. Each run of the table is one batch of
 * {@value #SECONDS_OF_WORK} s of ideal work (C / {@value #ANSWER_MS} ms × that many
 * seconds of prompts) through {@link LlmBatchService}, with the client's default retry
 * settings (3 attempts, {@code retry.max-retry-after} 60 s); a fresh client per run, one
 * warm-up run first.
 */
public final class AdaptiveConcurrencyBenchmark {

	private static final int ANSWER_MS = 50;

	private static final int SECONDS_OF_WORK = 4;

	private static final int[] CAPS = { 4, 16, 64 };

	private static final List<String> MODES = List.of("fixed C", "fixed 4C", "adaptive (max 4C)");

	private static final int SAMPLE_CAP = 8;

	private static final int SAMPLE_PROMPTS = 1000;

	private static final int SAMPLE_MAX_CONCURRENT = 64;

	private AdaptiveConcurrencyBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		Path chart = Path.of("docs", "adaptive-concurrency.svg");
		for (String arg : args) {
			if (arg.startsWith("--chart=")) {
				chart = Path.of(arg.substring(8));
			}
		}
		Results results = run();
		System.out.println(results.markdown());
		if (Files.isDirectory(chart.toAbsolutePath().getParent())) {
			Files.writeString(chart, results.chart(), StandardCharsets.UTF_8);
			System.out.println("chart written to " + chart);
		}
		System.exit(0);
	}

	/**
	 * Runs every row: both provider kinds, each C and limit, then the 1 000-prompt
	 * scenario.
	 * @return the rows
	 * @throws IOException when the simulated provider cannot start
	 */
	static Results run() throws IOException {
		List<Row> rows = new ArrayList<>();
		List<Row> sample = new ArrayList<>();
		try (CappedProvider provider = new CappedProvider(ANSWER_MS, null)) {
			run(provider, Kind.BARE, 8, "warm-up", false, 8, 8 * 20);
			for (Kind kind : Kind.values()) {
				for (int cap : CAPS) {
					int prompts = cap * (1000 / ANSWER_MS) * SECONDS_OF_WORK;
					rows.add(run(provider, kind, cap, "fixed C", false, cap, prompts));
					rows.add(run(provider, kind, cap, "fixed 4C", false, 4 * cap, prompts));
					rows.add(run(provider, kind, cap, "adaptive (max 4C)", true, 4 * cap, prompts));
				}
			}
			for (Kind kind : Kind.values()) {
				sample.add(run(provider, kind, SAMPLE_CAP, "adaptive (max 64)", true, SAMPLE_MAX_CONCURRENT,
						SAMPLE_PROMPTS));
			}
		}
		return new Results(rows, sample);
	}

	private static Row run(CappedProvider provider, Kind kind, int cap, String mode, boolean adaptive,
			int maxConcurrent, int prompts) {
		provider.reset(cap, kind == Kind.RETRY_AFTER);
		try (LlmClient client = LlmClient.builder()
			.endpoint("http://127.0.0.1:" + provider.port() + "/v1")
			.model("sim")
			.limits((limits) -> limits.withMaxConcurrent(maxConcurrent))
			.adaptive((settings) -> settings.withEnabled(adaptive))
			.lifecycle((lifecycle) -> lifecycle.withEagerInit(false))
			.build()) {
			List<String> batch = IntStream.range(0, prompts).mapToObj((i) -> "prompt " + i).toList();
			BatchResult result = new LlmBatchService(client).generateAll(batch);
			double seconds = result.elapsed().toNanos() / 1e9;
			Row row = new Row(kind, cap, mode, maxConcurrent, prompts, result.succeeded(), result.failed(), seconds,
					provider.requests(), provider.refused(), provider.maxServed());
			Log.progress("%s C=%d %-18s %5.2f s, goodput %.0f/s (%.2f of ideal), 429 %.1f%%, lost %d", kind.label, cap,
					mode, seconds, row.goodput(), row.ofIdeal(), row.refusedFraction() * 100, row.lost());
			return row;
		}
	}

	private static double max(double[][] values) {
		double max = 0;
		for (double[] row : values) {
			for (double value : row) {
				max = Math.max(max, value);
			}
		}
		return max;
	}

	/** How the provider refuses. */
	enum Kind {

		/** A bare 429, as a vLLM, llama.cpp or Ollama slot limit sends it. */
		BARE("bare 429"),

		/**
		 * A 429 with {@code Retry-After: 1}, and {@code x-ratelimit-*} headers (budget
		 * left) on every answer, as a hosted API sends them.
		 */
		RETRY_AFTER("429 + Retry-After");

		final String label;

		Kind(String label) {
			this.label = label;
		}

	}

	/** What one run of the benchmark measured. */
	record Results(List<Row> rows, List<Row> sample) {

		/** The tables, in Markdown, with a line saying what was run. */
		String markdown() {
			StringBuilder out = new StringBuilder();
			out.append(String.format(Locale.ROOT,
					"Hidden cap C, %d ms answers, one batch of %d s of ideal work per row, default retries "
							+ "(3 attempts); goodput is relative to the fixed limit of C of the same provider.%n%n",
					ANSWER_MS, SECONDS_OF_WORK));
			Table table = new Table("provider", "C", "client", "prompts", "time (s)", "goodput (/s)", "of fixed C",
					"429s of requests", "items lost");
			for (Row row : this.rows) {
				Row tuned = this.rows.stream()
					.filter((r) -> r.kind() == row.kind() && r.cap() == row.cap() && r.mode().equals("fixed C"))
					.findFirst()
					.orElse(row);
				table.row(row.kind().label, row.cap(), row.mode(), row.prompts(),
						String.format(Locale.ROOT, "%.2f", row.seconds()),
						String.format(Locale.ROOT, "%.0f", row.goodput()),
						String.format(Locale.ROOT, "%.2f", row.goodput() / tuned.goodput()),
						String.format(Locale.ROOT, "%.1f %%", row.refusedFraction() * 100), row.lost());
			}
			out.append(table).append('\n');
			out.append(String.format(Locale.ROOT,
					"%d prompts against a cap of %d, max-concurrent %d, adaptive on (issue 29's sample scenario; "
							+ "ideal %.2f s):%n%n",
					SAMPLE_PROMPTS, SAMPLE_CAP, SAMPLE_MAX_CONCURRENT,
					SAMPLE_PROMPTS * ANSWER_MS / 1000.0 / SAMPLE_CAP));
			Table sampleTable = new Table("provider", "time (s)", "of ideal", "requests", "refused (429)",
					"429s of requests", "items lost");
			for (Row row : this.sample) {
				sampleTable.row(row.kind().label, String.format(Locale.ROOT, "%.2f", row.seconds()),
						String.format(Locale.ROOT, "%.2f", row.ofIdeal()), row.requests(), row.refused(),
						String.format(Locale.ROOT, "%.1f %%", row.refusedFraction() * 100), row.lost());
			}
			out.append(sampleTable);
			return out.toString();
		}

		/** Goodput and 429s per provider kind and C, as an SVG chart. */
		String chart() {
			List<String> groups = new ArrayList<>();
			for (Kind kind : Kind.values()) {
				for (int cap : CAPS) {
					groups.add(kind.label + ", C = " + cap);
				}
			}
			double[][] ofFixed = new double[groups.size()][MODES.size()];
			double[][] refused = new double[groups.size()][MODES.size()];
			for (Row row : this.rows) {
				int s = MODES.indexOf(row.mode());
				int g = groups.indexOf(row.kind().label + ", C = " + row.cap());
				Row tuned = this.rows.stream()
					.filter((r) -> r.kind() == row.kind() && r.cap() == row.cap() && r.mode().equals("fixed C"))
					.findFirst()
					.orElse(row);
				ofFixed[g][s] = row.goodput() / tuned.goodput();
				refused[g][s] = row.refusedFraction() * 100;
			}
			return SvgChart.render(
					"Hidden cap C, 50 ms answers, one batch of 4 s of ideal work per bar; default retries (3 attempts)",
					List.of(new SvgChart.Panel("Goodput, fraction of the fixed limit of C", "of fixed C", groups, MODES,
							ofFixed, Math.max(1.1, max(ofFixed) * 1.1),
							List.of(new SvgChart.Reference(0.9, "0.90", true))),
							new SvgChart.Panel("Requests refused with 429", "% of requests", groups, MODES, refused,
									Math.max(5, max(refused) * 1.1),
									List.of(new SvgChart.Reference(2, "2 %", false)))));
		}

	}

	record Row(Kind kind, int cap, String mode, int maxConcurrent, int prompts, int succeeded, int lost, double seconds,
			long requests, long refused, int maxServed) {

		double goodput() {
			return this.succeeded / this.seconds;
		}

		double ofIdeal() {
			return goodput() / (this.cap * 1000.0 / ANSWER_MS);
		}

		double refusedFraction() {
			return (this.requests == 0) ? 0 : (double) this.refused / this.requests;
		}

	}

}
