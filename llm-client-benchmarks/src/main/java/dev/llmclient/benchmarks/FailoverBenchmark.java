package dev.llmclient.benchmarks;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;

import com.sun.net.httpserver.HttpServer;

import dev.llmclient.EndpointSettings;
import dev.llmclient.LlmClient;

/**
 * Failover under constant load: three loopback replicas answering after
 * {@value #LATENCY_MILLIS} ms, {@value #THREADS} threads calling back to back through one
 * client; replica 1 is killed (its port closed, connections cut) at {@code --kill-at} and
 * started again on the same port at {@code --restore-at}. Prints successful calls and
 * failed calls per second and writes a line chart of successes per second to
 * {@code target/benchmarks/failover.svg}.
 * <p>
 * {@code --seconds=40 --kill-at=10 --restore-at=30} by default (the run is 120 s
 * with 30 and 90).
 */
public final class FailoverBenchmark {

	private static final int LATENCY_MILLIS = 20;

	private static final int THREADS = 12;

	private static final byte[] COMPLETION = ("{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":1,"
			+ "\"model\":\"bench-model\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
			+ "\"content\":\"Hello\"},\"finish_reason\":\"stop\"}],"
			+ "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2}}")
		.getBytes(StandardCharsets.UTF_8);

	private FailoverBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		int seconds = arg(args, "seconds", 40);
		int killAt = arg(args, "kill-at", 10);
		int restoreAt = arg(args, "restore-at", 30);
		List<Replica> replicas = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			replicas.add(new Replica(0));
		}
		AtomicIntegerArray succeeded = new AtomicIntegerArray(seconds);
		AtomicIntegerArray failed = new AtomicIntegerArray(seconds);
		List<String> errors = new ArrayList<>();
		try (LlmClient client = LlmClient.builder()
			.endpoints(replicas.stream().map((replica) -> EndpointSettings.of(replica.url())).toList())
			.model(Contender.MODEL)
			.limits((limits) -> limits.withMaxConcurrent(THREADS))
			.build()) {
			long start = System.nanoTime();
			long end = start + TimeUnit.SECONDS.toNanos(seconds);
			ExecutorService callers = Executors.newFixedThreadPool(THREADS);
			for (int t = 0; t < THREADS; t++) {
				callers.execute(() -> {
					while (System.nanoTime() < end) {
						try {
							client.generate(ClosedLoop.PROMPT);
							count(succeeded, start, seconds);
						}
						catch (RuntimeException ex) {
							count(failed, start, seconds);
							synchronized (errors) {
								if (errors.size() < 5) {
									errors.add(ex.toString());
								}
							}
						}
					}
				});
			}
			TimeUnit.NANOSECONDS.sleep(start + TimeUnit.SECONDS.toNanos(killAt) - System.nanoTime());
			replicas.get(1).kill();
			Log.progress("replica 1 killed at %d s", killAt);
			TimeUnit.NANOSECONDS.sleep(start + TimeUnit.SECONDS.toNanos(restoreAt) - System.nanoTime());
			replicas.set(1, new Replica(replicas.get(1).port));
			Log.progress("replica 1 restored at %d s", restoreAt);
			callers.shutdown();
			callers.awaitTermination(seconds + 30, TimeUnit.SECONDS);
			System.out.println(report(succeeded, failed, killAt, restoreAt, client.health().endpoints().toString()));
		}
		finally {
			replicas.forEach(Replica::kill);
		}
		errors.forEach((error) -> System.out.println("error: " + error));
		Path chart = Path.of("target", "benchmarks", "failover.svg");
		Files.createDirectories(chart.getParent());
		Files.writeString(chart, chart(succeeded, killAt, restoreAt), StandardCharsets.UTF_8);
		Log.progress("chart written to %s", chart);
		System.exit(0);
	}

	private static void count(AtomicIntegerArray perSecond, long start, int seconds) {
		int second = (int) TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
		if (second < seconds) {
			perSecond.incrementAndGet(second);
		}
	}

	private static String report(AtomicIntegerArray succeeded, AtomicIntegerArray failed, int killAt, int restoreAt,
			String endpoints) {
		int[] before = new int[killAt];
		for (int s = 0; s < killAt; s++) {
			before[s] = succeeded.get(s);
		}
		Arrays.sort(before);
		int median = before[killAt / 2];
		StringBuilder out = new StringBuilder("| second | succeeded | failed |\n| --- | --- | --- |\n");
		int total = 0;
		int failures = 0;
		int dipSeconds = 0;
		for (int s = 0; s < succeeded.length(); s++) {
			String mark = (s == killAt) ? " (killed)" : (s == restoreAt) ? " (restored)" : "";
			out.append(String.format(Locale.ROOT, "| %d%s | %d | %d |%n", s, mark, succeeded.get(s), failed.get(s)));
			total += succeeded.get(s);
			failures += failed.get(s);
			if (s >= killAt && s < succeeded.length() - 1 && succeeded.get(s) < 0.8 * median) {
				dipSeconds++;
			}
		}
		return out.append(String.format(Locale.ROOT,
				"%nsucceeded %d, failed %d; median before the kill %d calls/s; seconds from the kill on below 80 %% "
						+ "of it: %d%n" + "endpoints at the end: %s%n",
				total, failures, median, dipSeconds, endpoints))
			.toString();
	}

	private static String chart(AtomicIntegerArray succeeded, int killAt, int restoreAt) {
		int width = 640;
		int height = 280;
		int max = 1;
		for (int s = 0; s < succeeded.length(); s++) {
			max = Math.max(max, succeeded.get(s));
		}
		double dx = (width - 60.0) / Math.max(1, succeeded.length() - 1);
		StringBuilder points = new StringBuilder();
		for (int s = 0; s < succeeded.length(); s++) {
			points.append(String.format(Locale.ROOT, "%.1f,%.1f ", 40 + s * dx,
					height - 30 - (height - 60.0) * succeeded.get(s) / max));
		}
		StringBuilder svg = new StringBuilder(String.format(Locale.ROOT,
				"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" "
						+ "font-size=\"11\">%n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n"
						+ "<text x=\"40\" y=\"16\">Successful calls per second (max %d); one of three replicas killed "
						+ "at %d s, restored at %d s</text>%n",
				width, height, max, killAt, restoreAt));
		for (int mark : new int[] { killAt, restoreAt }) {
			svg.append(String.format(Locale.ROOT,
					"<line x1=\"%.1f\" x2=\"%.1f\" y1=\"30\" y2=\"%d\" stroke=\"#e15759\" stroke-dasharray=\"4\"/>%n",
					40 + mark * dx, 40 + mark * dx, height - 30));
		}
		svg.append(String.format(Locale.ROOT,
				"<line x1=\"40\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"#999\"/>%n<polyline fill=\"none\" "
						+ "stroke=\"#4e79a7\" stroke-width=\"2\" points=\"%s\"/>%n"
						+ "<text x=\"40\" y=\"%d\">0 s</text><text x=\"%d\" y=\"%d\">%d s</text>%n</svg>%n",
				width - 20, height - 30, height - 30, points.toString().strip(), height - 12, width - 60, height - 12,
				succeeded.length() - 1));
		return svg.toString();
	}

	private static int arg(String[] args, String name, int fallback) {
		for (String arg : args) {
			if (arg.startsWith("--" + name + "=")) {
				return Integer.parseInt(arg.substring(name.length() + 3));
			}
		}
		return fallback;
	}

	/** A replica answering every chat completion after {@value #LATENCY_MILLIS} ms. */
	private static final class Replica {

		private final HttpServer server;

		private final int port;

		Replica(int port) throws IOException {
			this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 256);
			this.server.setExecutor(Executors.newCachedThreadPool((runnable) -> {
				Thread thread = new Thread(runnable, "replica");
				thread.setDaemon(true);
				return thread;
			}));
			this.server.createContext("/v1", (exchange) -> {
				try (exchange) {
					exchange.getRequestBody().readAllBytes();
					if (exchange.getRequestURI().getPath().endsWith("/chat/completions")) {
						Thread.sleep(Duration.ofMillis(LATENCY_MILLIS).toMillis());
					}
					exchange.getResponseHeaders().set("Content-Type", "application/json");
					exchange.sendResponseHeaders(200, COMPLETION.length);
					try (OutputStream out = exchange.getResponseBody()) {
						out.write(COMPLETION);
					}
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			});
			this.server.start();
			this.port = this.server.getAddress().getPort();
		}

		String url() {
			return "http://127.0.0.1:" + this.port + "/v1";
		}

		void kill() {
			this.server.stop(0);
		}

	}

}
