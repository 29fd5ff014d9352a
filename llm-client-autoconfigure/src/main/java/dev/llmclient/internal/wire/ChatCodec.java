package dev.llmclient.internal.wire;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.util.RawValue;

import org.springframework.http.MediaType;

import dev.llmclient.ChatMessage;
import dev.llmclient.ChatRequest;
import dev.llmclient.ChatResponse;
import dev.llmclient.ContentPart;
import dev.llmclient.ResponseFormat;
import dev.llmclient.ToolCall;
import dev.llmclient.ToolChoice;
import dev.llmclient.ToolDefinition;
import dev.llmclient.Usage;

/**
 * The wire format of the OpenAI-compatible chat completions API, both ways: writes a
 * request body, reads a completion, a stream chunk and a server's error body. Every field
 * of an answer is optional and boxed: real servers omit {@code usage}, {@code index},
 * {@code created} or {@code id}. What is wrong with an answer is reported through
 * {@link Failures}, which words every message built from a server's answer. Each record
 * Jackson binds carries {@code @JsonIgnoreProperties}: {@code LlmClientRuntimeHintsTests}
 * finds them by it, and fails when {@link dev.llmclient.internal.LlmClientRuntimeHints}
 * does not give a native image their reflection hints.
 */
public final class ChatCodec {

	/**
	 * Mapper owned by the client, so an application's global Jackson settings cannot
	 * change the wire format.
	 */
	public static final JsonMapper MAPPER = JsonMapper.builder()
		.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
		.disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
		.enable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
		.build();

	/**
	 * Asks the server to report usage in the last chunk of a stream, as OpenAI, vLLM and
	 * llama.cpp do.
	 */
	private static final Map<String, Object> STREAM_OPTIONS = Map.of("include_usage", true);

	private final boolean streamUsage;

	private final String maxTokensField;

	private final Failures failures;

	/**
	 * Response formats and tools already written, by identity: the format of a record
	 * type and a tool loop's tools are the same instances call after call, and writing
	 * their schemas anew each time would cost more than the rest of the body. Bounded, so
	 * formats built per call only churn through it.
	 */
	private final Map<Object, RawValue> written = java.util.Collections
		.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
			private static final long serialVersionUID = 1L;

			@Override
			protected boolean removeEldestEntry(Map.Entry<Object, RawValue> eldest) {
				return size() > 256;
			}
		});

	public ChatCodec(boolean streamUsage, String maxTokensField, Failures failures) {
		this.streamUsage = streamUsage;
		this.maxTokensField = maxTokensField;
		this.failures = failures;
	}

	/**
	 * Writes a request body.
	 * @param request the request
	 * @param model the model to ask for, or {@code null}
	 * @param stream whether to ask for a stream of server-sent events
	 * @return the JSON body
	 * @throws IllegalArgumentException when {@code extra} holds what cannot be sent
	 */
	public byte[] encode(ChatRequest request, String model, boolean stream) {
		Map<String, Object> body = new LinkedHashMap<>();
		if (model != null) {
			body.put("model", model);
		}
		body.put("messages", messages(request.messages()));
		putIfSet(body, "temperature", request.temperature());
		putIfSet(body, this.maxTokensField, request.maxTokens());
		putIfSet(body, "top_p", request.topP());
		putIfSet(body, "stop", request.stop());
		if (!request.tools().isEmpty()) {
			List<Object> tools = new ArrayList<>(request.tools().size());
			for (ToolDefinition tool : request.tools()) {
				tools.add(written(tool, ChatCodec::tool));
			}
			body.put("tools", tools);
		}
		putIfSet(body, "tool_choice", toolChoice(request.toolChoice()));
		putIfSet(body, "parallel_tool_calls", request.parallelToolCalls());
		if (request.responseFormat() != null) {
			body.put("response_format", written(request.responseFormat(), ChatCodec::responseFormat));
		}
		if (stream) {
			body.put("stream", true);
		}
		else if (request.extra().containsKey("stream")) {
			throw new IllegalArgumentException("ChatRequest.extra must not set 'stream' for chat(): call "
					+ "LlmClient.stream(...) for a streamed answer");
		}
		request.extra().forEach(body::putIfAbsent);
		if (stream && this.streamUsage) {
			body.putIfAbsent("stream_options", STREAM_OPTIONS);
		}
		try {
			return MAPPER.writeValueAsBytes(body);
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException(
					"ChatRequest.extra holds a value that cannot be written as JSON: " + ex.getOriginalMessage(), ex);
		}
	}

	private static void putIfSet(Map<String, Object> body, String name, Object value) {
		if (value != null) {
			body.put(name, value);
		}
	}

	/**
	 * The messages as the API reads them: a text message keeps the plain string form of
	 * {@code content}; only a message built from parts sends the array form.
	 */
	private static List<Map<String, Object>> messages(List<ChatMessage> messages) {
		List<Map<String, Object>> wire = new ArrayList<>(messages.size());
		for (ChatMessage message : messages) {
			Map<String, Object> item = new LinkedHashMap<>(4);
			item.put("role", message.role());
			if (message.parts() != null) {
				item.put("content", parts(message.parts()));
			}
			else if (message.content() != null) {
				item.put("content", message.content());
			}
			if (!message.toolCalls().isEmpty()) {
				List<Map<String, Object>> calls = new ArrayList<>(message.toolCalls().size());
				for (ToolCall call : message.toolCalls()) {
					calls.add(object("id", call.id(), "type", "function", "function",
							object("name", call.name(), "arguments", call.arguments())));
				}
				item.put("tool_calls", calls);
			}
			putIfSet(item, "tool_call_id", message.toolCallId());
			wire.add(item);
		}
		return wire;
	}

	private static List<Map<String, Object>> parts(List<ContentPart> parts) {
		List<Map<String, Object>> wire = new ArrayList<>(parts.size());
		for (ContentPart part : parts) {
			if (part instanceof ContentPart.Text text) {
				wire.add(object("type", "text", "text", text.text()));
			}
			else if (part instanceof ContentPart.Image image) {
				Map<String, Object> url = (image.detail() != null)
						? object("url", image.url(), "detail", image.detail().wireValue()) : object("url", image.url());
				wire.add(object("type", "image_url", "image_url", url));
			}
		}
		return wire;
	}

	/** The JSON of a tool or response format, written once per instance. */
	private <T> RawValue written(T value, java.util.function.Function<T, Object> wire) {
		RawValue json = this.written.get(new Identity(value));
		if (json == null) {
			try {
				json = new RawValue(MAPPER.writeValueAsString(wire.apply(value)));
			}
			catch (JacksonException ex) {
				throw new IllegalArgumentException(value.getClass().getSimpleName()
						+ " holds a value that cannot be written as JSON: " + ex.getOriginalMessage(), ex);
			}
			this.written.put(new Identity(value), json);
		}
		return json;
	}

	/** A key equal only to itself: records compare by value, deeply. */
	private record Identity(Object value) {

		@Override
		public boolean equals(Object other) {
			return other instanceof Identity identity && identity.value == this.value;
		}

		@Override
		public int hashCode() {
			return System.identityHashCode(this.value);
		}

	}

	private static Map<String, Object> tool(ToolDefinition tool) {
		Map<String, Object> function = new LinkedHashMap<>(4);
		function.put("name", tool.name());
		putIfSet(function, "description", tool.description());
		putIfSet(function, "parameters", tool.parameters());
		putIfSet(function, "strict", tool.strict());
		return object("type", "function", "function", function);
	}

	private static Object toolChoice(ToolChoice choice) {
		if (choice == null) {
			return null;
		}
		return "function".equals(choice.mode())
				? object("type", "function", "function", object("name", choice.functionName())) : choice.mode();
	}

	private static Object responseFormat(ResponseFormat format) {
		if (!"json_schema".equals(format.type())) {
			return object("type", format.type());
		}
		return object("type", "json_schema", "json_schema",
				object("name", format.name(), "schema", format.schema(), "strict", format.strict()));
	}

	/**
	 * A JSON object whose fields keep the order given, as the API documents them
	 * ({@code type} first), so bodies read well in wire logs.
	 */
	private static Map<String, Object> object(Object... namesAndValues) {
		Map<String, Object> object = new LinkedHashMap<>(namesAndValues.length);
		for (int i = 0; i < namesAndValues.length; i += 2) {
			object.put((String) namesAndValues[i], namesAndValues[i + 1]);
		}
		return object;
	}

	/**
	 * Reads a whole chat completion (a 2xx body).
	 * @param body the body
	 * @param contentType its content type, or {@code null}
	 * @param model the model asked for, used when the answer names none
	 * @param start when the call started, in {@link System#nanoTime()}
	 * @return the answer
	 * @throws dev.llmclient.LlmMalformedResponseException when it is not a completion
	 */
	public ChatResponse completion(byte[] body, MediaType contentType, String model, long start) {
		if (body.length == 0) {
			throw this.failures.malformed("an empty body", null);
		}
		CompletionResponse completion;
		try {
			completion = MAPPER.readValue(body, CompletionResponse.class);
		}
		catch (JacksonException ex) {
			String kind = (contentType != null) ? contentType.toString() : "no content type";
			throw this.failures
				.malformed("a body that is not a chat completion (" + kind + "): " + this.failures.snippet(body), ex);
		}
		if (completion == null) {
			throw this.failures.malformed("JSON null", null);
		}
		List<Choice> choices = completion.choices();
		if (choices == null || choices.isEmpty()) {
			throw this.failures.malformed("a chat completion without choices: " + this.failures.snippet(body), null);
		}
		Choice choice = choices.get(0);
		if (choice == null || choice.message() == null) {
			throw this.failures.malformed("a choice without a message: " + this.failures.snippet(body), null);
		}
		String content = (choice.message().content() != null) ? choice.message().content() : "";
		String answeredModel = (completion.model() != null) ? completion.model() : model;
		return new ChatResponse(completion.id(), answeredModel, content, choice.finishReason(),
				usage(completion.usage()), Duration.ofNanos(System.nanoTime() - start),
				toolCalls(choice.message().toolCalls(), body), choice.message().refusal());
	}

	/**
	 * The tool calls of a whole answer; a server that sends no id gets
	 * {@code call_<index>}, so that the result message can still name the call.
	 */
	private List<ToolCall> toolCalls(List<ToolCallBody> calls, byte[] body) {
		if (calls == null || calls.isEmpty()) {
			return List.of();
		}
		List<ToolCall> read = new ArrayList<>(calls.size());
		for (int i = 0; i < calls.size(); i++) {
			ToolCallBody call = calls.get(i);
			String name = (call != null && call.function() != null) ? call.function().name() : null;
			if (name == null || name.isBlank()) {
				throw this.failures.malformed("a tool call without a function name: " + this.failures.snippet(body),
						null);
			}
			read.add(new ToolCall(toolCallId(call.id(), i), name, arguments(call.function().arguments())));
		}
		return read;
	}

	static String toolCallId(String id, int index) {
		return (id != null && !id.isBlank()) ? id : "call_" + index;
	}

	/**
	 * Arguments as JSON text: the API sends a string; a few servers send the object
	 * itself.
	 */
	static String arguments(JsonNode arguments) {
		if (arguments == null || arguments.isNull() || arguments.isMissingNode()) {
			return "";
		}
		return arguments.isString() ? arguments.asString() : arguments.toString();
	}

	/**
	 * Reads the data of one stream event.
	 * @param data the event's data
	 * @return the chunk, or an error the server sent in its place
	 * @throws dev.llmclient.LlmMalformedResponseException when it is not a chunk
	 */
	Chunk chunk(String data) {
		ChunkBody chunk;
		try {
			chunk = MAPPER.readValue(data, ChunkBody.class);
		}
		catch (JacksonException ex) {
			throw this.failures
				.malformed("a stream event that is not a chat completion chunk: " + this.failures.snippet(data), ex);
		}
		if (chunk == null) {
			throw this.failures.malformed("a stream event holding JSON null", null);
		}
		if (isError(chunk)) {
			return new Chunk(null, null, null, null, null, null, null, error(chunk));
		}
		Choice choice = firstChoice(chunk.choices());
		MessageBody delta = (choice != null) ? choice.delta() : null;
		String text = (choice == null) ? null : (delta != null && delta.content() != null) ? delta.content() : "";
		return new Chunk(chunk.id(), chunk.model(), usage(chunk.usage()), text,
				(choice != null) ? choice.finishReason() : null, (delta != null) ? delta.toolCalls() : null,
				(delta != null) ? delta.refusal() : null, null);
	}

	/**
	 * Reads the data of an {@code event: error}: usually JSON, but any text is the
	 * reason.
	 * @param data the event's data
	 * @return the error
	 */
	static ServerError streamError(String data) {
		try {
			ChunkBody chunk = MAPPER.readValue(data, ChunkBody.class);
			if (chunk != null && isError(chunk)) {
				return error(chunk);
			}
		}
		catch (JacksonException ex) {
			// not JSON: the text itself is the reason
		}
		return new ServerError(null, null, data);
	}

	/**
	 * Reads an error body, in any of the shapes servers send: OpenAI's {@code {"error":
	 * {"message", "type", "code"}}}, a bare {@code {"error": "..."}}, vLLM's
	 * {@code {"object": "error", "message", "type", "code"}}, or an RFC 9457 problem
	 * ({@code {"type", "title", "detail"}}), whose {@code detail}, else its
	 * {@code title}, is the reason.
	 * @param body the body of an error status
	 * @return what the body says, or {@code null} when it is not JSON in one of those
	 * shapes
	 */
	static ServerError errorBody(byte[] body) {
		if (body.length == 0) {
			return null;
		}
		JsonNode root;
		try {
			root = MAPPER.readTree(body);
		}
		catch (JacksonException ex) {
			return null;
		}
		if (root == null || !root.isObject()) {
			return null;
		}
		JsonNode error = root.get("error");
		if (error != null && error.isObject()) {
			return fields(error);
		}
		if (error != null && !error.isNull()) {
			return new ServerError(text(root.get("type")), text(root.get("code")), text(error));
		}
		ServerError fields = fields(root);
		return (fields.reason() != null) ? fields : null;
	}

	/** An error object: its {@code message}, else a problem's {@code detail} or title. */
	private static ServerError fields(JsonNode error) {
		String reason = text(error.get("message"));
		if (reason == null) {
			reason = text(error.get("detail"));
		}
		if (reason == null) {
			reason = text(error.get("title"));
		}
		return new ServerError(text(error.get("type")), text(error.get("code")), reason);
	}

	private static boolean isError(ChunkBody chunk) {
		return (chunk.error() != null && !chunk.error().isNull()) || "error".equals(chunk.object());
	}

	private static ServerError error(ChunkBody chunk) {
		JsonNode error = chunk.error();
		if (error != null && error.isObject()) {
			return fields(error);
		}
		if (error != null && !error.isNull()) {
			return new ServerError(text(chunk.type()), text(chunk.code()), text(error));
		}
		return new ServerError(text(chunk.type()), text(chunk.code()), text(chunk.message()));
	}

	/**
	 * The choice with index 0: with {@code n > 1} the other choices are not part of this
	 * answer.
	 */
	private static Choice firstChoice(List<Choice> choices) {
		if (choices == null) {
			return null;
		}
		for (Choice choice : choices) {
			if (choice != null && (choice.index() == null || choice.index() == 0)) {
				return choice;
			}
		}
		return null;
	}

	static Usage usage(UsageBody body) {
		if (body == null || (body.promptTokens() == null && body.completionTokens() == null)) {
			return null;
		}
		int input = (body.promptTokens() != null) ? body.promptTokens() : 0;
		int output = (body.completionTokens() != null) ? body.completionTokens() : 0;
		int total = (body.totalTokens() != null) ? body.totalTokens() : input + output;
		return new Usage(input, output, total);
	}

	private static String text(JsonNode node) {
		if (node == null || node.isNull() || node.isMissingNode()) {
			return null;
		}
		if (node.isObject() && node.has("message")) {
			return text(node.get("message"));
		}
		return node.isValueNode() ? node.asString() : node.toString();
	}

	/**
	 * What a server said about an error.
	 *
	 * @param type its error type, or {@code null}
	 * @param code its error code, or {@code null}
	 * @param reason its message, whole, or {@code null}
	 */
	record ServerError(String type, String code, String reason) {
	}

	/**
	 * One stream event, read.
	 *
	 * @param id the completion's id, or {@code null}
	 * @param model the model that answers, or {@code null}
	 * @param usage the token counts, or {@code null}
	 * @param text the delta of choice 0 ({@code ""} when it carries none), or
	 * {@code null} when the event has no choice 0
	 * @param finishReason the finish reason of choice 0, or {@code null}
	 * @param toolCalls fragments of tool calls in the delta of choice 0, or {@code null}
	 * @param refusal a fragment of a refusal in the delta of choice 0, or {@code null}
	 * @param error the error the server sent instead of a chunk, or {@code null}
	 */
	record Chunk(String id, String model, Usage usage, String text, String finishReason, List<ToolCallBody> toolCalls,
			String refusal, ServerError error) {
	}

	@JsonIgnoreProperties(ignoreUnknown = true)
	public record CompletionResponse(String id, String model, List<Choice> choices, UsageBody usage) {
	}

	@JsonIgnoreProperties(ignoreUnknown = true)
	public record Choice(Integer index, MessageBody message, MessageBody delta,
			@JsonProperty("finish_reason") String finishReason) {
	}

	@JsonIgnoreProperties(ignoreUnknown = true)
	public record MessageBody(String role, String content, String refusal,
			@JsonProperty("tool_calls") List<ToolCallBody> toolCalls) {
	}

	/**
	 * A tool call, whole in an answer or a fragment in a stream's delta (where
	 * {@code index} says which call it continues).
	 */
	@JsonIgnoreProperties(ignoreUnknown = true)
	record ToolCallBody(Integer index, String id, String type, FunctionBody function) {
	}

	@JsonIgnoreProperties(ignoreUnknown = true)
	record FunctionBody(String name, JsonNode arguments) {
	}

	@JsonIgnoreProperties(ignoreUnknown = true)
	public record UsageBody(@JsonProperty("prompt_tokens") Integer promptTokens,
			@JsonProperty("completion_tokens") Integer completionTokens,
			@JsonProperty("total_tokens") Integer totalTokens) {
	}

	/**
	 * One chunk, or an error in the stream: OpenAI's {@code {"error": {...}}} or vLLM's
	 * {@code {"object": "error", ...}}.
	 */
	@JsonIgnoreProperties(ignoreUnknown = true)
	public record ChunkBody(String id, String object, String model, List<Choice> choices, UsageBody usage,
			JsonNode error, JsonNode message, JsonNode type, JsonNode code) {
	}

}
