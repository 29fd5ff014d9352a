package dev.llmclient;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import dev.llmclient.internal.json.StructuredJson;

/**
 * The format the answer must have ({@code response_format}): plain text, any JSON object,
 * or JSON following a schema.
 *
 * @param type {@code text}, {@code json_object} or {@code json_schema}
 * @param name the schema's name for {@code json_schema}, otherwise {@code null}
 * @param schema the JSON schema for {@code json_schema}, as maps and lists, otherwise
 * {@code null}
 * @param strict whether the model must follow the schema exactly (only for
 * {@code json_schema})
 * @since 0.1.0
 */
public record ResponseFormat(String type, String name, Map<String, Object> schema, boolean strict) {

	/** Plain text, the server's default. */
	public static final ResponseFormat TEXT = new ResponseFormat("text", null, null, false);

	/**
	 * Any valid JSON object ("JSON mode"); the messages must ask for JSON, as the API
	 * requires.
	 */
	public static final ResponseFormat JSON_OBJECT = new ResponseFormat("json_object", null, null, false);

	private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

	private static final ClassValue<ResponseFormat> FOR_TYPES = new ClassValue<>() {
		@Override
		protected ResponseFormat computeValue(Class<?> type) {
			return new ResponseFormat("json_schema", StructuredJson.schemaName(type), StructuredJson.schemaMap(type),
					true);
		}
	};

	/**
	 * Creates a format, checking it.
	 * @throws IllegalArgumentException naming the field that is invalid
	 */
	public ResponseFormat {
		if ("json_schema".equals(type)) {
			if (name == null || !NAME.matcher(name).matches()) {
				throw new IllegalArgumentException(
						"ResponseFormat.name must be 1 to 64 letters, digits, '_' or '-' for json_schema, was " + name);
			}
			if (schema == null || !"object".equals(schema.get("type"))) {
				throw new IllegalArgumentException(
						"ResponseFormat.schema must be a JSON schema of type object for json_schema");
			}
			// keeps the order of the properties: models write them in schema order
			schema = Collections.unmodifiableMap(new LinkedHashMap<>(schema));
		}
		else if ("text".equals(type) || "json_object".equals(type)) {
			if (name != null || schema != null || strict) {
				throw new IllegalArgumentException(
						"ResponseFormat name, schema and strict belong to json_schema, not to " + type);
			}
		}
		else {
			throw new IllegalArgumentException(
					"ResponseFormat.type must be text, json_object or json_schema, was '" + type + "'");
		}
	}

	/**
	 * Asks for JSON following a schema of one's own.
	 * @param name the schema's name, 1 to 64 of {@code [A-Za-z0-9_-]}
	 * @param schema an object schema
	 * @param strict whether the model must follow it exactly (strict schemas list every
	 * property as required and forbid additional properties)
	 * @return the format
	 */
	public static ResponseFormat jsonSchema(String name, Map<String, Object> schema, boolean strict) {
		return new ResponseFormat("json_schema", name, schema, strict);
	}

	/**
	 * Asks for JSON following the strict schema of a record type, generated once per
	 * type; what {@link LlmClient#chat(ChatRequest, Class)} sends.
	 * @param type a record type
	 * @return the format, named after the type's simple name
	 * @throws IllegalArgumentException naming the type and field that cannot be described
	 */
	public static ResponseFormat jsonSchema(Class<?> type) {
		if (type == null) {
			throw new IllegalArgumentException("type must not be null");
		}
		return FOR_TYPES.get(type);
	}

}
