package dev.llmclient.sample.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import dev.llmclient.sample.demo.DemoWireFormat.Chunk;
import dev.llmclient.sample.demo.DemoWireFormat.Completion;
import dev.llmclient.sample.demo.DemoWireFormat.CompletionRequest;
import dev.llmclient.sample.demo.DemoWireFormat.EmbeddingsRequest;
import dev.llmclient.sample.demo.DemoWireFormat.ErrorBody;
import dev.llmclient.sample.demo.DemoWireFormat.ErrorDetail;

/**
 * Serves the OpenAI-compatible routes of the demo backend: {@code POST /chat/completions}
 * (plain JSON, or server-sent events when the request asks to stream),
 * {@code POST /embeddings} and {@code GET /models}. Chat completions take one of the
 * backend's {@link PrioritySlots} (lowest {@code priority} first, as vLLM schedules), and
 * a request for the {@code flex} service tier is refused with OpenAI's 429 "resource
 * unavailable" while the console says flex has no capacity.
 */
final class DemoHandler implements HttpHandler {

	/**
	 * The demo's own mapper: the application's Jackson settings must not change the wire
	 * format.
	 */
	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	private static final String FLEX = "flex";

	private final String basePath;

	private final EchoModel model;

	private final DemoEmbeddings embeddings = new DemoEmbeddings();

	private final DemoControls controls;

	private final PrioritySlots slots;

	DemoHandler(String basePath, DemoControls controls) {
		this.basePath = basePath;
		this.controls = controls;
		this.model = new EchoModel(new PrefixCache(controls.prefixCacheSize()));
		this.slots = new PrioritySlots(controls.slots());
	}

	@Override
	public void handle(HttpExchange exchange) throws IOException {
		try {
			route(exchange, exchange.getRequestURI().getPath().substring(this.basePath.length()));
		}
		catch (IllegalArgumentException ex) {
			sendError(exchange, 400, ex.getMessage());
		}
		finally {
			exchange.close();
		}
	}

	private void route(HttpExchange exchange, String path) throws IOException {
		String method = exchange.getRequestMethod();
		if (path.equals("/chat/completions")) {
			if (!method.equals("POST")) {
				sendError(exchange, 405, "Use POST for " + this.basePath + path);
				return;
			}
			int failStatus = this.controls.failStatus();
			if (failStatus != 0) {
				sendError(exchange, failStatus, "The demo backend is set to fail every chat completion with HTTP "
						+ failStatus + " (PUT /api/demo {\"failStatus\": 0} to answer again)", "server_error");
				return;
			}
			chat(exchange);
		}
		else if (path.equals("/embeddings")) {
			if (!method.equals("POST")) {
				sendError(exchange, 405, "Use POST for " + this.basePath + path);
				return;
			}
			sendJson(exchange, 200,
					this.embeddings.embed(read(exchange.getRequestBody(), EmbeddingsRequest.class, "embeddings")));
		}
		else if (path.equals("/models")) {
			if (!method.equals("GET")) {
				sendError(exchange, 405, "Use GET for " + this.basePath + path);
				return;
			}
			sendJson(exchange, 200, this.model.models());
		}
		else {
			sendError(exchange, 404, "Unknown path " + this.basePath + path
					+ ": the demo serves POST /chat/completions, POST /embeddings and GET /models");
		}
	}

	private void chat(HttpExchange exchange) throws IOException {
		CompletionRequest request = read(exchange.getRequestBody(), CompletionRequest.class, "chat completion");
		if (FLEX.equals(request.serviceTier()) && this.controls.flexUnavailable()) {
			sendJson(exchange, 429, new ErrorBody(new ErrorDetail("Resource unavailable: the demo's flex tier has no "
					+ "capacity now; retry later or without service_tier (PUT /api/demo {\"flexUnavailable\": false} "
					+ "to serve flex again)", "invalid_request_error", "resource_unavailable")));
			return;
		}
		try {
			this.slots.acquire(request.priorityOrDefault());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return;
		}
		try {
			if (Boolean.TRUE.equals(request.stream())) {
				sendEvents(exchange, this.model.stream(request));
			}
			else {
				Completion completion = this.model.complete(request);
				this.controls.pauseFor(completion.usage().completionTokens());
				sendJson(exchange, 200, completion);
			}
		}
		finally {
			this.slots.release();
		}
	}

	private static <T> T read(InputStream body, Class<T> type, String what) throws IOException {
		try {
			T request = MAPPER.readValue(body.readAllBytes(), type);
			if (request == null) {
				throw new IllegalArgumentException("The body must be a JSON object: a " + what + " request");
			}
			return request;
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException(
					"The body is not a valid " + what + " request: " + ex.getOriginalMessage());
		}
	}

	static void sendJson(HttpExchange exchange, int status, Object body) throws IOException {
		byte[] bytes = MAPPER.writeValueAsBytes(body);
		exchange.getResponseHeaders().set("Content-Type", "application/json");
		exchange.sendResponseHeaders(status, bytes.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(bytes);
		}
	}

	private void sendEvents(HttpExchange exchange, List<Chunk> chunks) throws IOException {
		exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
		exchange.getResponseHeaders().set("Cache-Control", "no-cache");
		exchange.sendResponseHeaders(200, 0);
		try (OutputStream out = exchange.getResponseBody()) {
			for (Chunk chunk : chunks) {
				this.controls.pauseFor(1);
				sendEvent(out, MAPPER.writeValueAsString(chunk));
			}
			sendEvent(out, "[DONE]");
		}
	}

	private static void sendEvent(OutputStream out, String data) throws IOException {
		out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
		out.flush();
	}

	static void sendError(HttpExchange exchange, int status, String message) throws IOException {
		sendError(exchange, status, message, "invalid_request_error");
	}

	static void sendError(HttpExchange exchange, int status, String message, String type) throws IOException {
		sendJson(exchange, status, new ErrorBody(new ErrorDetail(message, type, null)));
	}

}
