package dev.llmclient.internal.wire;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.MediaType;

import dev.llmclient.ChatRequest;
import dev.llmclient.ChatResponse;
import dev.llmclient.ChatSettings;
import dev.llmclient.ToolCall;
import dev.llmclient.Usage;
import dev.llmclient.internal.wire.ChatWire.Choice;
import dev.llmclient.internal.wire.ChatWire.ChunkBody;
import dev.llmclient.internal.wire.ChatWire.CompletionResponse;
import dev.llmclient.internal.wire.ChatWire.MessageBody;
import dev.llmclient.internal.wire.ChatWire.ToolCallBody;
import dev.llmclient.internal.wire.ChatWire.UsageBody;

/**
 * The wire format of the OpenAI-compatible chat completions API, both ways: writes a
 * request body (through {@link ChatRequestEncoder}), reads a completion, a stream chunk
 * and a server's error body into the shapes of {@link ChatWire}. What is wrong with an
 * answer is reported through {@link Failures}, which words every message built from a
 * server's answer.
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

	private final ChatRequestEncoder encoder;

	private final Failures failures;

	public ChatCodec(boolean streamUsage, ChatSettings chat, Failures failures) {
		this.encoder = new ChatRequestEncoder(streamUsage, chat);
		this.failures = failures;
	}

	/**
	 * Writes a request body, with the hints of its class that are configured.
	 * @param request the request
	 * @param model the model to ask for, or {@code null}
	 * @param stream whether to ask for a stream of server-sent events
	 * @return the JSON body
	 * @throws IllegalArgumentException when {@code extra} holds what cannot be sent
	 */
	public byte[] encode(ChatRequest request, String model, boolean stream) {
		return this.encoder.encode(request, model, stream, true);
	}

	/**
	 * Writes a request body for the project's default service tier: without the
	 * {@code service_tier} the client would add to a batch call.
	 * @param request the request
	 * @param model the model to ask for, or {@code null}
	 * @param stream whether to ask for a stream of server-sent events
	 * @return the JSON body
	 */
	public byte[] encodeOnDefaultTier(ChatRequest request, String model, boolean stream) {
		return this.encoder.encode(request, model, stream, false);
	}

	/**
	 * Returns the service tier the client adds to a request: the configured batch tier
	 * for a batch call whose {@code extra} sets none.
	 * @param request the request
	 * @return the tier, or {@code null} when the client adds none
	 */
	public String serviceTier(ChatRequest request) {
		return this.encoder.serviceTier(request);
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
		ChatWire.PromptDetails prompt = body.promptDetails();
		Integer cached = (prompt != null && prompt.cachedTokens() != null) ? prompt.cachedTokens()
				: body.promptCacheHitTokens();
		Integer cacheWrite = (prompt != null && prompt.cacheWriteTokens() != null) ? prompt.cacheWriteTokens()
				: body.cacheCreationInputTokens();
		Integer reasoning = (body.completionDetails() != null) ? body.completionDetails().reasoningTokens() : null;
		return new Usage(input, output, total, cached, cacheWrite, reasoning);
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

}
