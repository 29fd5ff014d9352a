package dev.llmclient.benchmarks;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import dev.llmclient.ChatRequest;
import dev.llmclient.LlmClient;
import dev.llmclient.RequestClass;
import dev.llmclient.batch.BatchResult;
import dev.llmclient.batch.LlmBatchService;

/**
 * Issue 26's measure: a batch of {@value #PROMPTS} prompts runs through
 * {@link LlmBatchService} against a server answering in {@value #ANSWER_MS} ms, and
 * interactive calls arrive at {@value #INTERACTIVE_PER_SECOND} per second for
 * {@value #INTERACTIVE_SECONDS} s (open loop: each at its time, whether the earlier ones
 * have ended or not). Per row: the interactive calls' wait for a permit (the time from
 * the call to its request reaching the server, so the client's own work is in it, a few
 * tenths of a millisecond) at p50 and p99, and the batch's goodput against the same batch
 * alone. Three clients, each with the batch alone, everything in one class (today's
 * behaviour: the batch's requests say {@code INTERACTIVE}, so all wait in one line), and
 * request classes (the batch's default, {@code BATCH}): {@code max-concurrent}
 * {@value #MAX_CONCURRENT} against an uncapped server; then the adaptive limit (ceiling
 * {@value #ADAPTIVE_CEILING}) against a server capped at {@value #CAP}, refusing with a
 * bare 429 (self-hosted) and with {@code Retry-After} and {@code x-ratelimit-*} (hosted).
 * Targets: interactive p99 wait at most a quarter of the server's latency, batch goodput
 * at least 0.90 of the batch alone. Run from {@link BenchmarkMain} with
 * {@code --only=classes} (about four minutes).
 */
final class RequestClassBenchmark {

	static final int ANSWER_MS = 200;

	static final int PROMPTS = 2000;

	static final int MAX_CONCURRENT = 16;

	static final int CAP = 16;

	static final int ADAPTIVE_CEILING = 32;

	static final int INTERACTIVE_PER_SECOND = 5;

	static final int INTERACTIVE_SECONDS = 20;

	/** How long the batch runs before the first interactive call. */
	private static final long INTERACTIVE_START_MS = 1500;

	static final List<String> MODES = List.of("batch alone", "one class (before)", "request classes");

	private static final Pattern PROMPT = Pattern.compile("\"(i-\\d+)\"");

	private RequestClassBenchmark() {
	}

	/** The server and how the client meets its limit. */
	enum Setup {

		FIXED("fixed max-concurrent 16, uncapped server", Integer.MAX_VALUE, false, false),

		ADAPTIVE_BARE("adaptive (max 32), cap 16, bare 429", CAP, true, false),

		ADAPTIVE_HOSTED("adaptive (max 32), cap 16, 429 + Retry-After", CAP, true, true);

		final String label;

		final int cap;

		final boolean adaptive;

		final boolean hosted;

		Setup(String label, int cap, boolean adaptive, boolean hosted) {
			this.label = label;
			this.cap = cap;
			this.adaptive = adaptive;
			this.hosted = hosted;
		}

	}

	static Results run() throws IOException {
		List<Row> rows = new ArrayList<>();
		try (CappedProvider provider = new CappedProvider(ANSWER_MS, PROMPT)) {
			Log.progress("classes: warm-up");
			run(provider, Setup.FIXED, "warm-up", 200);
			for (Setup setup : Setup.values()) {
				for (String mode : MODES) {
					rows.add(run(provider, setup, mode, PROMPTS));
				}
			}
		}
		return new Results(rows);
	}

	private static Row run(CappedProvider provider, Setup setup, String mode, int prompts) {
		provider.reset(setup.cap, setup.hosted);
		boolean interactive = !mode.equals("batch alone") && !mode.equals("warm-up");
		RequestClass batchClass = mode.equals("one class (before)") ? RequestClass.INTERACTIVE : null;
		try (LlmClient client = LlmClient.builder()
			.endpoint("http://127.0.0.1:" + provider.port() + "/v1")
			.model("sim")
			.limits((limits) -> limits.withMaxConcurrent(setup.adaptive ? ADAPTIVE_CEILING : MAX_CONCURRENT))
			.adaptive((settings) -> settings.withEnabled(setup.adaptive))
			.lifecycle((lifecycle) -> lifecycle.withEagerInit(false))
			.build()) {
			List<ChatRequest> batch = IntStream.range(0, prompts)
				.mapToObj((i) -> ChatRequest.builder().user("b-" + i).requestClass(batchClass).build())
				.toList();
			CompletableFuture<BatchResult> running = CompletableFuture
				.supplyAsync(() -> new LlmBatchService(client).chatAll(batch));
			long[] waits = interactive ? interactive(client, provider) : new long[0];
			BatchResult result = running.join();
			double seconds = result.elapsed().toNanos() / 1e9;
			Row row = new Row(setup, mode, result.succeeded(), result.failed(), seconds, waits, provider.refused());
			Log.progress(
					"classes: %-45s %-20s batch %5.2f s (%.0f/s, lost %d), interactive wait p50 %.1f ms, "
							+ "p99 %.1f ms, max %.1f ms, 429s %d",
					setup.label, mode, seconds, row.goodput(), row.lost(), row.waitMs(0.50), row.waitMs(0.99),
					row.waitMs(1.0), row.refused());
			return row;
		}
	}

	/**
	 * Sends the interactive calls, each on its own thread at its time, and returns each
	 * one's wait: from the call to its (last) request reaching the server.
	 */
	private static long[] interactive(LlmClient client, CappedProvider provider) {
		int calls = INTERACTIVE_PER_SECOND * INTERACTIVE_SECONDS;
		long interval = TimeUnit.SECONDS.toNanos(1) / INTERACTIVE_PER_SECOND;
		ExecutorService callers = Executors.newCachedThreadPool();
		long[] called = new long[calls];
		List<CompletableFuture<?>> ends = new ArrayList<>();
		try {
			sleepUntil(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(INTERACTIVE_START_MS));
			long start = System.nanoTime();
			for (int i = 0; i < calls; i++) {
				sleepUntil(start + i * interval);
				int index = i;
				ends.add(CompletableFuture.runAsync(() -> {
					called[index] = System.nanoTime();
					client.chat(ChatRequest.of("i-" + index));
				}, callers));
			}
			CompletableFuture.allOf(ends.toArray(CompletableFuture[]::new)).join();
		}
		finally {
			callers.shutdown();
		}
		long[] waits = new long[calls];
		for (int i = 0; i < calls; i++) {
			Long arrived = provider.arrival("i-" + i);
			waits[i] = (arrived != null) ? arrived - called[i] : Long.MAX_VALUE;
		}
		Arrays.sort(waits);
		return waits;
	}

	private static void sleepUntil(long nanoTime) {
		long left;
		while ((left = nanoTime - System.nanoTime()) > 0) {
			try {
				TimeUnit.NANOSECONDS.sleep(left);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}
	}

	/** What one run measured. */
	record Results(List<Row> rows) {

		Row row(Setup setup, String mode) {
			return this.rows.stream()
				.filter((r) -> r.setup() == setup && r.mode().equals(mode))
				.findFirst()
				.orElseThrow();
		}

		double ofAlone(Row row) {
			return row.goodput() / row(row.setup(), "batch alone").goodput();
		}

		String markdown() {
			StringBuilder out = new StringBuilder();
			out.append(String.format(Locale.ROOT,
					"%d ms answers, a batch of %d prompts through LlmBatchService, interactive calls at %d/s for "
							+ "%d s (open loop) from %.1f s into the batch. Interactive wait: from the call to its "
							+ "request reaching the server. Targets: p99 wait <= %d ms (0.25 x the latency), batch "
							+ "goodput >= 0.90 of the batch alone.%n%n",
					ANSWER_MS, PROMPTS, INTERACTIVE_PER_SECOND, INTERACTIVE_SECONDS, INTERACTIVE_START_MS / 1000.0,
					ANSWER_MS / 4));
			Table table = new Table("client and server", "mode", "interactive wait p50 (ms)",
					"interactive wait p99 (ms)", "batch time (s)", "batch goodput (/s)", "of batch alone", "429s",
					"items lost");
			for (Row row : this.rows) {
				boolean alone = row.waits().length == 0;
				table.row(row.setup().label, row.mode(),
						alone ? "-" : String.format(Locale.ROOT, "%.1f", row.waitMs(0.5)),
						alone ? "-" : String.format(Locale.ROOT, "%.1f", row.waitMs(0.99)),
						String.format(Locale.ROOT, "%.2f", row.seconds()),
						String.format(Locale.ROOT, "%.1f", row.goodput()),
						String.format(Locale.ROOT, "%.2f", ofAlone(row)), row.refused(), row.lost());
			}
			return out.append(table).toString();
		}

		String chart() {
			List<String> groups = Arrays.stream(Setup.values()).map((s) -> s.label).toList();
			List<String> series = MODES.subList(1, MODES.size());
			double[][] p99 = new double[groups.size()][series.size()];
			double[][] goodput = new double[groups.size()][series.size()];
			double maxWait = ANSWER_MS / 4.0;
			for (Setup setup : Setup.values()) {
				for (int s = 0; s < series.size(); s++) {
					Row row = row(setup, series.get(s));
					p99[setup.ordinal()][s] = row.waitMs(0.99);
					goodput[setup.ordinal()][s] = ofAlone(row);
					maxWait = Math.max(maxWait, p99[setup.ordinal()][s]);
				}
			}
			return SvgChart.render(
					"Request classes: " + ANSWER_MS + " ms answers, a " + PROMPTS + "-prompt batch and "
							+ INTERACTIVE_PER_SECOND + " interactive calls/s for " + INTERACTIVE_SECONDS + " s",
					List.of(new SvgChart.Panel("Interactive wait for a permit, p99 (lower is better)", "ms", groups,
							series, p99, Math.ceil(maxWait * 1.1),
							List.of(new SvgChart.Reference(ANSWER_MS / 4.0, "target", false))),
							new SvgChart.Panel("Batch goodput, of the batch alone (higher is better)", "of alone",
									groups, series, goodput, 1.1, List.of(new SvgChart.Reference(0.9, "0.90", true)))));
		}

	}

	record Row(Setup setup, String mode, int succeeded, int lost, double seconds, long[] waits, long refused) {

		double goodput() {
			return this.succeeded / this.seconds;
		}

		/** The wait at quantile {@code q}, in milliseconds; sorted waits. */
		double waitMs(double q) {
			if (this.waits.length == 0) {
				return 0;
			}
			int index = Math.min(this.waits.length - 1, (int) Math.ceil(q * this.waits.length) - 1);
			return this.waits[Math.max(0, index)] / 1e6;
		}

	}

}
