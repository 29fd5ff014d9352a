package dev.llmclient.internal.wire;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.util.RawValue;

import dev.llmclient.ChatMessage;
import dev.llmclient.ChatRequest;
import dev.llmclient.ChatSettings;
import dev.llmclient.ContentPart;
import dev.llmclient.RequestClass;
import dev.llmclient.ResponseFormat;
import dev.llmclient.ToolCall;
import dev.llmclient.ToolChoice;
import dev.llmclient.ToolDefinition;

/**
 * Writes the body of a chat completions request, for {@link ChatCodec}: fields in the
 * order the API documents them, only those the request sets, and the request's
 * {@code extra} fields after them; then the hints of the request's class (its priority
 * and, for a batch call, its service tier) when they are configured and {@code extra}
 * does not already set them: the caller's own value wins.
 */
final class ChatRequestEncoder {

	/**
	 * Asks the server to report usage in the last chunk of a stream, as OpenAI, vLLM and
	 * llama.cpp do.
	 */
	private static final Map<String, Object> STREAM_OPTIONS = Map.of("include_usage", true);

	private static final String SERVICE_TIER = "service_tier";

	private final boolean streamUsage;

	private final String maxTokensField;

	private final ChatSettings chat;

	/**
	 * Response formats and tools already written, by identity: the format of a record
	 * type and a tool loop's tools are the same instances call after call, and writing
	 * their schemas anew each time would cost more than the rest of the body. Bounded, so
	 * formats built per call only churn through it.
	 */
	private final Map<Object, RawValue> written = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
		private static final long serialVersionUID = 1L;

		@Override
		protected boolean removeEldestEntry(Map.Entry<Object, RawValue> eldest) {
			return size() > 256;
		}
	});

	ChatRequestEncoder(boolean streamUsage, ChatSettings chat) {
		this.streamUsage = streamUsage;
		this.maxTokensField = chat.maxTokensField().wireName();
		this.chat = chat;
	}

	/**
	 * The service tier the client adds to a request: the configured batch tier for a
	 * batch call whose {@code extra} sets none.
	 * @param request the request
	 * @return the tier, or {@code null} when the client adds none
	 */
	String serviceTier(ChatRequest request) {
		String tier = this.chat.batchServiceTier();
		return (tier != null && request.requestClassOr(RequestClass.INTERACTIVE) == RequestClass.BATCH
				&& !request.extra().containsKey(SERVICE_TIER)) ? tier : null;
	}

	/**
	 * Writes a request body.
	 * @param request the request
	 * @param model the model to ask for, or {@code null}
	 * @param stream whether to ask for a stream of server-sent events
	 * @param serviceTier whether to add the configured service tier of a batch call;
	 * {@code false} once the call falls back to the default tier
	 * @return the JSON body
	 * @throws IllegalArgumentException when {@code extra} holds what cannot be sent
	 */
	byte[] encode(ChatRequest request, String model, boolean stream, boolean serviceTier) {
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
				tools.add(written(tool, ChatRequestEncoder::tool));
			}
			body.put("tools", tools);
		}
		putIfSet(body, "tool_choice", toolChoice(request.toolChoice()));
		putIfSet(body, "parallel_tool_calls", request.parallelToolCalls());
		if (request.responseFormat() != null) {
			body.put("response_format", written(request.responseFormat(), ChatRequestEncoder::responseFormat));
		}
		putIfSet(body, "prompt_cache_key", request.promptCacheKey());
		if (stream) {
			body.put("stream", true);
		}
		else if (request.extra().containsKey("stream")) {
			throw new IllegalArgumentException("ChatRequest.extra must not set 'stream' for chat(): call "
					+ "LlmClient.stream(...) for a streamed answer");
		}
		request.extra().forEach(body::putIfAbsent);
		if (this.chat.priorityField() != null) {
			body.putIfAbsent(this.chat.priorityField(),
					this.chat.priority(request.requestClassOr(RequestClass.INTERACTIVE)));
		}
		if (serviceTier) {
			putIfSet(body, SERVICE_TIER, serviceTier(request));
		}
		if (stream && this.streamUsage) {
			body.putIfAbsent("stream_options", STREAM_OPTIONS);
		}
		try {
			return ChatCodec.MAPPER.writeValueAsBytes(body);
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
	private <T> RawValue written(T value, Function<T, Object> wire) {
		RawValue json = this.written.get(new Identity(value));
		if (json == null) {
			try {
				json = new RawValue(ChatCodec.MAPPER.writeValueAsString(wire.apply(value)));
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

}
