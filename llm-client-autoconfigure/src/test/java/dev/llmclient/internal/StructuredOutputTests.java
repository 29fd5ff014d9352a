package dev.llmclient.internal;

import java.util.List;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.llmclient.ChatRequest;
import dev.llmclient.LlmClient;
import dev.llmclient.LlmStructuredOutputException;
import dev.llmclient.ResponseFormat;
import dev.llmclient.batch.BatchItem;
import dev.llmclient.batch.LlmBatchService;
import dev.llmclient.batch.StructuredBatchResult;
import dev.llmclient.testsupport.LoopbackWireMock;
import dev.llmclient.testsupport.TestClients;
import dev.llmclient.testsupport.WireSchemas;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Structured output into records: the request asks for the record's strict schema, the
 * answer is mapped, and an answer that does not fit is a typed exception carrying the raw
 * text, once or in a batch.
 */
class StructuredOutputTests {

	private static final String PATH = "/v1/chat/completions";

	@RegisterExtension
	static WireMockExtension server = LoopbackWireMock.extension();

	record Person(String name, int age) {
	}

	record Untyped(Object anything) {
	}

	private static String answer(String content) {
		return "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":" + quote(content)
				+ "},\"finish_reason\":\"stop\"}]}";
	}

	private static String quote(String text) {
		return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
	}

	private LlmClient client(boolean repair) {
		return TestClients.lazy(server.baseUrl() + "/v1")
			.model("m")
			.chat((chat) -> chat.withStructuredOutputRepair(repair))
			.build();
	}

	private List<String> bodiesSent() {
		return server.findAll(postRequestedFor(urlEqualTo(PATH))).stream().map(LoggedRequest::getBodyAsString).toList();
	}

	@Test
	void answerIsMappedIntoTheRecordAfterAskingForItsStrictSchema() {
		server.stubFor(post(PATH).willReturn(okJson(answer("{\"name\":\"Ada\",\"age\":36}"))));
		try (LlmClient client = client(false)) {
			assertThat(client.chat(ChatRequest.of("Who?"), Person.class)).isEqualTo(new Person("Ada", 36));
			assertThat(client.chatAsync(ChatRequest.of("Who?"), Person.class).join()).isEqualTo(new Person("Ada", 36));
		}
		List<String> bodies = bodiesSent();
		bodies.forEach(WireSchemas::assertValidChatRequest);
		assertThat(bodies.get(0))
			.contains("\"response_format\":{\"type\":\"json_schema\",\"json_schema\":"
					+ "{\"name\":\"Person\",\"schema\":{\"type\":\"object\"")
			.contains("\"additionalProperties\":false")
			.contains("\"strict\":true");
	}

	@Test
	void jsonObjectModeIsKeptAndMappedTheSameWay() {
		server.stubFor(post(PATH).willReturn(okJson(answer("{\"name\":\"Ada\",\"age\":36,\"extra\":true}"))));
		try (LlmClient client = client(false)) {
			ChatRequest request = ChatRequest.builder()
				.user("Answer in JSON: name and age of Ada")
				.responseFormat(ResponseFormat.JSON_OBJECT)
				.build();
			assertThat(client.chat(request, Person.class)).isEqualTo(new Person("Ada", 36));
		}
		assertThat(bodiesSent().get(0)).contains("\"response_format\":{\"type\":\"json_object\"}");
	}

	@Test
	void answerThatIsNotJsonFailsOnceCarryingTheRawText() {
		server.stubFor(post(PATH).willReturn(okJson(answer("Ada, 36 years old"))));
		try (LlmClient client = client(false)) {
			assertThatThrownBy(() -> client.chat(ChatRequest.of("Who?"), Person.class)).isInstanceOfSatisfying(
					LlmStructuredOutputException.class,
					(ex) -> assertThat(ex.rawText()).isEqualTo("Ada, 36 years old"));
			assertThatThrownBy(() -> client.chatAsync(ChatRequest.of("Who?"), Person.class).join())
				.hasCauseInstanceOf(LlmStructuredOutputException.class);
		}
		assertThat(bodiesSent()).as("no retry by default").hasSize(2);
	}

	@Test
	void repairAttemptShowsTheModelItsAnswerAndTheError() {
		server.stubFor(post(PATH).willReturn(okJson(answer("{\"name\":\"Ada\"}"))));
		server.stubFor(post(PATH).withRequestBody(containing("cannot be used"))
			.willReturn(okJson(answer("{\"name\":\"Ada\",\"age\":36}"))));
		try (LlmClient client = client(true)) {
			assertThat(client.chat(ChatRequest.of("Who?"), Person.class)).isEqualTo(new Person("Ada", 36));
			assertThat(client.chatAsync(ChatRequest.of("Who?"), Person.class).join()).isEqualTo(new Person("Ada", 36));
		}
		List<String> bodies = bodiesSent();
		assertThat(bodies).hasSize(4);
		bodies.forEach(WireSchemas::assertValidChatRequest);
		assertThat(bodies.get(1)).contains("{\"role\":\"assistant\",\"content\":\"{\\\"name\\\":\\\"Ada\\\"}\"}")
			.contains("age");
	}

	@Test
	void repairIsNotAttemptedForARefusal() {
		server.stubFor(post(PATH).willReturn(okJson("""
				{"choices":[{"message":{"role":"assistant","content":null,"refusal":"I cannot help."},
				 "finish_reason":"stop"}]}""")));
		try (LlmClient client = client(true)) {
			assertThatThrownBy(() -> client.chat(ChatRequest.of("Who?"), Person.class)).isInstanceOfSatisfying(
					LlmStructuredOutputException.class, (ex) -> assertThat(ex.refusal()).isEqualTo("I cannot help."));
		}
		assertThat(bodiesSent()).hasSize(1);
	}

	@Test
	void aTypeWithoutASchemaIsRefusedBeforeAnythingIsSent() {
		try (LlmClient client = client(false)) {
			assertThatIllegalArgumentException().isThrownBy(() -> client.chat(ChatRequest.of("x"), Untyped.class))
				.withMessageContaining(Untyped.class.getName() + ".anything");
			assertThatIllegalArgumentException().isThrownBy(() -> client.chatAsync(ChatRequest.of("x"), Untyped.class))
				.withMessageContaining("anything");
			LlmBatchService batch = new LlmBatchService(client);
			assertThatIllegalArgumentException()
				.isThrownBy(() -> batch.chatAll(List.of(ChatRequest.of("x")), Untyped.class))
				.withMessageContaining("anything");
		}
		assertThat(bodiesSent()).isEmpty();
	}

	@Test
	void batchFailsOnlyTheItemWhoseAnswerDoesNotFitKeepingItsRawText() {
		server.stubFor(post(PATH).willReturn(okJson(answer("{\"name\":\"Ada\",\"age\":36}"))));
		server.stubFor(post(PATH).withRequestBody(containing("broken")).willReturn(okJson(answer("not json at all"))));
		StructuredBatchResult<Person> result;
		try (LlmClient client = client(false)) {
			result = new LlmBatchService(client).chatAll(
					List.of(ChatRequest.of("first"), ChatRequest.of("broken"), ChatRequest.of("third")), Person.class);
		}
		assertThat(result.values()).containsExactly(new Person("Ada", 36), null, new Person("Ada", 36));
		assertThat(result.succeededValues()).hasSize(2);
		assertThat(result.batch().succeeded()).isEqualTo(2);
		assertThat(result.batch().items().get(1)).isInstanceOfSatisfying(BatchItem.Failure.class,
				(failure) -> assertThat(failure.error()).isInstanceOfSatisfying(LlmStructuredOutputException.class,
						(ex) -> assertThat(ex.rawText()).isEqualTo("not json at all")));
		bodiesSent().forEach(WireSchemas::assertValidChatRequest);
	}

}
