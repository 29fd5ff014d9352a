package dev.llmclient.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;

import com.sun.management.OperatingSystemMXBean;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.codec.ByteArrayCodec;

import dev.llmclient.LlmClient;
import dev.llmclient.LlmClientBuilder;
import dev.llmclient.cluster.ClusterLimits;
import dev.llmclient.cluster.ClusterSettings;

/**
 * The cost of the cluster-wide limits ({@code llm.client.cluster.*}) against a local
 * Redis. Run by hand (the guide's "Cluster-wide limits" holds the numbers):
 *
 * <pre>
 * ./mvnw -B -q -Pbench -pl llm-client-benchmarks -am package -DskipTests
 * java -cp llm-client-benchmarks/target/llm-client-benchmarks.jar dev.llmclient.benchmarks.ClusterLimitsBenchmark [--redis-server=PATH]
 * </pre>
 *
 * It starts its own {@code redis-server} (from the PATH unless given) on a free loopback
 * port, and a simulated provider in this JVM (the JDK's HTTP server).
 * <ol>
 * <li><b>Cost per call:</b> one thread making {@value #SEQUENTIAL_CALLS} sequential calls
 * to a provider that answers at once, with and without a cluster permit
 * ({@code cluster.max-concurrent} 64); added latency at p50 and p99, and CPU per call of
 * this JVM and of redis-server.</li>
 * <li><b>Throughput at the limit:</b> a provider answering after {@value #ANSWER_MS} ms;
 * one client of {@code max-concurrent} 64 (the ideal, 64 / 50 ms) against three clients,
 * as three instances, each with 64 threads and {@code max-concurrent} 64, sharing a
 * cluster limit of 64 for {@value #THROUGHPUT_SECONDS} s: woken by releases over pub/sub,
 * then polling only, as a client created without a pub/sub connection does; the three
 * taking turns for {@value #ROUNDS} rounds, medians reported.</li>
 * </ol>
 * Also run by {@link BenchmarkMain} with {@code --only=cluster} ({@code redis-server}
 * from {@code LLM_BENCH_REDIS_SERVER} or the PATH).
 */
public final class ClusterLimitsBenchmark {

	private static final int SEQUENTIAL_CALLS = 4000;

	private static final int ANSWER_MS = 50;

	private static final int THROUGHPUT_SECONDS = 6;

	/** Rounds of each scenario, its setups taking turns; medians are reported. */
	private static final int ROUNDS = 3;

	private static final AtomicInteger PORT = new AtomicInteger();

	private ClusterLimitsBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		String redisServer = redisServer();
		for (String arg : args) {
			if (arg.startsWith("--redis-server=")) {
				redisServer = arg.substring("--redis-server=".length());
			}
		}
		System.out.println(run((redisServer != null) ? redisServer : "redis-server"));
		System.exit(0);
	}

	/**
	 * Returns the {@code redis-server} to run: {@code LLM_BENCH_REDIS_SERVER} if set,
	 * else the one on the PATH.
	 * @return its path, or {@code null} when there is none
	 */
	static String redisServer() {
		String configured = System.getenv("LLM_BENCH_REDIS_SERVER");
		if (configured != null && !configured.isBlank()) {
			return configured;
		}
		String path = System.getenv("PATH");
		for (String entry : (path != null) ? path.split(java.io.File.pathSeparator) : new String[0]) {
			Path candidate = Path.of(entry, "redis-server");
			if (Files.isExecutable(candidate)) {
				return candidate.toString();
			}
		}
		return null;
	}

	/**
	 * Runs both scenarios against a {@code redis-server} of its own.
	 * @param redisServer the executable
	 * @return the table, in Markdown
	 * @throws Exception when a scenario fails
	 */
	static String run(String redisServer) throws Exception {
		int redisPort = freePort();
		Path directory = Files.createTempDirectory("llm-client-bench-redis-");
		Process redis = new ProcessBuilder(redisServer, "--port", String.valueOf(redisPort), "--bind", "127.0.0.1",
				"--dir", directory.toString(), "--save", "", "--appendonly", "no")
			.redirectErrorStream(true)
			.redirectOutput(directory.resolve("redis.log").toFile())
			.start();
		RedisClient redisClient = RedisClient.create("redis://127.0.0.1:" + redisPort);
		try (Provider provider = new Provider()) {
			awaitRedis(redisClient);
			List<String> lines = new ArrayList<>();
			lines.add("| Scenario | Without cluster limits | With cluster limits | Ratio |");
			lines.add("|---|---|---|---|");
			costPerCall(provider, redisClient, redis.pid(), lines);
			throughput(provider, redisClient, lines);
			return String.join("\n", lines) + "\n";
		}
		finally {
			redisClient.shutdown();
			redis.destroyForcibly();
			redis.waitFor(10, TimeUnit.SECONDS);
		}
	}

	private static void costPerCall(Provider provider, RedisClient redisClient, long redisPid, List<String> lines)
			throws Exception {
		provider.delayMs = 0;
		ClusterSettings settings = ClusterSettings.DEFAULTS.withKey("bench-cost").withMaxConcurrent(64);
		sequential(provider, null, redisClient, redisPid);
		sequential(provider, settings, redisClient, redisPid);
		Sample[] local = new Sample[ROUNDS];
		Sample[] cluster = new Sample[ROUNDS];
		for (int round = 0; round < ROUNDS; round++) {
			local[round] = sequential(provider, null, redisClient, redisPid);
			cluster[round] = sequential(provider, settings, redisClient, redisPid);
		}
		lines.add(row("latency p50 per call (µs; median of " + ROUNDS + " rounds)", median(local, Sample::p50Micros),
				median(cluster, Sample::p50Micros)));
		lines.add(
				row("latency p99 per call (µs)", median(local, Sample::p99Micros), median(cluster, Sample::p99Micros)));
		lines.add(row("CPU per call, this JVM (µs)", median(local, Sample::cpuMicrosPerCall),
				median(cluster, Sample::cpuMicrosPerCall)));
		lines.add(row("CPU per call, redis-server (µs)", median(local, Sample::redisCpuMicrosPerCall),
				median(cluster, Sample::redisCpuMicrosPerCall)));
		System.err.printf(Locale.ROOT, "added latency: p50 %+.0f µs, p99 %+.0f µs%n",
				median(cluster, Sample::p50Micros) - median(local, Sample::p50Micros),
				median(cluster, Sample::p99Micros) - median(local, Sample::p99Micros));
	}

	private static double median(Sample[] samples, ToDoubleFunction<Sample> value) {
		return median(Arrays.stream(samples).mapToDouble(value).toArray());
	}

	private static Sample sequential(Provider provider, ClusterSettings settings, RedisClient redisClient,
			long redisPid) throws Exception {
		LlmClientBuilder builder = builder(provider, 64);
		ClusterLimits limits = (settings != null) ? ClusterLimits.create(settings, builder.settings(), redisClient)
				: null;
		if (limits != null) {
			limits.applyTo(builder);
		}
		try (LlmClient client = builder.build()) {
			for (int i = 0; i < 500; i++) {
				client.generate("warm-up");
			}
			long[] nanos = new long[SEQUENTIAL_CALLS];
			OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
			long cpuBefore = os.getProcessCpuTime();
			long redisBefore = redisCpuNanos(redisPid);
			for (int i = 0; i < SEQUENTIAL_CALLS; i++) {
				long start = System.nanoTime();
				client.generate("prompt");
				nanos[i] = System.nanoTime() - start;
			}
			long cpu = os.getProcessCpuTime() - cpuBefore;
			long redisCpu = redisCpuNanos(redisPid) - redisBefore;
			Arrays.sort(nanos);
			return new Sample(nanos[SEQUENTIAL_CALLS / 2] / 1e3, nanos[SEQUENTIAL_CALLS * 99 / 100] / 1e3,
					cpu / 1e3 / SEQUENTIAL_CALLS, redisCpu / 1e3 / SEQUENTIAL_CALLS);
		}
		finally {
			if (limits != null) {
				limits.close();
			}
		}
	}

	private static void throughput(Provider provider, RedisClient redisClient, List<String> lines) throws Exception {
		provider.delayMs = ANSWER_MS;
		double ideal = 64 * 1000.0 / ANSWER_MS;
		double[] local = new double[ROUNDS];
		double[] cluster = new double[ROUNDS];
		double[] polling = new double[ROUNDS];
		for (int round = 0; round < ROUNDS; round++) {
			local[round] = callsPerSecond(provider, 1, null, redisClient, true);
			provider.maxServed.set(0);
			cluster[round] = callsPerSecond(provider, 3,
					ClusterSettings.DEFAULTS.withKey("bench-throughput-" + round).withMaxConcurrent(64), redisClient,
					true);
			polling[round] = callsPerSecond(provider, 3,
					ClusterSettings.DEFAULTS.withKey("bench-throughput-polling-" + round).withMaxConcurrent(64),
					redisClient, false);
		}
		lines.add(row("calls/s at a limit of 64 (ideal " + Math.round(ideal) + "; median of " + ROUNDS + " rounds)",
				median(local), median(cluster)));
		lines.add(row("same, polling only (no pub/sub wake-up)", median(local), median(polling)));
		lines.add("| most in flight at the provider | 64 | " + provider.maxServed.get() + " | |");
	}

	private static double median(double[] values) {
		double[] sorted = values.clone();
		Arrays.sort(sorted);
		return sorted[sorted.length / 2];
	}

	private static double callsPerSecond(Provider provider, int instances, ClusterSettings settings,
			RedisClient redisClient, boolean wakeUps) throws Exception {
		List<LlmClient> clients = new ArrayList<>();
		List<ClusterLimits> limits = new ArrayList<>();
		for (int i = 0; i < instances; i++) {
			LlmClientBuilder builder = builder(provider, 64);
			if (settings != null) {
				RedisClient own = RedisClient.create(redisClient.getResources(), redisUri(redisClient));
				ClusterLimits instance = wakeUps ? ClusterLimits.create(settings, builder.settings(), own)
						: ClusterLimits.create(settings, builder.settings(),
								() -> own.connect(ByteArrayCodec.INSTANCE));
				instance.applyTo(builder);
				limits.add(instance);
			}
			clients.add(builder.build());
		}
		ExecutorService threads = Executors.newFixedThreadPool(64 * instances);
		AtomicLong done = new AtomicLong();
		long warmUpEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
		long end = warmUpEnd + TimeUnit.SECONDS.toNanos(THROUGHPUT_SECONDS);
		AtomicLong measured = new AtomicLong();
		List<Future<?>> work = new ArrayList<>();
		for (LlmClient client : clients) {
			for (int t = 0; t < 64; t++) {
				work.add(threads.submit(() -> {
					while (System.nanoTime() < end) {
						client.generate("prompt");
						if (System.nanoTime() > warmUpEnd) {
							measured.incrementAndGet();
						}
						done.incrementAndGet();
					}
					return null;
				}));
			}
		}
		for (Future<?> future : work) {
			future.get();
		}
		threads.shutdown();
		clients.forEach(LlmClient::close);
		limits.forEach(ClusterLimits::close);
		double perSecond = measured.get() / (double) THROUGHPUT_SECONDS;
		System.err.printf(Locale.ROOT, "%d instance(s)%s: %.0f calls/s%n", instances,
				(settings != null) ? " sharing a cluster limit" + (wakeUps ? "" : ", polling only") : "", perSecond);
		return perSecond;
	}

	/** Each instance has a Redis client of its own, as separate JVMs would. */
	private static String redisUri(RedisClient client) {
		return "redis://127.0.0.1:" + PORT.get();
	}

	private static LlmClientBuilder builder(Provider provider, int maxConcurrent) {
		return LlmClient.builder()
			.endpoint("http://127.0.0.1:" + provider.port() + "/v1")
			.model("sim")
			.limits((limits) -> limits.withMaxConcurrent(maxConcurrent).withMaxWait(Duration.ofSeconds(30)))
			.lifecycle((lifecycle) -> lifecycle.withEagerInit(false));
	}

	private static String row(String name, double without, double with) {
		return String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.2f |", name, without, with, with / without);
	}

	private static void awaitRedis(RedisClient client) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
		while (true) {
			try (var connection = client.connect()) {
				connection.sync().ping();
				return;
			}
			catch (RuntimeException ex) {
				if (System.nanoTime() > deadline) {
					throw ex;
				}
				Thread.sleep(50);
			}
		}
	}

	/** User and system CPU time of a process, from /proc (Linux), in nanoseconds. */
	private static long redisCpuNanos(long pid) {
		try {
			String[] fields = Files.readString(Path.of("/proc", Long.toString(pid), "stat")).split(" ");
			long ticks = Long.parseLong(fields[13]) + Long.parseLong(fields[14]);
			return ticks * 10_000_000L;
		}
		catch (IOException | RuntimeException ex) {
			return 0;
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			int port = socket.getLocalPort();
			PORT.set(port);
			return port;
		}
	}

	private record Sample(double p50Micros, double p99Micros, double cpuMicrosPerCall, double redisCpuMicrosPerCall) {
	}

	private static final class Provider implements AutoCloseable {

		private final HttpServer server;

		private final ExecutorService executor = Executors.newCachedThreadPool();

		private final AtomicInteger serving = new AtomicInteger();

		private final AtomicInteger maxServed = new AtomicInteger();

		private volatile int delayMs;

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

		private void answer(HttpExchange exchange) throws IOException {
			try (exchange) {
				exchange.getRequestBody().readAllBytes();
				this.maxServed.accumulateAndGet(this.serving.incrementAndGet(), Math::max);
				try {
					if (this.delayMs > 0) {
						Thread.sleep(this.delayMs);
					}
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				finally {
					this.serving.decrementAndGet();
				}
				exchange.getResponseHeaders().set("Content-Type", "application/json");
				exchange.sendResponseHeaders(200, SimCompletion.BODY.length);
				exchange.getResponseBody().write(SimCompletion.BODY);
			}
		}

		@Override
		public void close() {
			this.server.stop(0);
			this.executor.shutdownNow();
		}

	}

}
