package dev.llmclient.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import dev.llmclient.LlmClient;

/**
 * First-call latency with eager and with lazy initialisation, each divided by the
 * steady-state latency of the same run, against a loopback server that answers at once.
 * Run once by hand (see the guide's "What warm-up costs and saves" for the numbers):
 *
 * <pre>
 * ./mvnw -B -q -Pbench -pl llm-client-benchmarks -am package -DskipTests
 * java -cp llm-client-benchmarks/target/llm-client-benchmarks.jar dev.llmclient.benchmarks.WarmUpBenchmark [runs]
 * </pre>
 *
 * Each run is a fresh JVM (what an application start-up sees: nothing loaded, nothing
 * compiled) with a fresh client; eager and lazy runs take turns. In the run, the server
 * is warmed first with raw socket requests so that its own cold start is not charged to
 * either mode; then the client is built (eager: including warm-up), one call is timed,
 * and then {@value #STEADY_CALLS} more. The first call is compared with two baselines of
 * the same run: the median of the {@value #NEXT_WINDOW} calls right after it ("next":
 * same JIT state, so the ratio shows what initialisation left to the first call) and the
 * median of the last {@value #STEADY_WINDOW} ("steady": JIT-compiled). Two series: a
 * server that answers at once (the client's own cost laid bare) and one that answers
 * after {@value #SERVER_DELAY_MS} ms.
 */
public final class WarmUpBenchmark {

	private static final int STEADY_CALLS = 300;

	private static final int STEADY_WINDOW = 100;

	private static final int NEXT_WINDOW = 20;

	/** A short completion from a fast local model; the second series runs against it. */
	private static final int SERVER_DELAY_MS = 50;

	private WarmUpBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		if (args.length > 0 && args[0].equals("child")) {
			child(args[1].equals("eager"), Integer.parseInt(args[2]));
			return;
		}
		int runs = (args.length > 0) ? Integer.parseInt(args[0]) : 7;
		for (int delayMs : new int[] { 0, SERVER_DELAY_MS }) {
			System.out.println("server answers after " + delayMs + " ms");
			List<double[]> eager = new ArrayList<>();
			List<double[]> lazy = new ArrayList<>();
			for (int i = 0; i < runs; i++) {
				eager.add(spawn("eager", delayMs));
				lazy.add(spawn("lazy", delayMs));
			}
			report("eager", eager);
			report("lazy", lazy);
		}
	}

	/** Returns {build ms, first call ms, next calls ms, steady ms}. */
	private static double[] spawn(String mode, int delayMs) throws IOException, InterruptedException {
		Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
		Process process = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
				WarmUpBenchmark.class.getName(), "child", mode, Integer.toString(delayMs))
			.redirectErrorStream(true)
			.start();
		String result = null;
		try (BufferedReader out = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = out.readLine()) != null) {
				if (line.startsWith("RESULT ")) {
					result = line.substring(7);
				}
			}
		}
		if (process.waitFor() != 0 || result == null) {
			throw new IllegalStateException("Child run failed: " + mode);
		}
		double[] values = Arrays.stream(result.split(" ")).mapToDouble(Double::parseDouble).toArray();
		System.out.printf(Locale.ROOT,
				"%-5s build %7.1f ms  first call %7.3f ms  next 20 %6.3f ms  steady %6.3f ms  first/next %6.2f  first/steady %6.2f%n",
				mode, values[0], values[1], values[2], values[3], values[1] / values[2], values[1] / values[3]);
		return values;
	}

	private static void child(boolean eager, int delayMs) throws Exception {
		((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
			.setLevel(ch.qos.logback.classic.Level.WARN);
		try (StubServer server = new StubServer()) {
			warmServer(server);
			long start = System.nanoTime();
			// the stub takes the latency from the path: /l50/v1 answers after 50 ms
			String path = (delayMs > 0) ? "/l" + delayMs + "/v1" : "/v1";
			try (LlmClient client = LlmClient.builder()
				.endpoint("http://127.0.0.1:" + server.port() + path)
				.apiKey(Contender.API_KEY)
				.model(Contender.MODEL)
				.lifecycle((lifecycle) -> lifecycle.withEagerInit(eager))
				.build()) {
				double buildMs = (System.nanoTime() - start) / 1e6;
				long callStart = System.nanoTime();
				client.generate("first");
				double firstMs = (System.nanoTime() - callStart) / 1e6;
				double[] later = new double[STEADY_CALLS];
				for (int i = 0; i < STEADY_CALLS; i++) {
					long t = System.nanoTime();
					client.generate("steady");
					later[i] = (System.nanoTime() - t) / 1e6;
				}
				double next = median(Arrays.copyOfRange(later, 0, NEXT_WINDOW));
				double steady = median(Arrays.copyOfRange(later, STEADY_CALLS - STEADY_WINDOW, STEADY_CALLS));
				System.out.printf(Locale.ROOT, "RESULT %f %f %f %f%n", buildMs, firstMs, next, steady);
			}
		}
	}

	/**
	 * Sends requests over raw sockets so the server's own code is warm before the client
	 * starts.
	 */
	private static void warmServer(StubServer server) throws IOException {
		byte[] body = "{\"messages\":[]}".getBytes(StandardCharsets.US_ASCII);
		String post = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length + "\r\n\r\n";
		String get = "GET /v1/models HTTP/1.1\r\nHost: x\r\n\r\n";
		byte[] postBytes = (post + new String(body, StandardCharsets.US_ASCII)).getBytes(StandardCharsets.US_ASCII);
		byte[] getBytes = get.getBytes(StandardCharsets.US_ASCII);
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
			socket.setTcpNoDelay(true);
			OutputStream out = socket.getOutputStream();
			InputStream in = socket.getInputStream();
			for (int i = 0; i < 2000; i++) {
				out.write((i % 2 == 0) ? postBytes : getBytes);
				out.flush();
				readResponse(in);
			}
		}
	}

	private static void readResponse(InputStream in) throws IOException {
		StringBuilder head = new StringBuilder();
		while (!head.toString().endsWith("\r\n\r\n")) {
			int b = in.read();
			if (b == -1) {
				throw new IOException("closed");
			}
			head.append((char) b);
		}
		String lower = head.toString().toLowerCase(Locale.ROOT);
		int at = lower.indexOf("content-length:");
		int end = lower.indexOf("\r\n", at);
		in.readNBytes(Integer.parseInt(lower.substring(at + 15, end).trim()));
	}

	private static void report(String mode, List<double[]> runs) {
		System.out.printf(Locale.ROOT,
				"%-5s median of %d runs: build %.1f ms, first call %.3f ms, next 20 %.3f ms, steady %.3f ms, "
						+ "first/next %.2f (%.2f..%.2f), first/steady %.2f (%.2f..%.2f)%n",
				mode, runs.size(), median(column(runs, 0)), median(column(runs, 1)), median(column(runs, 2)),
				median(column(runs, 3)), median(ratio(runs, 2)), min(ratio(runs, 2)), max(ratio(runs, 2)),
				median(ratio(runs, 3)), min(ratio(runs, 3)), max(ratio(runs, 3)));
	}

	private static double[] column(List<double[]> runs, int index) {
		return runs.stream().mapToDouble((run) -> run[index]).toArray();
	}

	private static double[] ratio(List<double[]> runs, int index) {
		return runs.stream().mapToDouble((run) -> run[1] / run[index]).toArray();
	}

	private static double min(double[] values) {
		return Arrays.stream(values).min().orElse(0);
	}

	private static double max(double[] values) {
		return Arrays.stream(values).max().orElse(0);
	}

	private static double median(double[] values) {
		double[] sorted = values.clone();
		Arrays.sort(sorted);
		int mid = sorted.length / 2;
		return (sorted.length % 2 == 1) ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
	}

}
