package dev.llmclient.benchmarks;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import dev.llmclient.LlmClient;
import dev.llmclient.batch.BatchResult;
import dev.llmclient.batch.LlmBatchService;

/**
 * Adaptive concurrency against a provider with a hidden concurrency cap: goodput
 * (successful calls per second) and the fraction of requests refused with 429, for a
 * fixed {@code max-concurrent} of C/2, C and 4C, and for the adaptive limit (with
 * {@code max-concurrent} 4C as its ceiling), for C in 4, 16 and 64. Run by hand (a few
 * minutes on two cores; the guide's "Traffic control" and docs/benchmarks.md hold the
 * numbers):
 *
 * <pre>
 * ./mvnw -B -q -Pbench -pl llm-client-benchmarks -am package -DskipTests
 * java -cp llm-client-benchmarks/target/llm-client-benchmarks.jar dev.llmclient.benchmarks.AdaptiveConcurrencyBenchmark [--chart=PATH]
 * </pre>
 *
 * The simulated provider (in this JVM, the JDK's HTTP server) answers each request after
 * {@value #ANSWER_MS} ms while fewer than C are being answered, and refuses any request
 * beyond C at once with a 429 without {@code Retry-After}, as a vLLM, llama.cpp or Ollama
 * slot limit does. Each run is one batch of {@value #SECONDS_OF_WORK} s of ideal work (C
 * / {@value #ANSWER_MS} ms × that many seconds of prompts) through
 * {@link LlmBatchService}, with the client's default retry settings (3 attempts); a fresh
 * client per run, one warm-up run first. Ideal goodput is C / {@value #ANSWER_MS} ms.
 */
public final class AdaptiveConcurrencyBenchmark {

	private static final int ANSWER_MS = 50;

	private static final int SECONDS_OF_WORK = 4;

	private static final int[] CAPS = { 4, 16, 64 };

	private static final byte[] COMPLETION = ("{\"id\":\"c\",\"object\":\"chat.completion\",\"model\":\"sim\","
			+ "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},"
			+ "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4}}")
		.getBytes(StandardCharsets.UTF_8);

	private static final byte[] REFUSED = ("{\"error\":{\"message\":\"Too many requests in flight\","
			+ "\"type\":\"rate_limit_exceeded\"}}")
		.getBytes(StandardCharsets.UTF_8);

	private AdaptiveConcurrencyBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		Path chart = Path.of("docs", "adaptive-concurrency.svg");
		for (String arg : args) {
			if (arg.startsWith("--chart=")) {
				chart = Path.of(arg.substring(8));
			}
		}
		List<Row> rows = new ArrayList<>();
		try (Provider provider = new Provider()) {
			run(provider, 8, "warm-up", false, 8);
			for (int cap : CAPS) {
				rows.add(run(provider, cap, "fixed C/2", false, Math.max(1, cap / 2)));
				rows.add(run(provider, cap, "fixed C", false, cap));
				rows.add(run(provider, cap, "fixed 4C", false, 4 * cap));
				rows.add(run(provider, cap, "adaptive (max 4C)", true, 4 * cap));
			}
		}
		System.out.println(markdown(rows));
		if (Files.isDirectory(chart.toAbsolutePath().getParent())) {
			Files.writeString(chart, chart(rows), StandardCharsets.UTF_8);
			System.out.println("chart written to " + chart);
		}
		System.exit(0);
	}

	private static Row run(Provider provider, int cap, String mode, boolean adaptive, int maxConcurrent)
			throws IOException {
		int prompts = cap * (1000 / ANSWER_MS) * SECONDS_OF_WORK;
		provider.reset(cap);
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
			Row row = new Row(cap, mode, maxConcurrent, prompts, result.succeeded(), result.failed(), seconds,
					provider.requests(), provider.refused(), provider.maxServed());
			System.err.printf(Locale.ROOT, "C=%d %-18s goodput %.0f/s (%.2f of ideal), 429 %.1f%%, lost %d%n", cap,
					mode, row.goodput(), row.ofIdeal(), row.refusedFraction() * 100, row.lost());
			return row;
		}
	}

	private static String markdown(List<Row> rows) {
		StringBuilder out = new StringBuilder();
		out.append(
				"| C | client | prompts | goodput (/s) | of ideal C/50ms | of fixed C | 429s of requests | items lost |\n");
		out.append("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
		for (Row row : rows) {
			Row tuned = rows.stream()
				.filter((r) -> r.cap() == row.cap() && r.mode().equals("fixed C"))
				.findFirst()
				.orElse(row);
			out.append(String.format(Locale.ROOT, "| %d | %s | %d | %.0f | %.2f | %.2f | %.1f %% | %d |%n", row.cap(),
					row.mode(), row.prompts(), row.goodput(), row.ofIdeal(), row.goodput() / tuned.goodput(),
					row.refusedFraction() * 100, row.lost()));
		}
		return out.toString();
	}

	private static String chart(List<Row> rows) {
		List<String> groups = new ArrayList<>();
		for (int cap : CAPS) {
			groups.add("C = " + cap);
		}
		List<String> series = List.of("fixed C/2", "fixed C", "fixed 4C", "adaptive (max 4C)");
		double[][] ofIdeal = new double[CAPS.length][series.size()];
		double[][] refused = new double[CAPS.length][series.size()];
		for (Row row : rows) {
			int s = series.indexOf(row.mode());
			int g = groups.indexOf("C = " + row.cap());
			ofIdeal[g][s] = row.ofIdeal();
			refused[g][s] = row.refusedFraction() * 100;
		}
		return SvgChart.render(
				"Hidden cap C, 50 ms answers, one batch of 4 s of ideal work per bar; default retries (3 attempts)",
				List.of(new SvgChart.Panel("Goodput, fraction of the ideal C / 50 ms", "of ideal", groups, series,
						ofIdeal, 1.1, List.of(new SvgChart.Reference(1.0, "ideal", true))),
						new SvgChart.Panel("Requests refused with 429", "% of requests", groups, series, refused,
								Math.max(5, max(refused) * 1.1), List.of(new SvgChart.Reference(2, "2 %", false)))));
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

	record Row(int cap, String mode, int maxConcurrent, int prompts, int succeeded, int lost, double seconds,
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

	/**
	 * The simulated provider: at most {@code cap} requests answered at once, the rest
	 * refused with 429 at once.
	 */
	private static final class Provider implements AutoCloseable {

		private final HttpServer server;

		private final ExecutorService executor = Executors.newCachedThreadPool();

		private final AtomicInteger serving = new AtomicInteger();

		private final AtomicInteger maxServed = new AtomicInteger();

		private final AtomicLong requests = new AtomicLong();

		private final AtomicLong refused = new AtomicLong();

		private volatile int cap;

		Provider() throws IOException {
			// without it the server's separate writes of head and body meet the client's
			// delayed ACK: 40 ms more per answer
			System.setProperty("sun.net.httpserver.nodelay", "true");
			this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
			this.server.createContext("/v1/chat/completions", this::answer);
			this.server.setExecutor(this.executor);
			this.server.start();
		}

		int port() {
			return this.server.getAddress().getPort();
		}

		void reset(int cap) {
			this.cap = cap;
			this.requests.set(0);
			this.refused.set(0);
			this.maxServed.set(0);
		}

		long requests() {
			return this.requests.get();
		}

		long refused() {
			return this.refused.get();
		}

		int maxServed() {
			return this.maxServed.get();
		}

		private void answer(HttpExchange exchange) throws IOException {
			try (exchange) {
				exchange.getRequestBody().readAllBytes();
				this.requests.incrementAndGet();
				int now = this.serving.incrementAndGet();
				try {
					if (now > this.cap) {
						this.refused.incrementAndGet();
						respond(exchange, 429, REFUSED);
						return;
					}
					this.maxServed.accumulateAndGet(now, Math::max);
					TimeUnit.MILLISECONDS.sleep(ANSWER_MS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
				finally {
					this.serving.decrementAndGet();
				}
				respond(exchange, 200, COMPLETION);
			}
		}

		private static void respond(HttpExchange exchange, int status, byte[] body) throws IOException {
			exchange.getResponseHeaders().set("Content-Type", "application/json");
			exchange.sendResponseHeaders(status, body.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(body);
			}
		}

		@Override
		public void close() {
			this.server.stop(0);
			this.executor.shutdownNow();
		}

	}

}
