package dev.llmclient.benchmarks;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import dev.llmclient.EndpointSettings;
import dev.llmclient.LlmClient;
import dev.llmclient.batch.BatchResult;
import dev.llmclient.batch.LlmBatchService;

/**
 * Two endpoints, one of them behind a per-key request limit: goodput (successful calls
 * per second) and the 429s the client provokes, for issue 29's per-endpoint traffic
 * control. Uses only API that exists before that change, so the same file measures the
 * previous client too (copy it into that tree). Run by hand (about half a minute):
 *
 * <pre>
 * ./mvnw -B -q -ntp -Pbench -pl llm-client-benchmarks -am package -DskipTests
 * java -cp 'llm-client-benchmarks/target/llm-client-benchmarks.jar:llm-client-benchmarks/target/lib/*' dev.llmclient.benchmarks.EndpointRateLimitBenchmark
 * </pre>
 *
 * Endpoint {@code keyed} (in this JVM, the JDK's HTTP server) takes {@value #KEY_LIMIT}
 * requests per one-second window, as a provider's per-key limit does: it answers each
 * within the limit after {@value #ANSWER_MS} ms with
 * {@code x-ratelimit-remaining-requests} and {@code x-ratelimit-reset-requests}, and
 * refuses the rest at once with a 429 that carries the same headers with 0 remaining and
 * no {@code Retry-After}. Endpoint {@code replica} has no rate limit and answers after
 * {@value #ANSWER_MS} ms. The client allows {@value #KEYED_CONCURRENT} calls in flight on
 * {@code keyed} and {@value #REPLICA_CONCURRENT} on {@code replica}
 * ({@code max-concurrent} {@value #CLIENT_CONCURRENT} for the whole client), default
 * routing (least-busy) and retries (3 attempts). Ideal goodput is {@value #KEY_LIMIT}/s
 * from {@code keyed} plus {@value #REPLICA_CONCURRENT} / {@value #ANSWER_MS} ms from
 * {@code replica}. Each run is one batch of {@value #PROMPTS} prompts through
 * {@link LlmBatchService} on a fresh client, after one warm-up run.
 */
public final class EndpointRateLimitBenchmark {

	private static final int ANSWER_MS = 50;

	private static final int KEY_LIMIT = 100;

	private static final int KEYED_CONCURRENT = 8;

	private static final int REPLICA_CONCURRENT = 4;

	private static final int CLIENT_CONCURRENT = KEYED_CONCURRENT + REPLICA_CONCURRENT;

	private static final int PROMPTS = 1200;

	private static final int RUNS = 3;

	private static final byte[] REFUSED = ("{\"error\":{\"message\":\"Rate limit reached for requests\","
			+ "\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}")
		.getBytes(StandardCharsets.UTF_8);

	private EndpointRateLimitBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		// without it the server's separate writes of head and body meet the client's
		// delayed ACK: 40 ms more per answer
		System.setProperty("sun.net.httpserver.nodelay", "true");
		double ideal = KEY_LIMIT + REPLICA_CONCURRENT * 1000.0 / ANSWER_MS;
		StringBuilder table = new StringBuilder();
		table.append("| run | goodput (/s) | of ideal ")
			.append(Math.round(ideal))
			.append("/s | keyed answered | keyed 429s | replica answered | items lost | seconds |\n");
		table.append("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
		try (Server keyed = new Server(KEY_LIMIT); Server replica = new Server(Integer.MAX_VALUE)) {
			run(keyed, replica, 300);
			for (int run = 1; run <= RUNS; run++) {
				keyed.reset();
				replica.reset();
				long start = System.nanoTime();
				BatchResult result = run(keyed, replica, PROMPTS);
				double seconds = (System.nanoTime() - start) / 1e9;
				double goodput = result.succeeded() / seconds;
				table.append(String.format(Locale.ROOT, "| %d | %.0f | %.2f | %d | %d | %d | %d | %.1f |%n", run,
						goodput, goodput / ideal, keyed.answered(), keyed.refused(), replica.answered(),
						result.failed(), seconds));
			}
		}
		System.out.print(table);
		System.exit(0);
	}

	private static BatchResult run(Server keyed, Server replica, int prompts) {
		try (LlmClient client = LlmClient.builder()
			.endpoints(List.of(EndpointSettings.of(keyed.endpoint()).withMaxConcurrent(KEYED_CONCURRENT),
					EndpointSettings.of(replica.endpoint()).withMaxConcurrent(REPLICA_CONCURRENT)))
			.model("sim")
			.limits((limits) -> limits.withMaxConcurrent(CLIENT_CONCURRENT))
			.lifecycle((lifecycle) -> lifecycle.withEagerInit(false))
			.build()) {
			return new LlmBatchService(client)
				.generateAll(IntStream.range(0, prompts).mapToObj((i) -> "prompt " + i).toList());
		}
	}

	/** One simulated server; with a limit, per one-second window from its start. */
	private static final class Server implements AutoCloseable {

		private static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(1);

		private final HttpServer server;

		private final ExecutorService executor = Executors.newCachedThreadPool();

		private final int limit;

		private final long start = System.nanoTime();

		private long window = -1;

		private int taken;

		private final AtomicLong answered = new AtomicLong();

		private final AtomicLong refused = new AtomicLong();

		Server(int limit) throws IOException {
			this.limit = limit;
			this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
			this.server.createContext("/v1/chat/completions", this::answer);
			this.server.setExecutor(this.executor);
			this.server.start();
		}

		String endpoint() {
			return "http://127.0.0.1:" + this.server.getAddress().getPort() + "/v1";
		}

		void reset() {
			this.answered.set(0);
			this.refused.set(0);
		}

		long answered() {
			return this.answered.get();
		}

		long refused() {
			return this.refused.get();
		}

		/**
		 * Takes one request of the current window: the requests left after it, or -1 when
		 * none was left; {@code resetMs[0]} is set to the window's end.
		 */
		private synchronized int take(long[] resetMs) {
			long elapsed = System.nanoTime() - this.start;
			long window = elapsed / WINDOW_NANOS;
			if (window != this.window) {
				this.window = window;
				this.taken = 0;
			}
			resetMs[0] = Math.max(1, TimeUnit.NANOSECONDS.toMillis((window + 1) * WINDOW_NANOS - elapsed));
			if (this.taken >= this.limit) {
				return -1;
			}
			this.taken++;
			return this.limit - this.taken;
		}

		private void answer(HttpExchange exchange) throws IOException {
			try (exchange) {
				exchange.getRequestBody().readAllBytes();
				if (this.limit != Integer.MAX_VALUE) {
					long[] resetMs = new long[1];
					int remaining = take(resetMs);
					exchange.getResponseHeaders().add("x-ratelimit-limit-requests", Integer.toString(this.limit));
					exchange.getResponseHeaders()
						.add("x-ratelimit-remaining-requests", Integer.toString(Math.max(0, remaining)));
					exchange.getResponseHeaders().add("x-ratelimit-reset-requests", resetMs[0] + "ms");
					if (remaining < 0) {
						this.refused.incrementAndGet();
						respond(exchange, 429, REFUSED);
						return;
					}
				}
				Thread.sleep(ANSWER_MS);
				this.answered.incrementAndGet();
				respond(exchange, 200, SimCompletion.BODY);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

		private static void respond(HttpExchange exchange, int status, byte[] body) throws IOException {
			exchange.getResponseHeaders().add("Content-Type", "application/json");
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
