package dev.llmclient.benchmarks;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A loopback provider of OpenAI's Files and Batch APIs that finishes every batch at once,
 * and answers {@code /v1/chat/completions} at once with {@link StubServer#COMPLETION}, so
 * that a batch job and a live batch of the same prompts meet the same server. Memory
 * stays flat on its side too: an upload streams to a temporary file as it arrives
 * (multipart envelope and all: the JSONL lines are found in it by their
 * {@code custom_id}), and a batch's output file is generated line by line from it when
 * downloaded, in windows of {@value #WINDOW} lines written in reverse, so answers come in
 * no input order. Created batches read {@code validating}; the first poll reads
 * {@code completed}.
 */
final class FakeBatchProvider implements AutoCloseable {

	private static final int WINDOW = 1000;

	private static final String CUSTOM_ID = "\"custom_id\"";

	private final HttpServer server;

	private final ExecutorService executor;

	private final Path directory;

	private final AtomicInteger ids = new AtomicInteger();

	/** Input file id to its path. */
	private final Map<String, Path> inputs = new ConcurrentHashMap<>();

	/**
	 * Batch id to its input file's id; a batch's output file is {@code out-} and its id.
	 */
	private final Map<String, String> batches = new ConcurrentHashMap<>();

	private final Map<String, Integer> requestCounts = new ConcurrentHashMap<>();

	FakeBatchProvider() throws IOException {
		this.directory = Files.createTempDirectory("fake-batch-provider");
		this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
		this.executor = Executors.newFixedThreadPool(8);
		this.server.setExecutor(this.executor);
		this.server.createContext("/v1/", this::handle);
		this.server.start();
	}

	String baseUrl() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort() + "/v1";
	}

	@Override
	public void close() throws IOException {
		this.server.stop(0);
		this.executor.shutdownNow();
		for (Path input : this.inputs.values()) {
			Files.deleteIfExists(input);
		}
		Files.deleteIfExists(this.directory);
	}

	private void handle(HttpExchange exchange) throws IOException {
		try (exchange) {
			String method = exchange.getRequestMethod();
			String[] path = exchange.getRequestURI().getPath().substring("/v1/".length()).split("/");
			if (path[0].equals("chat") && method.equals("POST")) {
				exchange.getRequestBody().transferTo(OutputStream.nullOutputStream());
				send(exchange, 200, StubServer.COMPLETION);
			}
			else if (path[0].equals("files") && path.length == 1 && method.equals("POST")) {
				upload(exchange);
			}
			else if (path[0].equals("files") && path.length == 3 && path[2].equals("content")) {
				download(exchange, path[1]);
			}
			else if (path[0].equals("files") && path.length == 2 && method.equals("DELETE")) {
				send(exchange, 200, json("{\"id\":\"%s\",\"object\":\"file\",\"deleted\":true}", path[1]));
			}
			else if (path[0].equals("files") && path.length == 2) {
				send(exchange, 200, fileObject(path[1], 0, path[1].startsWith("out-") ? "batch_output" : "batch"));
			}
			else if (path[0].equals("batches") && path.length == 1 && method.equals("POST")) {
				create(exchange);
			}
			else if (path[0].equals("batches") && path.length == 2) {
				send(exchange, 200, batch(path[1], "completed"));
			}
			else if (path[0].equals("batches") && path.length == 3 && path[2].equals("cancel")) {
				send(exchange, 200, batch(path[1], "completed"));
			}
			else {
				send(exchange, 404,
						json("{\"error\":{\"message\":\"no route %s %s\",\"type\":\"invalid_request_error\"}}", method,
								exchange.getRequestURI().getPath()));
			}
		}
	}

	private void upload(HttpExchange exchange) throws IOException {
		String id = "file-in-" + this.ids.incrementAndGet();
		Path file = this.directory.resolve(id);
		long bytes;
		try (InputStream body = exchange.getRequestBody()) {
			bytes = Files.copy(body, file);
		}
		this.inputs.put(id, file);
		send(exchange, 200, fileObject(id, bytes, "batch"));
	}

	private void create(HttpExchange exchange) throws IOException {
		String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
		String inputFileId = stringField(body, "\"input_file_id\"");
		Path input = this.inputs.get(inputFileId);
		if (input == null) {
			send(exchange, 400, json("{\"error\":{\"message\":\"no such file %s\",\"type\":\"invalid_request_error\"}}",
					inputFileId));
			return;
		}
		String id = "batch_" + this.ids.incrementAndGet();
		this.batches.put(id, inputFileId);
		this.requestCounts.put(id, countRequests(input));
		send(exchange, 200, batch(id, "validating"));
	}

	private byte[] batch(String id, String status) {
		String input = this.batches.get(id);
		int total = this.requestCounts.getOrDefault(id, 0);
		boolean done = status.equals("completed");
		return json("{\"id\":\"%s\",\"object\":\"batch\",\"endpoint\":\"/v1/chat/completions\",\"errors\":null,"
				+ "\"input_file_id\":\"%s\",\"completion_window\":\"24h\",\"status\":\"%s\",\"output_file_id\":%s,"
				+ "\"error_file_id\":null,\"created_at\":1700000000,\"in_progress_at\":%s,\"expires_at\":1700086400,"
				+ "\"finalizing_at\":%s,\"completed_at\":%s,\"failed_at\":null,\"expired_at\":null,"
				+ "\"cancelling_at\":null,\"cancelled_at\":null,"
				+ "\"request_counts\":{\"total\":%d,\"completed\":%d,\"failed\":0},\"metadata\":null}", id, input,
				status, done ? "\"out-" + id + "\"" : "null", done ? "1700000001" : "null",
				done ? "1700000002" : "null", done ? "1700000003" : "null", done ? total : 0, done ? total : 0);
	}

	/**
	 * Streams a batch's output; an input file's content is not kept apart from its
	 * envelope.
	 */
	private void download(HttpExchange exchange, String fileId) throws IOException {
		if (!fileId.startsWith("out-")) {
			send(exchange, 404, json("{\"error\":{\"message\":\"the fake serves the content of output files only\","
					+ "\"type\":\"invalid_request_error\"}}"));
			return;
		}
		Path input = this.inputs.get(this.batches.get(fileId.substring("out-".length())));
		exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
		exchange.sendResponseHeaders(200, 0);
		String completion = new String(StubServer.COMPLETION, StandardCharsets.US_ASCII);
		try (BufferedWriter out = new BufferedWriter(
				new OutputStreamWriter(exchange.getResponseBody(), StandardCharsets.UTF_8), 1 << 16);
				BufferedReader lines = Files.newBufferedReader(input, StandardCharsets.UTF_8)) {
			List<String> window = new ArrayList<>(WINDOW);
			int line = 0;
			for (String text = lines.readLine(); text != null; text = lines.readLine()) {
				String customId = customId(text);
				if (customId != null) {
					window.add(customId);
				}
				if (window.size() == WINDOW) {
					line = write(out, window, completion, line);
				}
			}
			write(out, window, completion, line);
		}
	}

	private static int write(BufferedWriter out, List<String> window, String completion, int line) throws IOException {
		Collections.reverse(window);
		for (String customId : window) {
			line++;
			out.write("{\"id\":\"batch_req_" + line + "\",\"custom_id\":\"" + customId
					+ "\",\"response\":{\"status_code\":200,\"request_id\":\"req_" + line + "\",\"body\":" + completion
					+ "},\"error\":null}\n");
		}
		window.clear();
		return line;
	}

	private static int countRequests(Path input) throws IOException {
		int count = 0;
		try (BufferedReader lines = Files.newBufferedReader(input, StandardCharsets.UTF_8)) {
			for (String text = lines.readLine(); text != null; text = lines.readLine()) {
				count += (customId(text) != null) ? 1 : 0;
			}
		}
		return count;
	}

	/**
	 * The custom_id of a JSONL request line, or {@code null} for a line of the multipart
	 * envelope.
	 */
	private static String customId(String line) {
		return line.startsWith("{") ? stringField(line, CUSTOM_ID) : null;
	}

	private static String stringField(String json, String key) {
		int at = json.indexOf(key);
		if (at < 0) {
			return null;
		}
		int open = json.indexOf('"', json.indexOf(':', at + key.length()) + 1);
		return json.substring(open + 1, json.indexOf('"', open + 1));
	}

	private static byte[] fileObject(String id, long bytes, String purpose) {
		return json(
				"{\"id\":\"%s\",\"object\":\"file\",\"bytes\":%d,\"created_at\":1700000000,"
						+ "\"filename\":\"%s.jsonl\",\"purpose\":\"%s\",\"status\":\"processed\"}",
				id, bytes, id, purpose);
	}

	private static byte[] json(String format, Object... arguments) {
		return String.format(format, arguments).getBytes(StandardCharsets.UTF_8);
	}

	private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
		exchange.getResponseHeaders().set("Content-Type", "application/json");
		exchange.sendResponseHeaders(status, body.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(body);
		}
	}

}
