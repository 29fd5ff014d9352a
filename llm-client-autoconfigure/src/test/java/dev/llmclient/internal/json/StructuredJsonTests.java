package dev.llmclient.internal.json;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import dev.llmclient.ChatResponse;
import dev.llmclient.LlmStructuredOutputException;
import dev.llmclient.ResponseFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Strict schemas of records, and answers read back into them.
 */
class StructuredJsonTests {

	enum Priority {

		LOW, HIGH

	}

	record Address(String city, @JsonPropertyDescription("ISO 3166 country code") String country) {
	}

	record Contact(@JsonPropertyDescription("Full name") String name, Optional<String> email, int age,
			List<String> topics, Priority priority, Address address, List<Address> previous, @Nullable Address billing,
			Optional<Priority> escalation) {
	}

	@java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.RUNTIME)
	@interface Nullable {

	}

	record WithObject(String name, Object payload) {
	}

	record WithMap(String name, Map<String, String> labels) {
	}

	interface Shape {

	}

	record WithInterface(Shape shape) {
	}

	record Nested(WithMap inner) {
	}

	@Test
	void schemaIsStrict() {
		JsonNode schema = StructuredJson.schema(Contact.class);
		assertThat(schema.get("type").asString()).isEqualTo("object");
		assertThat(schema.get("additionalProperties").asBoolean()).isFalse();
		assertThat(schema.get("required")).extracting(JsonNode::asString)
			.as("every property, in declaration order")
			.containsExactly("name", "email", "age", "topics", "priority", "address", "previous", "billing",
					"escalation");
		JsonNode properties = schema.get("properties");
		assertThat(properties.get("name").get("description").asString()).isEqualTo("Full name");
		assertThat(properties.get("email").toString()).as("optional: a union with null").contains("null");
		assertThat(properties.get("name").toString()).doesNotContain("null");
		assertThat(properties.get("topics").get("type").asString()).isEqualTo("array");
		assertThat(resolve(schema, properties.get("priority")).get("enum")).extracting(JsonNode::asString)
			.containsExactly("LOW", "HIGH");
		assertThat(properties.get("billing").toString()).as("@Nullable: a union with null").contains("null");
		assertThat(properties.get("escalation").get("anyOf")).as("a nullable enum: null, or one of its values")
			.extracting((branch) -> resolve(schema, branch).toString())
			.containsExactly("{\"type\":\"null\"}", "{\"type\":\"string\",\"enum\":[\"LOW\",\"HIGH\"]}");
		assertThat(schema.toString()).contains("ISO 3166 country code");
		assertThat(everyObjectIsStrict(schema)).isTrue();
	}

	/** Follows a {@code $ref} to the schema's {@code $defs}. */
	private static JsonNode resolve(JsonNode schema, JsonNode node) {
		JsonNode ref = node.get("$ref");
		return (ref != null) ? schema.get("$defs").get(ref.asString().substring("#/$defs/".length())) : node;
	}

	private static boolean everyObjectIsStrict(JsonNode node) {
		if (node.isObject() && node.has("properties")) {
			if (node.get("additionalProperties") == null || node.get("additionalProperties").asBoolean()
					|| node.get("required").size() != node.get("properties").size()) {
				return false;
			}
		}
		for (JsonNode child : node) {
			if (!everyObjectIsStrict(child)) {
				return false;
			}
		}
		return true;
	}

	@Test
	void schemaIsGeneratedOncePerType() {
		assertThat(ResponseFormat.jsonSchema(Contact.class)).isSameAs(ResponseFormat.jsonSchema(Contact.class));
		assertThat(StructuredJson.schema(Contact.class)).isSameAs(StructuredJson.schema(Contact.class));
	}

	@Test
	void typesWithoutAFixedShapeAreRefusedNamingTypeAndField() {
		assertThatIllegalArgumentException().isThrownBy(() -> ResponseFormat.jsonSchema(WithObject.class))
			.withMessageContaining(WithObject.class.getName() + ".payload")
			.withMessageContaining("Object");
		assertThatIllegalArgumentException().isThrownBy(() -> ResponseFormat.jsonSchema(WithMap.class))
			.withMessageContaining(WithMap.class.getName() + ".labels")
			.withMessageContaining("map");
		assertThatIllegalArgumentException().isThrownBy(() -> ResponseFormat.jsonSchema(WithInterface.class))
			.withMessageContaining(WithInterface.class.getName() + ".shape")
			.withMessageContaining("interface");
		assertThatIllegalArgumentException().isThrownBy(() -> ResponseFormat.jsonSchema(Nested.class))
			.withMessageContaining(WithMap.class.getName() + ".labels");
		assertThatIllegalArgumentException().isThrownBy(() -> ResponseFormat.jsonSchema(String.class))
			.withMessageContaining("java.lang.String")
			.withMessageContaining("record");
	}

	@Test
	void answerIsReadIntoTheRecord() {
		String json = """
				{"name": "Ada", "email": null, "age": 36, "topics": ["math"], "priority": "HIGH",
				 "address": {"city": "London", "country": "GB"}, "previous": [], "billing": null, "escalation": "LOW"}""";
		Contact contact = new ChatResponse(null, "m", json, "stop", null, null).contentAs(Contact.class);
		assertThat(contact.name()).isEqualTo("Ada");
		assertThat(contact.email()).isEmpty();
		assertThat(contact.priority()).isEqualTo(Priority.HIGH);
		assertThat(contact.address().city()).isEqualTo("London");
		assertThat(contact.billing()).isNull();
	}

	@Test
	void answerMissingARequiredValueFailsCarryingTheRawText() {
		String json = """
				{"name": "Ada", "email": null, "age": 36, "topics": ["math"], "priority": "HIGH",
				 "address": {"city": null, "country": "GB"}, "previous": [], "billing": null, "escalation": null}""";
		assertThatThrownBy(() -> new ChatResponse(null, "m", json, "stop", null, null).contentAs(Contact.class))
			.isInstanceOfSatisfying(LlmStructuredOutputException.class, (ex) -> {
				assertThat(ex.rawText()).isEqualTo(json);
				assertThat(ex.errorType()).isEqualTo("structured_output");
				assertThat(ex.isRetryable()).isFalse();
			})
			.hasMessageContaining("Contact.address.city");
		String withoutAge = "{\"name\": \"Ada\"}";
		assertThatThrownBy(() -> new ChatResponse(null, "m", withoutAge, "stop", null, null).contentAs(Contact.class))
			.isInstanceOf(LlmStructuredOutputException.class)
			.hasMessageContaining("Missing");
	}

	@Test
	void answerThatIsNotJsonFailsCarryingTheRawText() {
		assertThatThrownBy(
				() -> new ChatResponse(null, "m", "Sure! Here it is:", "stop", null, null).contentAs(Address.class))
			.isInstanceOfSatisfying(LlmStructuredOutputException.class,
					(ex) -> assertThat(ex.rawText()).isEqualTo("Sure! Here it is:"));
	}

	@Test
	void refusalFailsCarryingTheRefusal() {
		ChatResponse refused = new ChatResponse(null, "m", "", "stop", null, null, null, "I cannot help with that.");
		assertThatThrownBy(() -> refused.contentAs(Address.class))
			.isInstanceOfSatisfying(LlmStructuredOutputException.class,
					(ex) -> assertThat(ex.refusal()).isEqualTo("I cannot help with that."))
			.hasMessageContaining("refused");
	}

}
