package dev.llmclient.benchmarks;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import tools.jackson.databind.JsonNode;

import dev.llmclient.ChatMessage;
import dev.llmclient.ChatRequest;
import dev.llmclient.EndpointSettings;
import dev.llmclient.LlmClient;
import dev.llmclient.RoutingSettings;

/**
 * Prompt caching on self-hosted replicas ({@code --only=prompt-cache}): three loopback
 * replicas that each keep the prefixes (system messages) they have seen, up to
 * {@value #CACHE_SIZE} with the least recently used evicted, as a replica's KV cache
 * holds only so much, and report {@code usage.prompt_tokens_details.cached_tokens} for a
 * hit as vLLM does; a hit also answers sooner (prefill skipped). {@value #REQUESTS}
 * requests over {@value #PROMPTS} system prompts drawn from a seeded Zipf mix (a few
 * prompts frequent, most rare; then, for least-busy and cache-affinity, a uniform mix),
 * {@value #CONCURRENCY} callers, one client per strategy, fresh replicas each time, the
 * same requests in the same order. Cached tokens are counted on the servers. The ideal
 * misses each prefix once. A last run routes by {@code cache-affinity} while replica 1
 * answers 503 for requests {@value #FAIL_FROM}–{@value #FAIL_TO}: it cools down, its
 * prefixes move to the next replica on the ring, and they come back after.
 * <p>
 * {@code -Dprompt-cache.load-slack=0.5} measures another
 * {@code routing.cache-affinity.load-slack} than the default.
 */
public final class PromptCacheBenchmark {

	static final int REPLICAS = 3;

	static final int CACHE_SIZE = 20;

	static final int REQUESTS = 2_000;

	static final int PROMPTS = 50;

	static final int CONCURRENCY = 16;

	static final long SEED = 28;

	static final int FAIL_FROM = 700;

	static final int FAIL_TO = 1_300;

	/** Words of a system prompt: a few hundred tokens, as instructions with examples. */
	private static final int SYSTEM_WORDS = 300;

	private static final int USER_WORDS = 30;

	/** What every answer costs the replica, and what a miss adds (prefill). */
	private static final long BASE_MILLIS = 4;

	private static final long MISS_MILLIS = 12;

	private PromptCacheBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		System.out.println(run().markdown());
		System.exit(0);
	}

	/** Runs each strategy, then the cooldown run, and writes the chart. */
	static Results run() throws Exception {
		List<ChatRequest> requests = requests(true);
		long ideal = idealCachedTokens(requests);
		// a first pass, not reported, so that the first strategy measured does not pay
		// for
		// loading and compiling the client's code
		List<ChatRequest> warmUp = requests.subList(0, REQUESTS / 4);
		measure("warm-up", RoutingSettings.Strategy.LEAST_BUSY, warmUp, idealCachedTokens(warmUp), false);
		List<Row> rows = new ArrayList<>();
		for (RoutingSettings.Strategy strategy : List.of(RoutingSettings.Strategy.LEAST_BUSY,
				RoutingSettings.Strategy.ROUND_ROBIN, RoutingSettings.Strategy.CACHE_AFFINITY)) {
			rows.add(measure(label(strategy), strategy, requests, ideal, false));
		}
		rows.add(measure("cache-affinity, replica 1 cooling down", RoutingSettings.Strategy.CACHE_AFFINITY, requests,
				ideal, true));
		List<ChatRequest> uniform = requests(false);
		long uniformIdeal = idealCachedTokens(uniform);
		for (RoutingSettings.Strategy strategy : List.of(RoutingSettings.Strategy.LEAST_BUSY,
				RoutingSettings.Strategy.CACHE_AFFINITY)) {
			rows.add(measure(label(strategy) + " (uniform mix)", strategy, uniform, uniformIdeal, false));
		}
		Results results = new Results(rows);
		Path chart = Path.of("docs", "prompt-cache.svg");
		if (!Files.isDirectory(chart.getParent())) {
			chart = Path.of("target", "benchmarks", "prompt-cache.svg");
			Files.createDirectories(chart.getParent());
		}
		Files.writeString(chart, results.chart(), StandardCharsets.UTF_8);
		Log.progress("prompt-cache: chart written to %s", chart);
		return results;
	}

	private static String label(RoutingSettings.Strategy strategy) {
		return strategy.name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

	/**
	 * The requests: each a system prompt drawn with weight 1/rank (a Zipf mix), or each
	 * as likely as the others, and a user message of its own.
	 */
	static List<ChatRequest> requests(boolean zipf) {
		SplittableRandom random = new SplittableRandom(SEED);
		List<String> systems = new ArrayList<>();
		for (int p = 0; p < PROMPTS; p++) {
			StringBuilder system = new StringBuilder("You are assistant " + p + " of the handbook.");
			for (int w = 0; w < SYSTEM_WORDS - 6; w++) {
				system.append(" rule").append(p).append('-').append(random.nextInt(1000));
			}
			systems.add(system.toString());
		}
		double[] cumulative = new double[PROMPTS];
		double total = 0;
		for (int p = 0; p < PROMPTS; p++) {
			total += zipf ? 1.0 / (p + 1) : 1.0;
			cumulative[p] = total;
		}
		List<ChatRequest> requests = new ArrayList<>(REQUESTS);
		for (int i = 0; i < REQUESTS; i++) {
			double draw = random.nextDouble() * total;
			int p = 0;
			while (cumulative[p] < draw) {
				p++;
			}
			StringBuilder user = new StringBuilder("question " + i);
			for (int w = 0; w < USER_WORDS - 2; w++) {
				user.append(" word").append(random.nextInt(10_000));
			}
			requests.add(ChatRequest.builder()
				.message(ChatMessage.system(systems.get(p)))
				.message(ChatMessage.user(user.toString()))
				.maxTokens(8)
				.build());
		}
		return requests;
	}

	/** The cached tokens if each prefix were missed once and hit ever after. */
	static long idealCachedTokens(List<ChatRequest> requests) {
		Set<String> seen = new HashSet<>();
		long cached = 0;
		for (ChatRequest request : requests) {
			String system = request.messages().get(0).content();
			if (!seen.add(system)) {
				cached += Replica.words(system);
			}
		}
		return cached;
	}

	private static Row measure(String label, RoutingSettings.Strategy strategy, List<ChatRequest> requests, long ideal,
			boolean cooldown) throws Exception {
		List<Replica> replicas = new ArrayList<>();
		try {
			for (int r = 0; r < REPLICAS; r++) {
				replicas.add(new Replica());
			}
			AtomicInteger next = new AtomicInteger();
			AtomicInteger failed = new AtomicInteger();
			long start = System.nanoTime();
			try (LlmClient client = LlmClient.builder()
				.endpoints(replicas.stream().map((replica) -> EndpointSettings.of(replica.url())).toList())
				.model(Contender.MODEL)
				.routing((routing) -> routing.withStrategy(strategy)
					.withCooldown(Duration.ofMillis(500))
					.withLoadSlack(Double.parseDouble(System.getProperty("prompt-cache.load-slack",
							String.valueOf(RoutingSettings.DEFAULTS.loadSlack())))))
				.limits((limits) -> limits.withMaxConcurrent(CONCURRENCY))
				.build()) {
				ExecutorService callers = Executors.newFixedThreadPool(CONCURRENCY);
				for (int t = 0; t < CONCURRENCY; t++) {
					callers.execute(() -> {
						for (int i = next.getAndIncrement(); i < requests.size(); i = next.getAndIncrement()) {
							if (cooldown) {
								replicas.get(1).failing = (i >= FAIL_FROM && i < FAIL_TO);
							}
							try {
								client.chat(requests.get(i));
							}
							catch (RuntimeException ex) {
								failed.incrementAndGet();
							}
						}
					});
				}
				callers.shutdown();
				if (!callers.awaitTermination(5, TimeUnit.MINUTES)) {
					throw new IllegalStateException("prompt-cache: " + label + " did not finish in 5 minutes");
				}
			}
			long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
			long prompt = 0;
			long cached = 0;
			long answered = 0;
			long busiest = 0;
			long[][] phases = new long[3][2];
			for (Replica replica : replicas) {
				prompt += replica.promptTokens.get();
				cached += replica.cachedTokens.get();
				answered += replica.answered.get();
				busiest = Math.max(busiest, replica.answered.get());
				for (int phase = 0; phase < 3; phase++) {
					phases[phase][0] += replica.phasePrompt[phase].get();
					phases[phase][1] += replica.phaseCached[phase].get();
				}
			}
			Row row = new Row(label, prompt, cached, ideal, (double) busiest / answered, failed.get(), millis,
					cooldown ? phases : null);
			Log.progress("prompt-cache: %s", row);
			return row;
		}
		finally {
			replicas.forEach(Replica::close);
		}
	}

	/** One strategy's run. */
	record Row(String label, long promptTokens, long cachedTokens, long idealCached, double maxShare, int failed,
			long millis, long[][] phases) {

		double cachedShare() {
			return (double) this.cachedTokens / this.promptTokens;
		}

		double ofIdeal() {
			return (double) this.cachedTokens / this.idealCached;
		}

		@Override
		public String toString() {
			return String.format(Locale.ROOT,
					"%s: cached share %.3f, %.2f of ideal, max endpoint share %.3f, " + "%d failed, %d ms", this.label,
					cachedShare(), ofIdeal(), this.maxShare, this.failed, this.millis);
		}

	}

	/** The runs, as a table and a chart. */
	record Results(List<Row> rows) {

		String markdown() {
			Row first = this.rows.get(0);
			StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
					"%d requests over %d system prompts (a Zipf mix: the i-th prompt drawn with weight 1/i, seed "
							+ "%d; the last rows each prompt as likely), %d callers, %d replicas caching %d prefixes each "
							+ "(LRU); the ideal misses each prefix once (ideal cached share %.3f for the Zipf mix). Cached "
							+ "tokens counted by the replicas.%n%n",
					REQUESTS, PROMPTS, SEED, CONCURRENCY, REPLICAS, CACHE_SIZE,
					(double) first.idealCached() / first.promptTokens()));
			Table table = new Table("routing", "cached share of prompt tokens", "ideal share", "of ideal",
					"max endpoint share", "failed calls", "run (ms)");
			for (Row row : this.rows) {
				table.row(row.label(), String.format(Locale.ROOT, "%.3f", row.cachedShare()),
						String.format(Locale.ROOT, "%.3f", (double) row.idealCached() / row.promptTokens()),
						String.format(Locale.ROOT, "%.2f", row.ofIdeal()),
						String.format(Locale.ROOT, "%.3f", row.maxShare()), row.failed(), row.millis());
			}
			out.append(table);
			for (Row row : this.rows) {
				if (row.phases() != null) {
					out.append(String.format(Locale.ROOT,
							"%nCooldown run, cached share of prompt tokens by phase: before (requests 0–%d) %.3f, "
									+ "replica 1 answering 503 (%d–%d) %.3f, after (%d–%d) %.3f.%n",
							FAIL_FROM - 1, share(row.phases()[0]), FAIL_FROM, FAIL_TO - 1, share(row.phases()[1]),
							FAIL_TO, REQUESTS - 1, share(row.phases()[2])));
				}
			}
			return out.toString();
		}

		private static double share(long[] phase) {
			return (phase[0] > 0) ? (double) phase[1] / phase[0] : Double.NaN;
		}

		String chart() {
			List<String> groups = this.rows.stream().map(Row::label).toList();
			double[][] ofIdeal = new double[this.rows.size()][1];
			double[][] maxShare = new double[this.rows.size()][1];
			for (int i = 0; i < this.rows.size(); i++) {
				ofIdeal[i][0] = this.rows.get(i).ofIdeal();
				maxShare[i][0] = this.rows.get(i).maxShare();
			}
			return SvgChart.render(
					"PromptCacheBenchmark: " + REQUESTS + " requests, " + PROMPTS + " system prompts, 3 replicas "
							+ "caching " + CACHE_SIZE + " prefixes each, " + CONCURRENCY + " callers",
					List.of(new SvgChart.Panel("Cached prompt tokens, of the ideal", "cached / ideal", groups,
							List.of("cached / ideal"), ofIdeal, 1.0,
							List.of(new SvgChart.Reference(0.9, "target 0.9", true))),
							new SvgChart.Panel("Load spread", "busiest replica's share of requests", groups,
									List.of("max endpoint share"), maxShare, 0.6,
									List.of(new SvgChart.Reference(0.45, "target 0.45", true),
											new SvgChart.Reference(1.0 / 3, "even 0.33", false)))));
		}

	}

	/**
	 * One replica: an OpenAI-compatible chat endpoint that counts tokens as words, caches
	 * system messages (LRU), and reports a hit's system tokens as {@code cached_tokens}.
	 * While {@link #failing}, it answers 503.
	 */
	static final class Replica implements AutoCloseable {

		private final HttpServer server;

		private final ExecutorService executor = Executors.newFixedThreadPool(2 * CONCURRENCY);

		private final Map<String, Boolean> cache = new LinkedHashMap<>(CACHE_SIZE * 2, 0.75f, true) {
			private static final long serialVersionUID = 1L;

			@Override
			protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
				return size() > CACHE_SIZE;
			}
		};

		final AtomicLong promptTokens = new AtomicLong();

		final AtomicLong cachedTokens = new AtomicLong();

		final AtomicLong answered = new AtomicLong();

		final AtomicLong[] phasePrompt = { new AtomicLong(), new AtomicLong(), new AtomicLong() };

		final AtomicLong[] phaseCached = { new AtomicLong(), new AtomicLong(), new AtomicLong() };

		volatile boolean failing;

		Replica() throws IOException {
			this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
			this.server.setExecutor(this.executor);
			this.server.createContext("/v1", this::handle);
			this.server.start();
		}

		String url() {
			return "http://127.0.0.1:" + this.server.getAddress().getPort() + "/v1";
		}

		static int words(String text) {
			return text.isBlank() ? 0 : text.trim().split("\\s+").length;
		}

		private void handle(HttpExchange exchange) throws IOException {
			try (exchange) {
				byte[] body = exchange.getRequestBody().readAllBytes();
				if (!exchange.getRequestURI().getPath().endsWith("/chat/completions")) {
					respond(exchange, 200, "{\"object\":\"list\",\"data\":[]}");
					return;
				}
				if (this.failing) {
					respond(exchange, 503,
							"{\"error\":{\"message\":\"replica overloaded\",\"type\":\"server_error\"}}");
					return;
				}
				JsonNode messages = WireJson.MAPPER.readTree(body).path("messages");
				String system = messages.path(0).path("content").asString("");
				String user = messages.path(messages.size() - 1).path("content").asString("");
				int question = Integer.parseInt(user.split(" ", 3)[1]);
				int systemTokens = words(system);
				int prompt = systemTokens + words(user);
				boolean hit;
				synchronized (this.cache) {
					hit = this.cache.put(system, Boolean.TRUE) != null;
				}
				int cached = hit ? systemTokens : 0;
				Thread.sleep(BASE_MILLIS + (hit ? 0 : MISS_MILLIS));
				int phase = (question < FAIL_FROM) ? 0 : (question < FAIL_TO) ? 1 : 2;
				this.promptTokens.addAndGet(prompt);
				this.cachedTokens.addAndGet(cached);
				this.phasePrompt[phase].addAndGet(prompt);
				this.phaseCached[phase].addAndGet(cached);
				this.answered.incrementAndGet();
				respond(exchange, 200,
						"{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"" + Contender.MODEL
								+ "\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
								+ "\"content\":\"ok\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":"
								+ prompt + ",\"completion_tokens\":1,\"total_tokens\":" + (prompt + 1)
								+ ",\"prompt_tokens_details\":{\"cached_tokens\":" + cached + "}}}");
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

		private static void respond(HttpExchange exchange, int status, String json) throws IOException {
			byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().set("Content-Type", "application/json");
			exchange.sendResponseHeaders(status, bytes.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(bytes);
			}
		}

		@Override
		public void close() {
			this.server.stop(0);
			this.executor.shutdownNow();
		}

	}

}
