package dev.llmclient.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checks request bodies the client sends against JSON Schemas of the OpenAI wire format.
 * <p>
 * The schemas are test resources of this project under {@code openai-wire/}, written from
 * the facts of the official OpenAI API definition, so the tests never need a copy of that
 * document. They refuse properties the document does not define, so a misspelt wire name
 * fails the test that sent it. Add a schema there, and a method here, for each operation
 * the client gains.
 */
public final class WireSchemas {

	private static final SchemaRegistry REGISTRY = SchemaRegistry
		.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Map<String, Schema> SCHEMAS = new ConcurrentHashMap<>();

	private WireSchemas() {
	}

	/**
	 * Fails unless {@code body} is a valid chat completions request
	 * ({@code POST /chat/completions}), streaming or not.
	 * @param body the request body as sent
	 */
	public static void assertValidChatRequest(String body) {
		assertValid("chat-completion-request.schema.json", body);
	}

	/**
	 * Returns the violations of {@code body} against a schema of {@code openai-wire/}.
	 * @param schemaFile the schema's file name
	 * @param body the JSON document to check
	 * @return one line per violation, empty when the body is valid
	 */
	public static List<String> violations(String schemaFile, String body) {
		JsonNode document = JSON.readTree(body);
		List<Error> errors = schema(schemaFile).validate(document);
		return errors.stream().map(Error::toString).collect(Collectors.toList());
	}

	private static void assertValid(String schemaFile, String body) {
		List<String> violations = violations(schemaFile, body);
		if (!violations.isEmpty()) {
			throw new AssertionError("Request body does not match " + schemaFile + ":\n  "
					+ String.join("\n  ", violations) + "\nBody: " + body);
		}
	}

	private static Schema schema(String schemaFile) {
		return SCHEMAS.computeIfAbsent(schemaFile, (file) -> {
			try (InputStream in = WireSchemas.class.getResourceAsStream("/openai-wire/" + file)) {
				if (in == null) {
					throw new IllegalArgumentException("No schema openai-wire/" + file + " on the test class path");
				}
				return REGISTRY.getSchema(in);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		});
	}

}
