package dev.llmclient.sample.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import dev.llmclient.sample.demo.DemoBatchWireFormat.CreateBatchRequest;
import dev.llmclient.sample.demo.DemoBatchWireFormat.DeletedFile;
import dev.llmclient.sample.demo.DemoBatchWireFormat.FileObject;
import dev.llmclient.sample.demo.DemoFiles.NewFile;

/**
 * Serves OpenAI's Files and Batch APIs of the demo backend: {@code POST /files}
 * (multipart upload with a {@code purpose}), {@code GET /files/{id}}, {@code GET
 * /files/{id}/content}, {@code DELETE /files/{id}}, {@code POST /batches},
 * {@code GET /batches}, {@code GET /batches/{id}} and {@code POST /batches/{id}/cancel}.
 */
final class DemoBatchHandler implements HttpHandler {

	/** The purposes OpenAI accepts for an upload. */
	static final Set<String> UPLOAD_PURPOSES = Set.of("assistants", "batch", "fine-tune", "vision", "user_data",
			"evals");

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	private static final int MAX_PURPOSE_BYTES = 64;

	private static final int DEFAULT_LIST_LIMIT = 20;

	private final String basePath;

	private final DemoFiles files;

	private final DemoBatches batches;

	private final DemoBatchRunner runner;

	DemoBatchHandler(String basePath, DemoFiles files, DemoBatches batches, DemoBatchRunner runner) {
		this.basePath = basePath;
		this.files = files;
		this.batches = batches;
		this.runner = runner;
	}

	@Override
	public void handle(HttpExchange exchange) throws IOException {
		try {
			String[] path = exchange.getRequestURI().getPath().substring(this.basePath.length()).split("/");
			// path[0] is empty: the path starts with a slash
			if (path.length >= 2 && path[1].equals("files")) {
				files(exchange, path);
			}
			else if (path.length >= 2 && path[1].equals("batches")) {
				batches(exchange, path);
			}
			else {
				notFound(exchange);
			}
		}
		catch (IllegalArgumentException ex) {
			DemoHandler.sendError(exchange, 400, ex.getMessage());
		}
		finally {
			exchange.close();
		}
	}

	private void files(HttpExchange exchange, String[] path) throws IOException {
		String method = exchange.getRequestMethod();
		if (path.length == 2 && method.equals("POST")) {
			DemoHandler.sendJson(exchange, 200, upload(exchange));
			return;
		}
		if (path.length < 3 || path.length > 4 || (path.length == 4 && !path[3].equals("content"))) {
			notFound(exchange);
			return;
		}
		FileObject file = this.files.get(path[2]);
		if (file == null) {
			DemoHandler.sendError(exchange, 404, "No such File object: " + path[2]);
		}
		else if (path.length == 4 && method.equals("GET")) {
			download(exchange, file);
		}
		else if (path.length == 3 && method.equals("GET")) {
			DemoHandler.sendJson(exchange, 200, file);
		}
		else if (path.length == 3 && method.equals("DELETE")) {
			DemoHandler.sendJson(exchange, 200, new DeletedFile(file.id(), "file", this.files.delete(file.id())));
		}
		else {
			DemoHandler.sendError(exchange, 405, "Method " + method + " is not allowed here");
		}
	}

	private FileObject upload(HttpExchange exchange) throws IOException {
		MultipartReader form = MultipartReader.of(exchange.getRequestHeaders().getFirst("Content-Type"),
				exchange.getRequestBody());
		String purpose = null;
		NewFile file = null;
		try {
			for (MultipartReader.Part part = form.next(); part != null; part = form.next()) {
				if (part.name().equals("purpose")) {
					purpose = part.text(MAX_PURPOSE_BYTES);
				}
				else if (part.name().equals("file") && file == null) {
					file = this.files.create((part.filename() != null) ? part.filename() : "file");
					try (OutputStream out = file.content()) {
						part.content().transferTo(out);
					}
				}
			}
			if (file == null || purpose == null) {
				throw new IllegalArgumentException("The upload needs a 'file' part and a 'purpose' part");
			}
			if (!UPLOAD_PURPOSES.contains(purpose)) {
				throw new IllegalArgumentException("'purpose' must be one of "
						+ UPLOAD_PURPOSES.stream().sorted().toList() + ", was '" + purpose + "'");
			}
			return file.store(purpose);
		}
		catch (IOException | RuntimeException ex) {
			if (file != null) {
				file.discard();
			}
			throw ex;
		}
	}

	private void download(HttpExchange exchange, FileObject file) throws IOException {
		exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
		exchange.getResponseHeaders()
			.set("Content-Disposition", "attachment; filename=\"" + file.filename().replace("\"", "") + "\"");
		exchange.sendResponseHeaders(200, (file.bytes() > 0) ? file.bytes() : -1);
		try (InputStream content = this.files.open(file.id()); OutputStream out = exchange.getResponseBody()) {
			content.transferTo(out);
		}
	}

	private void batches(HttpExchange exchange, String[] path) throws IOException {
		String method = exchange.getRequestMethod();
		if (path.length == 2 && method.equals("POST")) {
			DemoBatch batch = this.batches.create(readCreate(exchange.getRequestBody()));
			this.runner.start(batch);
			DemoHandler.sendJson(exchange, 200, batch.snapshot());
			return;
		}
		if (path.length == 2 && method.equals("GET")) {
			Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
			String limit = query.get("limit");
			DemoHandler.sendJson(exchange, 200,
					this.batches.list(query.get("after"), (limit != null) ? parseLimit(limit) : DEFAULT_LIST_LIMIT));
			return;
		}
		if (path.length < 3 || path.length > 4 || (path.length == 4 && !path[3].equals("cancel"))) {
			notFound(exchange);
			return;
		}
		DemoBatch batch = this.batches.get(path[2]);
		if (batch == null) {
			DemoHandler.sendError(exchange, 404, "No such Batch object: " + path[2]);
		}
		else if (path.length == 3 && method.equals("GET")) {
			DemoHandler.sendJson(exchange, 200, batch.snapshot());
		}
		else if (path.length == 4 && method.equals("POST")) {
			cancel(exchange, batch);
		}
		else {
			DemoHandler.sendError(exchange, 405, "Method " + method + " is not allowed here");
		}
	}

	private static void cancel(HttpExchange exchange, DemoBatch batch) throws IOException {
		try {
			batch.cancel();
		}
		catch (IllegalStateException ex) {
			DemoHandler.sendError(exchange, 409, ex.getMessage());
			return;
		}
		DemoHandler.sendJson(exchange, 200, batch.snapshot());
	}

	private static CreateBatchRequest readCreate(InputStream body) throws IOException {
		try {
			CreateBatchRequest request = MAPPER.readValue(body.readAllBytes(), CreateBatchRequest.class);
			if (request == null) {
				throw new IllegalArgumentException("The body must be a JSON object: a create batch request");
			}
			return request;
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException(
					"The body is not a valid create batch request: " + ex.getOriginalMessage());
		}
	}

	private static int parseLimit(String limit) {
		try {
			return Integer.parseInt(limit);
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("'limit' must be an integer, was '" + limit + "'");
		}
	}

	private static Map<String, String> query(String rawQuery) {
		Map<String, String> query = new HashMap<>();
		if (rawQuery != null) {
			for (String pair : rawQuery.split("&")) {
				int equals = pair.indexOf('=');
				if (equals > 0) {
					query.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
							URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
				}
			}
		}
		return query;
	}

	private void notFound(HttpExchange exchange) throws IOException {
		DemoHandler.sendError(exchange, 404, "Unknown path " + exchange.getRequestURI().getPath()
				+ ": the demo serves /files, /files/{id}, /files/{id}/content, /batches, /batches/{id} and /batches/{id}/cancel under "
				+ this.basePath);
	}

}
