package dev.llmclient.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import dev.llmclient.ChatRequest;
import dev.llmclient.LlmClient;

/**
 * What streaming costs on top of the wire, against a loopback server. Run once by hand
 * (the guide's "Streaming" section has the numbers):
 *
 * <pre>
 * ./mvnw -B -q -Pbench -pl llm-client-benchmarks -am package -DskipTests
 * java -cp llm-client-benchmarks/target/llm-client-benchmarks.jar dev.llmclient.benchmarks.StreamingBenchmark
 * </pre>
 *
 * <ol>
 * <li><b>Delivery delay</b>: the server writes one OpenAI-shaped chunk every
 * {@value #PACE_MICROS} µs and notes when it starts writing it; the consumer notes when
 * it got it. The difference (same JVM, same clock) is the time a delta spends in the
 * socket, HttpClient, the SSE reader and JSON mapping before the application sees
 * it.</li>
 * <li><b>Cost per chunk</b>: the server writes {@value #CHUNKS} chunks back to back; CPU
 * time and bytes allocated by the calling thread, per chunk, median of the rounds after
 * warm-up.</li>
 * </ol>
 */
public final class StreamingBenchmark {

	private static final int CHUNKS = 2000;

	private static final int PACE_MICROS = 2000;

	private static final int PACED_CHUNKS = 500;

	private static final int ROUNDS = 15;

	private static final String CHUNK = "data: {\"id\":\"chatcmpl-AbCdEf0123456789\",\"object\":\"chat.completion.chunk\","
			+ "\"created\":1700000000,\"model\":\"gpt-4o-mini-2024-07-18\",\"system_fingerprint\":\"fp_0123456789\","
			+ "\"choices\":[{\"index\":0,\"delta\":{\"content\":\" token\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n";

	private static final String END = "data: {\"id\":\"chatcmpl-AbCdEf0123456789\",\"choices\":[{\"index\":0,\"delta\":{},"
			+ "\"finish_reason\":\"stop\"}]}\n\ndata: {\"id\":\"chatcmpl-AbCdEf0123456789\",\"choices\":[],"
			+ "\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":2000,\"total_tokens\":2010}}\n\ndata: [DONE]\n\n";

	private StreamingBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		long[] sentAt = new long[PACED_CHUNKS];
		AtomicInteger mode = new AtomicInteger();
		try (SseServer server = new SseServer((out) -> {
			out.write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
				.getBytes(StandardCharsets.US_ASCII));
			if (mode.get() == 0) {
				for (int i = 0; i < CHUNKS; i++) {
					chunk(out, CHUNK);
				}
			}
			else {
				for (int i = 0; i < PACED_CHUNKS; i++) {
					sentAt[i] = System.nanoTime();
					chunk(out, CHUNK);
					LockSupport.parkNanos(PACE_MICROS * 1000L);
				}
			}
			chunk(out, END);
			out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
		});
				LlmClient client = LlmClient.builder()
					.endpoint("http://127.0.0.1:" + server.port() + "/v1")
					.model("m")
					.lifecycle((lifecycle) -> lifecycle.withEagerInit(false))
					.build()) {
			com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory
				.getThreadMXBean();
			long tid = Thread.currentThread().getId();
			double[] cpu = new double[ROUNDS];
			double[] alloc = new double[ROUNDS];
			double[] wall = new double[ROUNDS];
			for (int round = -5; round < ROUNDS; round++) {
				long bytes = threads.getThreadAllocatedBytes(tid);
				long cpuStart = threads.getCurrentThreadCpuTime();
				long start = System.nanoTime();
				client.stream(ChatRequest.of("Hi"), (chunk) -> {
				});
				if (round >= 0) {
					wall[round] = (System.nanoTime() - start) / 1e3 / CHUNKS;
					cpu[round] = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e3 / CHUNKS;
					alloc[round] = (threads.getThreadAllocatedBytes(tid) - bytes) / (double) CHUNKS;
				}
			}
			System.out.printf(Locale.ROOT,
					"back to back, %d chunks of %d bytes: per chunk median wall %.2f us, "
							+ "caller CPU %.2f us, allocated %.0f bytes%n",
					CHUNKS, CHUNK.length(), median(wall), median(cpu), median(alloc));
			mode.set(1);
			long[] receivedAt = new long[PACED_CHUNKS];
			AtomicInteger index = new AtomicInteger();
			double[] delays = new double[PACED_CHUNKS * 3];
			for (int round = 0; round < 4; round++) {
				index.set(0);
				client.stream(ChatRequest.of("Hi"), (chunk) -> {
					int i = index.getAndIncrement();
					if (i < PACED_CHUNKS) {
						receivedAt[i] = System.nanoTime();
					}
				});
				if (round > 0) {
					for (int i = 0; i < PACED_CHUNKS; i++) {
						delays[(round - 1) * PACED_CHUNKS + i] = (receivedAt[i] - sentAt[i]) / 1e3;
					}
				}
			}
			Arrays.sort(delays);
			System.out.printf(Locale.ROOT,
					"paced, one chunk per %d us: server write -> consumer p50 %.0f us, p99 %.0f us,"
							+ " max %.0f us (%d chunks)%n",
					PACE_MICROS, delays[delays.length / 2], delays[(int) (delays.length * 0.99)],
					delays[delays.length - 1], delays.length);
		}
	}

	private static void chunk(OutputStream out, String events) throws IOException {
		byte[] bytes = events.getBytes(StandardCharsets.UTF_8);
		out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
		out.write(bytes);
		out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
		out.flush();
	}

	private static double median(double[] values) {
		double[] sorted = values.clone();
		Arrays.sort(sorted);
		return sorted[sorted.length / 2];
	}

	/** Writes one streamed answer. */
	@FunctionalInterface
	private interface Answer {

		void write(OutputStream out) throws IOException;

	}

	/**
	 * A loopback HTTP/1.1 server that answers every request on a keep-alive connection
	 * with {@link Answer}, one thread per connection.
	 */
	private static final class SseServer implements AutoCloseable {

		private final ServerSocket socket;

		private final Answer answer;

		SseServer(Answer answer) throws IOException {
			this.answer = answer;
			this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
			Thread accept = new Thread(this::accept, "sse-accept");
			accept.setDaemon(true);
			accept.start();
		}

		int port() {
			return this.socket.getLocalPort();
		}

		private void accept() {
			while (!this.socket.isClosed()) {
				try {
					Socket connection = this.socket.accept();
					Thread serve = new Thread(() -> serve(connection), "sse-connection");
					serve.setDaemon(true);
					serve.start();
				}
				catch (IOException ex) {
					// closed: the benchmark is over
				}
			}
		}

		private void serve(Socket connection) {
			try (connection) {
				connection.setTcpNoDelay(true);
				InputStream in = connection.getInputStream();
				String head;
				while ((head = readHead(in)) != null) {
					readBody(in, head.toLowerCase(Locale.ROOT));
					this.answer.write(connection.getOutputStream());
				}
			}
			catch (IOException ex) {
				// the client closed the connection
			}
		}

		private static String readHead(InputStream in) throws IOException {
			StringBuilder head = new StringBuilder();
			while (!head.toString().endsWith("\r\n\r\n")) {
				int b = in.read();
				if (b == -1) {
					return null;
				}
				head.append((char) b);
			}
			return head.toString();
		}

		private static void readBody(InputStream in, String head) throws IOException {
			int at = head.indexOf("content-length:");
			if (at >= 0) {
				in.readNBytes(Integer.parseInt(head.substring(at + 15, head.indexOf("\r\n", at)).trim()));
				return;
			}
			if (head.contains("transfer-encoding: chunked")) {
				int size;
				while ((size = Integer.parseInt(readLine(in).split(";")[0].strip(), 16)) > 0) {
					in.readNBytes(size + 2);
				}
				readLine(in);
			}
		}

		private static String readLine(InputStream in) throws IOException {
			StringBuilder line = new StringBuilder();
			int b;
			while ((b = in.read()) != -1 && b != '\n') {
				if (b != '\r') {
					line.append((char) b);
				}
			}
			return line.toString();
		}

		@Override
		public void close() throws IOException {
			this.socket.close();
		}

	}

}
