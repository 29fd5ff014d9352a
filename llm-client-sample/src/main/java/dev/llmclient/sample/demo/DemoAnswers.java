package dev.llmclient.sample.demo;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import dev.llmclient.sample.demo.DemoWireFormat.CompletionRequest;
import dev.llmclient.sample.demo.DemoWireFormat.Function;
import dev.llmclient.sample.demo.DemoWireFormat.Message;
import dev.llmclient.sample.demo.DemoWireFormat.ToolCall;

/**
 * What the demo answers beyond echoing text, all of it deterministic: a tool call for a
 * request that offers tools (arguments made up from the tool's schema and the user's
 * text), an instance of the schema for a {@code json_schema} request, an object for
 * {@code json_object}, and image parts described as text.
 */
final class DemoAnswers {

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	private static final Pattern INTEGER = Pattern.compile("-?\\d+");

	private static final Pattern EMAIL = Pattern.compile("[\\w.+-]+@[\\w-]+(\\.[\\w-]+)+");

	private static final Pattern ZONE = Pattern.compile("\\b[A-Z][a-z]+/[A-Z][A-Za-z_]+\\b");

	private DemoAnswers() {
	}

	/**
	 * The text of a message's content: the string itself, or its text parts with each
	 * image part as {@code [image: ...]}.
	 */
	static String text(JsonNode content) {
		if (content == null || content.isNull() || content.isMissingNode()) {
			return "";
		}
		if (content.isString()) {
			return content.asString();
		}
		if (!content.isArray()) {
			throw new IllegalArgumentException("'content' must be a string or an array of parts");
		}
		List<String> pieces = new ArrayList<>();
		for (JsonNode part : content) {
			String type = part.path("type").asString();
			if ("text".equals(type)) {
				pieces.add(part.path("text").asString());
			}
			else if ("image_url".equals(type)) {
				pieces.add("[image: " + describeImage(part.path("image_url").path("url").asString()) + "]");
			}
			else {
				throw new IllegalArgumentException("Unknown content part type '" + type + "'");
			}
		}
		return String.join(" ", pieces);
	}

	/** A data URI by its media type and size, so an echo never holds the base64. */
	private static String describeImage(String url) {
		if (url.startsWith("data:")) {
			int comma = url.indexOf(',');
			String mediaType = url.substring(5, Math.max(5, url.indexOf(';') > 0 ? url.indexOf(';') : comma));
			int bytes = (comma > 0) ? (url.length() - comma - 1) * 3 / 4 : 0;
			return mediaType + ", about " + bytes + " bytes";
		}
		return url;
	}

	/**
	 * The tool call the demo asks for, or {@code null} when it answers in text: it calls
	 * a tool while the conversation has no tool result yet, choosing the tool named by
	 * {@code tool_choice}, else the first whose name appears in the user's text, else the
	 * first.
	 */
	static ToolCall toolCall(CompletionRequest request, String userText, int callNumber) {
		if (request.tools() == null || request.tools().isEmpty()) {
			return null;
		}
		JsonNode choice = request.toolChoice();
		if (choice != null && "none".equals(choice.asString(""))) {
			return null;
		}
		for (Message message : request.messages()) {
			if ("tool".equals(message.role())) {
				return null;
			}
		}
		JsonNode tool = chooseTool(request.tools(), choice, userText);
		JsonNode function = tool.path("function");
		JsonNode arguments = instance(function.path("parameters"), function.path("parameters"), "", userText,
				new int[1]);
		String name = function.path("name").asString();
		return new ToolCall(null, "call_demo_" + callNumber, "function",
				new Function(name, MAPPER.writeValueAsString(arguments.isObject() ? arguments : NODES.objectNode())));
	}

	private static JsonNode chooseTool(List<JsonNode> tools, JsonNode choice, String userText) {
		String named = (choice != null) ? choice.path("function").path("name").asString(null) : null;
		String lower = userText.toLowerCase(Locale.ROOT);
		for (JsonNode tool : tools) {
			String name = tool.path("function").path("name").asString("");
			if (named != null) {
				if (name.equals(named)) {
					return tool;
				}
				continue;
			}
			for (String word : name.toLowerCase(Locale.ROOT).split("_")) {
				if (word.length() > 2 && lower.contains(word)) {
					return tool;
				}
			}
		}
		return tools.get(0);
	}

	/**
	 * The answer to a request for structured output: an instance of its
	 * {@code json_schema}, an object for {@code json_object}, or {@code null} for text.
	 */
	static String structured(CompletionRequest request, String userText) {
		JsonNode format = request.responseFormat();
		if (format == null || format.isNull()) {
			return null;
		}
		String type = format.path("type").asString("text");
		if ("json_object".equals(type)) {
			return MAPPER.writeValueAsString(Map.of("echo", userText));
		}
		if ("json_schema".equals(type)) {
			JsonNode schema = format.path("json_schema").path("schema");
			return MAPPER.writeValueAsString(instance(schema, schema, "", userText, new int[1]));
		}
		return null;
	}

	/**
	 * A value the schema accepts, made from the user's text where the schema leaves room:
	 * integers are the integers of the text in turn, an email property the text's email,
	 * a zone property a zone named in the text (else UTC), other strings the property's
	 * name; arrays hold one item, unions take their first non-null branch.
	 */
	private static JsonNode instance(JsonNode schema, JsonNode root, String property, String text, int[] integers) {
		if (schema.has("$ref")) {
			String ref = schema.get("$ref").asString();
			return instance(root.at(ref.substring(1)), root, property, text, integers);
		}
		for (String union : List.of("anyOf", "oneOf")) {
			if (schema.has(union)) {
				for (JsonNode branch : schema.get(union)) {
					if (!"null".equals(branch.path("type").asString(""))) {
						return instance(branch, root, property, text, integers);
					}
				}
			}
		}
		if (schema.has("enum")) {
			return schema.get("enum").get(0);
		}
		String type = type(schema);
		switch (type) {
			case "object" -> {
				ObjectNode object = NODES.objectNode();
				Iterator<Map.Entry<String, JsonNode>> properties = schema.path("properties").properties().iterator();
				while (properties.hasNext()) {
					Map.Entry<String, JsonNode> entry = properties.next();
					object.set(entry.getKey(), instance(entry.getValue(), root, entry.getKey(), text, integers));
				}
				return object;
			}
			case "array" -> {
				ArrayNode array = NODES.arrayNode();
				array.add(instance(schema.path("items"), root, property, text, integers));
				return array;
			}
			case "integer", "number" -> {
				return NODES.numberNode(nextInteger(text, integers));
			}
			case "boolean" -> {
				return NODES.booleanNode(true);
			}
			case "null" -> {
				return NODES.nullNode();
			}
			default -> {
				return NODES.stringNode(string(property, text));
			}
		}
	}

	private static String type(JsonNode schema) {
		JsonNode type = schema.path("type");
		if (type.isArray()) {
			for (JsonNode item : type) {
				if (!"null".equals(item.asString())) {
					return item.asString();
				}
			}
			return "null";
		}
		return type.asString("string");
	}

	private static long nextInteger(String text, int[] used) {
		Matcher matcher = INTEGER.matcher(text);
		int seen = 0;
		while (matcher.find()) {
			if (seen++ == used[0]) {
				used[0]++;
				return Long.parseLong(matcher.group());
			}
		}
		return 1;
	}

	private static String string(String property, String text) {
		String name = property.toLowerCase(Locale.ROOT);
		if (name.contains("email")) {
			Matcher email = EMAIL.matcher(text);
			if (email.find()) {
				return email.group();
			}
		}
		if (name.contains("zone")) {
			Matcher zone = ZONE.matcher(text);
			return zone.find() ? zone.group() : "UTC";
		}
		return "echo " + (property.isEmpty() ? "value" : property);
	}

}
