package dev.llmclient.benchmarks;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.web.client.RestClient;

import dev.llmclient.ChatRequest;
import dev.llmclient.EndpointSettings;
import dev.llmclient.LlmClient;
import dev.llmclient.LlmClientBuilder;
import dev.llmclient.RoutingSettings;
import dev.llmclient.internal.DefaultLlmClient;

/**
 * JMH: what routing costs per call, with the network cut out as in
 * {@link InProcessCallBenchmark}: one endpoint (no router at all) against three endpoints
 * under each strategy, {@code cache-affinity} included (picking, taking a place,
 * reporting the outcome). On one thread the time per call is the CPU per call.
 * {@link #main} measures that CPU directly (the calling thread's CPU time, which other
 * processes on a shared machine do not inflate), the settings taking turns over rounds.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RoutingOverheadBenchmark {

	@Param({ "one", "least-busy", "round-robin", "lowest-latency", "cache-affinity" })
	public String routing;

	private static final ChatRequest REQUEST = ChatRequest.builder()
		.user(ClosedLoop.PROMPT)
		.promptCacheKey("bench-prefix")
		.build();

	private LlmClient llmClient;

	@Setup
	public void setUp() {
		ClientHttpRequestInterceptor canned = (request, body, execution) -> new InProcessCallBenchmark.CannedResponse();
		LlmClientBuilder builder = LlmClient.builder()
			.apiKey(Contender.API_KEY)
			.model(Contender.MODEL)
			.retry((retry) -> retry.withEnabled(false))
			.lifecycle((lifecycle) -> lifecycle.withEagerInit(false));
		if (this.routing.equals("one")) {
			builder.endpoint("http://127.0.0.1:9/v1");
		}
		else {
			builder
				.endpoints(IntStream.range(0, 3)
					.mapToObj((i) -> EndpointSettings.of("http://127.0.0." + (i + 1) + ":9/v1"))
					.toList())
				.routing((routing) -> routing.withStrategy(strategy(this.routing)));
		}
		this.llmClient = DefaultLlmClient.create(builder, RestClient.builder().requestInterceptor(canned));
	}

	private static RoutingSettings.Strategy strategy(String name) {
		return List.of(RoutingSettings.Strategy.values())
			.stream()
			.filter((strategy) -> strategy.name().replace('_', '-').equalsIgnoreCase(name))
			.findFirst()
			.orElseThrow();
	}

	@TearDown
	public void tearDown() {
		this.llmClient.close();
	}

	/**
	 * One call; it carries a prompt cache key under every setting, so that
	 * {@code cache-affinity} walks its ring and the others send the same body.
	 */
	@Benchmark
	public String call() {
		return this.llmClient.chat(REQUEST).content();
	}

	/**
	 * Prints the median CPU per call of each setting over rounds, and its ratio to one
	 * endpoint.
	 * @param args {@code --rounds=N} (default 15), {@code --calls=N} per round and
	 * setting (default 20000)
	 */
	public static void main(String[] args) {
		int rounds = intArg(args, "rounds", 15);
		int calls = intArg(args, "calls", 20_000);
		String[] settings = { "one", "least-busy", "round-robin", "lowest-latency", "cache-affinity" };
		RoutingOverheadBenchmark[] clients = new RoutingOverheadBenchmark[settings.length];
		for (int i = 0; i < settings.length; i++) {
			clients[i] = new RoutingOverheadBenchmark();
			clients[i].routing = settings[i];
			clients[i].setUp();
		}
		java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
		double[][] nanosPerCall = new double[settings.length][rounds + 1];
		for (int round = 0; round <= rounds; round++) {
			for (int i = 0; i < settings.length; i++) {
				long start = threads.getCurrentThreadCpuTime();
				for (int c = 0; c < calls; c++) {
					clients[i].call();
				}
				nanosPerCall[i][round] = (threads.getCurrentThreadCpuTime() - start) / (double) calls;
			}
		}
		double one = median(nanosPerCall[0], rounds);
		System.out.println("| setting | CPU per call (median of " + rounds + " rounds) | × one endpoint |");
		System.out.println("| --- | --- | --- |");
		for (int i = 0; i < settings.length; i++) {
			double median = median(nanosPerCall[i], rounds);
			System.out.printf(java.util.Locale.ROOT, "| %s | %.1f µs | %.3f |%n",
					settings[i].equals("one") ? "one endpoint" : "3 endpoints, " + settings[i], median / 1000,
					median / one);
			clients[i].tearDown();
		}
	}

	/** The median of rounds 1 to {@code rounds}: round 0 warms the code up. */
	private static double median(double[] values, int rounds) {
		double[] measured = java.util.Arrays.copyOfRange(values, 1, rounds + 1);
		java.util.Arrays.sort(measured);
		return measured[measured.length / 2];
	}

	private static int intArg(String[] args, String name, int fallback) {
		for (String arg : args) {
			if (arg.startsWith("--" + name + "=")) {
				return Integer.parseInt(arg.substring(name.length() + 3));
			}
		}
		return fallback;
	}

}
