package dev.llmclient.batch;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A small provider of OpenAI's Files and Batches API on a loopback JDK HTTP server, for
 * batch job tests: {@code POST /v1/files} (multipart), {@code GET
 * /v1/files/{id}/content}, {@code DELETE /v1/files/{id}}, {@code POST /v1/batches},
 * {@code GET /v1/batches/{id}}, {@code POST /v1/batches/{id}/cancel}, and
 * {@code POST /v1/chat/completions} (an echo, for jobs that fall back to live calls).
 * Every request is kept for the tests to check.
 * <p>
 * A batch stays {@code in_progress} until it is polled {@link #pollsToFinish} times, then
 * ends as {@link #endAs} says: each input line is answered as {@link #answer} decides
 * (success lines go to the output file, error lines to the error file, each file in
 * reverse order of the input), a line answered {@code SKIP} is in neither file. An
 * {@code expired} or {@code cancelled} batch answers only the first half of its lines.
 */
final class FakeBatchProvider implements AutoCloseable {

	static final JsonMapper JSON = JsonMapper.builder().build();

	/** How one request line is answered. */
	enum Outcome {

		SUCCESS, ERROR, SKIP

	}

	private final HttpServer server;

	/** Every request: method, path and body, in order. */
	final List<Request> requests = new CopyOnWriteArrayList<>();

	/** Multipart uploads as parsed: part name to part. */
	final List<Map<String, Part>> uploads = new CopyOnWriteArrayList<>();

	final Map<String, byte[]> files = new ConcurrentHashMap<>();

	final Map<String, Map<String, Object>> batches = new ConcurrentHashMap<>();

	final List<String> deleted = new CopyOnWriteArrayList<>();

	private final Map<String, Integer> polls = new ConcurrentHashMap<>();

	private final AtomicInteger ids = new AtomicInteger();

	/** Answers 404 on /v1/files and /v1/batches, as vLLM and Ollama do. */
	volatile boolean noBatchApi;

	/** Uploads answered 503 (with {@code retry-after-ms: 1}) before one succeeds. */
	final AtomicInteger uploadFailures = new AtomicInteger();

	/** How long a live chat completion takes. */
	volatile long liveLatencyMillis;

	volatile int pollsToFinish = 1;

	volatile String endAs = "completed";

	/** Appends a line that is not JSON and a line whose body is not a completion. */
	volatile boolean malformedLines;

	volatile BiFunction<Integer, JsonNode, Outcome> answer = (index, body) -> Outcome.SUCCESS;

	FakeBatchProvider() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		this.server.setExecutor(Executors.newFixedThreadPool(16));
		this.server.createContext("/", this::handle);
		this.server.start();
	}

	String endpoint() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort() + "/v1";
	}

	List<Request> requests(String method, String pathPrefix) {
		List<Request> matching = new ArrayList<>();
		for (Request request : this.requests) {
			if (request.method().equals(method) && request.path().startsWith(pathPrefix)) {
				matching.add(request);
			}
		}
		return matching;
	}

	@Override
	public void close() {
		this.server.stop(0);
		((java.util.concurrent.ExecutorService) this.server.getExecutor()).shutdownNow();
	}

	private void handle(HttpExchange exchange) throws IOException {
		try (exchange) {
			byte[] body = exchange.getRequestBody().readAllBytes();
			String method = exchange.getRequestMethod();
			String path = exchange.getRequestURI().getPath();
			this.requests.add(new Request(method, path, exchange.getRequestHeaders().getFirst("Content-Type"),
					new String(body, StandardCharsets.UTF_8)));
			if (path.equals("/v1/chat/completions")) {
				if (this.liveLatencyMillis > 0) {
					try {
						Thread.sleep(this.liveLatencyMillis);
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
						return;
					}
				}
				JsonNode request = JSON.readTree(body);
				JsonNode messages = request.path("messages");
				String text = messages.get(messages.size() - 1).path("content").asString();
				send(exchange, 200, completion("live", "echo: " + text));
				return;
			}
			if (this.noBatchApi && (path.startsWith("/v1/files") || path.startsWith("/v1/batches"))) {
				send(exchange, 404, Map.of("error", Map.of("message", "Not Found", "type", "not_found")));
				return;
			}
			if (method.equals("POST") && path.equals("/v1/files")) {
				upload(exchange, body);
			}
			else if (method.equals("GET") && path.startsWith("/v1/files/") && path.endsWith("/content")) {
				byte[] file = this.files
					.get(path.substring("/v1/files/".length(), path.length() - "/content".length()));
				if (file == null) {
					send(exchange, 404, Map.of("error", Map.of("message", "No such file")));
				}
				else {
					exchange.sendResponseHeaders(200, file.length);
					exchange.getResponseBody().write(file);
				}
			}
			else if (method.equals("DELETE") && path.startsWith("/v1/files/")) {
				String id = path.substring("/v1/files/".length());
				this.deleted.add(id);
				this.files.remove(id);
				send(exchange, 200, Map.of("id", id, "object", "file", "deleted", true));
			}
			else if (method.equals("POST") && path.equals("/v1/batches")) {
				create(exchange, JSON.readTree(body));
			}
			else if (path.startsWith("/v1/batches/")) {
				String rest = path.substring("/v1/batches/".length());
				boolean cancel = rest.endsWith("/cancel");
				String id = cancel ? rest.substring(0, rest.length() - "/cancel".length()) : rest;
				Map<String, Object> batch = this.batches.get(id);
				if (batch == null) {
					send(exchange, 404, Map.of("error", Map.of("message", "No batch found with id '" + id + "'.",
							"type", "invalid_request_error")));
					return;
				}
				synchronized (batch) {
					if (cancel) {
						batch.put("status", "cancelling");
					}
					else {
						advance(id, batch);
					}
					send(exchange, 200, batch);
				}
			}
			else {
				send(exchange, 404, Map.of("error", Map.of("message", "Unknown path " + path)));
			}
		}
		catch (RuntimeException ex) {
			ex.printStackTrace();
			throw ex;
		}
	}

	private void upload(HttpExchange exchange, byte[] body) throws IOException {
		if (this.uploadFailures.getAndUpdate((n) -> Math.max(0, n - 1)) > 0) {
			exchange.getResponseHeaders().set("retry-after-ms", "1");
			send(exchange, 503, Map.of("error", Map.of("message", "Slow down", "type", "server_error")));
			return;
		}
		String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
		String boundary = contentType.substring(contentType.indexOf("boundary=") + "boundary=".length());
		Map<String, Part> parts = Multipart.parse(body, boundary);
		this.uploads.add(parts);
		String id = "file-" + this.ids.incrementAndGet();
		this.files.put(id, parts.get("file").content());
		Map<String, Object> file = new LinkedHashMap<>();
		file.put("id", id);
		file.put("object", "file");
		file.put("bytes", parts.get("file").content().length);
		file.put("created_at", 1_700_000_000);
		file.put("filename", parts.get("file").filename());
		file.put("purpose", new String(parts.get("purpose").content(), StandardCharsets.UTF_8));
		file.put("status", "processed");
		send(exchange, 200, file);
	}

	private void create(HttpExchange exchange, JsonNode request) throws IOException {
		String id = "batch_" + this.ids.incrementAndGet();
		Map<String, Object> batch = new LinkedHashMap<>();
		batch.put("id", id);
		batch.put("object", "batch");
		batch.put("endpoint", request.path("endpoint").asString());
		batch.put("errors", null);
		batch.put("input_file_id", request.path("input_file_id").asString());
		batch.put("completion_window", request.path("completion_window").asString());
		batch.put("status", "validating");
		batch.put("output_file_id", null);
		batch.put("error_file_id", null);
		batch.put("created_at", System.currentTimeMillis() / 1000);
		batch.put("request_counts", counts(0, 0, 0));
		batch.put("metadata", JSON.treeToValue(request.path("metadata"), Map.class));
		this.batches.put(id, batch);
		send(exchange, 200, batch);
	}

	/** Moves a polled batch on: in progress, then ended as {@link #endAs} says. */
	private void advance(String id, Map<String, Object> batch) {
		String status = (String) batch.get("status");
		int polled = this.polls.merge(id, 1, Integer::sum);
		if (status.equals("validating")) {
			batch.put("status", "in_progress");
		}
		if (status.equals("cancelling")) {
			finish(batch, "cancelled");
		}
		else if (!isEnded(status) && polled >= this.pollsToFinish) {
			finish(batch, this.endAs);
		}
	}

	private static boolean isEnded(String status) {
		return List.of("completed", "failed", "expired", "cancelled").contains(status);
	}

	private void finish(Map<String, Object> batch, String status) {
		batch.put("status", status);
		List<String> lines = new String(this.files.get((String) batch.get("input_file_id")), StandardCharsets.UTF_8)
			.lines()
			.toList();
		if (status.equals("failed")) {
			batch.put("errors", Map.of("object", "list", "data", List.of(Map.of("code", "invalid_request", "message",
					"The model 'nope' does not exist", "param", "body.model", "line", 2))));
			batch.put("request_counts", counts(lines.size(), 0, 0));
			return;
		}
		int answered = (status.equals("expired") || status.equals("cancelled")) ? lines.size() / 2 : lines.size();
		List<String> output = new ArrayList<>();
		List<String> errors = new ArrayList<>();
		for (int i = 0; i < answered; i++) {
			JsonNode line = JSON.readTree(lines.get(i));
			String customId = line.path("custom_id").asString();
			int index = Integer.parseInt(customId);
			switch (this.answer.apply(index, line.path("body"))) {
				case SUCCESS -> output.add(JSON.writeValueAsString(
						outputLine(customId, 200, answerBody(line.path("url").asString(), line.path("body")), null)));
				case ERROR -> errors.add(JSON.writeValueAsString(outputLine(
						customId, 400, Map
							.of("error",
									Map.of("message", "Invalid value for 'temperature'", "type",
											"invalid_request_error", "code", "invalid_value", "param", "temperature")),
						null)));
				case SKIP -> {
				}
			}
		}
		if (status.equals("expired")) {
			for (int i = answered; i < lines.size(); i++) {
				if (i % 2 == 0) {
					// OpenAI lists some unanswered requests of an expired batch in the
					// error
					// file; the others are in neither file
					String customId = JSON.readTree(lines.get(i)).path("custom_id").asString();
					errors.add(JSON
						.writeValueAsString(outputLine(customId, 0, null, Map.of("code", "batch_expired", "message",
								"This request could not be executed before " + "the completion window expired."))));
				}
			}
		}
		if (this.malformedLines) {
			output.add("{not json");
			if (!output.isEmpty()) {
				String first = output.get(0);
				String customId = JSON.readTree(first).path("custom_id").asString();
				output.set(0, JSON.writeValueAsString(outputLine(customId, 200, Map.of("choices", "none"), null)));
			}
		}
		Collections.reverse(output);
		Collections.reverse(errors);
		if (!output.isEmpty()) {
			String fileId = "file-" + this.ids.incrementAndGet();
			this.files.put(fileId, (String.join("\n", output) + "\n").getBytes(StandardCharsets.UTF_8));
			batch.put("output_file_id", fileId);
		}
		if (!errors.isEmpty()) {
			String fileId = "file-" + this.ids.incrementAndGet();
			this.files.put(fileId, (String.join("\n", errors) + "\n").getBytes(StandardCharsets.UTF_8));
			batch.put("error_file_id", fileId);
		}
		batch.put("request_counts", counts(lines.size(), output.size(), errors.size()));
	}

	private static Map<String, Object> outputLine(String customId, int status, Object body, Object error) {
		Map<String, Object> line = new LinkedHashMap<>();
		line.put("id", "batch_req_" + customId);
		line.put("custom_id", customId);
		if (status > 0) {
			line.put("response", Map.of("status_code", status, "request_id", "req_" + customId, "body", body));
		}
		else {
			line.put("response", null);
		}
		line.put("error", error);
		return line;
	}

	private static Object answerBody(String url, JsonNode body) {
		if (url.equals("/v1/embeddings")) {
			List<Object> data = new ArrayList<>();
			JsonNode input = body.path("input");
			int texts = input.isArray() ? input.size() : 1;
			for (int i = 0; i < texts; i++) {
				String text = input.isArray() ? input.get(i).asString() : input.asString();
				data.add(Map.of("object", "embedding", "index", i, "embedding", List.of(text.length(), i, 0.5)));
			}
			return Map.of("object", "list", "model", body.path("model").asString(), "data", data, "usage",
					Map.of("prompt_tokens", texts, "total_tokens", texts));
		}
		JsonNode messages = body.path("messages");
		return completion(body.path("model").asString(),
				"echo: " + messages.get(messages.size() - 1).path("content").asString());
	}

	private static Map<String, Object> completion(String model, String content) {
		return Map.of("id", "chatcmpl-1", "object", "chat.completion", "created", 1_700_000_000, "model", model,
				"choices", List.of(Map.of("index", 0, "message", Map.of("role", "assistant", "content", content),
						"finish_reason", "stop")),
				"usage", Map.of("prompt_tokens", 7, "completion_tokens", 3, "total_tokens", 10));
	}

	private static Map<String, Object> counts(int total, int completed, int failed) {
		return Map.of("total", total, "completed", completed, "failed", failed);
	}

	private static void send(HttpExchange exchange, int status, Object body) throws IOException {
		byte[] bytes = JSON.writeValueAsBytes(body);
		exchange.getResponseHeaders().set("Content-Type", "application/json");
		exchange.sendResponseHeaders(status, bytes.length);
		exchange.getResponseBody().write(bytes);
	}

	record Request(String method, String path, String contentType, String body) {

	}

	record Part(String name, String filename, String contentType, byte[] content) {

	}

	/** Parses a multipart/form-data body. */
	static final class Multipart {

		static Map<String, Part> parse(byte[] body, String boundary) {
			String text = new String(body, StandardCharsets.ISO_8859_1);
			Map<String, Part> parts = new LinkedHashMap<>();
			String delimiter = "--" + boundary;
			int at = text.indexOf(delimiter);
			while (at >= 0) {
				int start = at + delimiter.length();
				if (text.startsWith("--", start)) {
					break;
				}
				start += 2; // CRLF
				int next = text.indexOf("\r\n" + delimiter, start);
				String part = text.substring(start, next);
				int headersEnd = part.indexOf("\r\n\r\n");
				String headers = part.substring(0, headersEnd);
				byte[] content = part.substring(headersEnd + 4).getBytes(StandardCharsets.ISO_8859_1);
				String name = attribute(headers, "name");
				String contentType = null;
				for (String header : headers.split("\r\n")) {
					if (header.toLowerCase().startsWith("content-type:")) {
						contentType = header.substring("content-type:".length()).trim();
					}
				}
				parts.put(name, new Part(name, attribute(headers, "filename"), contentType, content));
				at = next + 2;
			}
			return parts;
		}

		private static String attribute(String headers, String name) {
			String key = "; " + name + "=\"";
			int at = headers.indexOf(key);
			if (at < 0) {
				return null;
			}
			int from = at + key.length();
			return headers.substring(from, headers.indexOf('"', from));
		}

	}

}
