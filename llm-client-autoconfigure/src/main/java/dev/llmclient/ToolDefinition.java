package dev.llmclient;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import dev.llmclient.internal.json.StructuredJson;

/**
 * A function the model may call ({@code tools[].function}).
 *
 * @param name the function's name, 1 to 64 of {@code [A-Za-z0-9_-]}
 * @param description what the function does and when to call it, or {@code null}
 * @param parameters the JSON schema of its arguments (an object schema), as maps and
 * lists; {@code null} for a function without arguments
 * @param strict whether the model must follow the schema exactly ({@code strict}), or
 * {@code null} for the server's default
 * @since 0.1.0
 */
public record ToolDefinition(String name, String description, Map<String, Object> parameters, Boolean strict) {

	private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

	/**
	 * Creates a definition, checking its name and schema.
	 * @throws IllegalArgumentException naming the field that is invalid
	 */
	public ToolDefinition {
		if (name == null || !NAME.matcher(name).matches()) {
			throw new IllegalArgumentException("ToolDefinition.name must be 1 to 64 letters, digits, '_' or '-', was "
					+ ((name == null) ? "null" : "'" + name + "'"));
		}
		if (parameters != null) {
			Object type = parameters.get("type");
			if (!"object".equals(type)) {
				throw new IllegalArgumentException("ToolDefinition.parameters of tool '" + name
						+ "' must be a JSON schema of type object (\"type\": \"object\"), had type " + type
						+ ": the API passes arguments as one JSON object");
			}
			Object properties = parameters.get("properties");
			if (properties != null && !(properties instanceof Map)) {
				throw new IllegalArgumentException("ToolDefinition.parameters.properties of tool '" + name
						+ "' must be an object mapping argument names to schemas");
			}
			// keeps the order of the properties: models write them in schema order
			parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
		}
	}

	/**
	 * Creates a strict definition whose arguments are described by a record: the schema
	 * is generated from it (once per type), and the model's arguments can be read back
	 * with {@link ToolCall#argumentsAs(Class)}.
	 * @param name the function's name
	 * @param description what it does, or {@code null}
	 * @param argumentsType a record type
	 * @return the definition
	 * @throws IllegalArgumentException naming the name, or the type and field that cannot
	 * be described
	 */
	public static ToolDefinition of(String name, String description, Class<?> argumentsType) {
		return new ToolDefinition(name, description, StructuredJson.schemaMap(argumentsType), true);
	}

	/**
	 * Creates a definition of a function without arguments.
	 * @param name the function's name
	 * @param description what it does, or {@code null}
	 * @return the definition
	 */
	public static ToolDefinition withoutArguments(String name, String description) {
		return new ToolDefinition(name, description, null, null);
	}

}
