package dev.llmclient;

import tools.jackson.databind.JsonNode;
import dev.llmclient.internal.json.StructuredJson;

/**
 * A call of a function the model asked for ({@code tool_calls[]}).
 *
 * @param id the call's id, which the tool result message names; servers that send none
 * get {@code call_<index>}
 * @param name the function's name
 * @param arguments the arguments as the model wrote them: JSON text, unchecked
 * @since 0.1.0
 */
public record ToolCall(String id, String name, String arguments) {

	/**
	 * Creates a call.
	 * @throws IllegalArgumentException when the id or name is blank
	 */
	public ToolCall {
		if (id == null || id.isBlank()) {
			throw new IllegalArgumentException("ToolCall.id must not be blank");
		}
		if (name == null || name.isBlank()) {
			throw new IllegalArgumentException("ToolCall.name must not be blank");
		}
		arguments = (arguments != null) ? arguments : "";
	}

	/**
	 * Reads the arguments into a record, as a strict schema of it describes them.
	 * @param type the record type, usually the one given to
	 * {@link ToolDefinition#of(String, String, Class)}
	 * @return the arguments
	 * @throws LlmStructuredOutputException carrying the raw arguments when they are not
	 * JSON or do not fit the type
	 * @throws IllegalArgumentException when the type cannot be described by a schema
	 */
	public <T> T argumentsAs(Class<T> type) {
		try {
			return StructuredJson.read(this.arguments.isBlank() ? "{}" : this.arguments, type,
					"arguments of tool call '" + this.name + "'");
		}
		catch (StructuredJson.Mismatch ex) {
			throw LlmStructuredOutputException.of(ex);
		}
	}

	/**
	 * Reads the arguments as a JSON tree.
	 * @return the tree; an empty object when the model sent no arguments
	 * @throws LlmStructuredOutputException carrying the raw arguments when they are not
	 * JSON
	 */
	public JsonNode argumentsTree() {
		try {
			return StructuredJson.tree(this.arguments.isBlank() ? "{}" : this.arguments,
					"arguments of tool call '" + this.name + "'");
		}
		catch (StructuredJson.Mismatch ex) {
			throw LlmStructuredOutputException.of(ex);
		}
	}

}
