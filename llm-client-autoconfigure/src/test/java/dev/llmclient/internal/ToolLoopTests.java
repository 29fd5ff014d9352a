package dev.llmclient.internal;

import java.util.List;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.llmclient.ChatRequest;
import dev.llmclient.LlmClient;
import dev.llmclient.LlmStructuredOutputException;
import dev.llmclient.LlmToolLoopException;
import dev.llmclient.ToolChoice;
import dev.llmclient.ToolDefinition;
import dev.llmclient.ToolLoop;
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
 * The tool loop: tools run between calls, their results (or errors) go back to the model,
 * and the loop ends on a text answer or at its round limit.
 */
class ToolLoopTests {

	private static final String PATH = "/v1/chat/completions";

	@RegisterExtension
	static WireMockExtension server = LoopbackWireMock.extension();

	record Sum(int a, int b) {
	}

	private static String toolCalls(String calls) {
		return "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[" + calls
				+ "]},\"finish_reason\":\"tool_calls\"}]}";
	}

	private static String call(String id, String name, String arguments) {
		return "{\"id\":\"" + id + "\",\"type\":\"function\",\"function\":{\"name\":\"" + name + "\",\"arguments\":\""
				+ arguments.replace("\"", "\\\"") + "\"}}";
	}

	private static final String TEXT = "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"Done.\"},"
			+ "\"finish_reason\":\"stop\"}]}";

	private List<String> bodiesSent() {
		return server.findAll(postRequestedFor(urlEqualTo(PATH))).stream().map(LoggedRequest::getBodyAsString).toList();
	}

	@Test
	void toolsRunAndTheirResultsGoBackUntilTheModelAnswersInText() {
		server.stubFor(post(PATH).willReturn(okJson(toolCalls(call("c1", "add", "{\"a\":2,\"b\":3}")))));
		server.stubFor(post(PATH).withRequestBody(containing("\"role\":\"tool\"")).willReturn(okJson(TEXT)));
		ToolLoop.Result result;
		// one permit: the tools run between calls, holding none, so a tool may call the
		// client itself
		try (LlmClient client = TestClients.lazy(server.baseUrl() + "/v1")
			.model("m")
			.limits((limits) -> limits.withMaxConcurrent(1))
			.build()) {
			ToolLoop loop = ToolLoop.builder(client).tool("add", "Adds two numbers", Sum.class, (sum) -> {
				client.generate("a nested call from inside the tool");
				return sum.a() + sum.b();
			}).build();
			result = loop.run(ChatRequest.of("What is 2 + 3?"));
		}
		assertThat(result.response().content()).isEqualTo("Done.");
		assertThat(result.rounds()).isEqualTo(2);
		assertThat(result.executions()).singleElement().satisfies((execution) -> {
			assertThat(execution.call().name()).isEqualTo("add");
			assertThat(execution.result()).isEqualTo("5");
			assertThat(execution.error()).isFalse();
		});
		List<String> bodies = bodiesSent();
		assertThat(bodies).hasSize(3);
		bodies.forEach(WireSchemas::assertValidChatRequest);
		assertThat(bodies.get(2)).contains("\"tool_calls\":[{\"id\":\"c1\"")
			.contains("{\"role\":\"tool\",\"content\":\"5\",\"tool_call_id\":\"c1\"}");
	}

	@Test
	void unknownToolBadArgumentsAndAThrowingToolAreAnsweredToTheModelAsErrors() {
		server.stubFor(post(PATH).willReturn(okJson(toolCalls(String.join(",", call("c1", "divide", "{}"),
				call("c2", "add", "a=1"), call("c3", "add", "{\"a\":1}"), call("c4", "fail", "{}"))))));
		server.stubFor(post(PATH).withRequestBody(containing("\"role\":\"tool\"")).willReturn(okJson(TEXT)));
		ToolLoop.Result result;
		try (LlmClient client = TestClients.lazy(server.baseUrl() + "/v1").model("m").build()) {
			result = ToolLoop.builder(client)
				.tool("add", "Adds", Sum.class, (sum) -> sum.a() + sum.b())
				.tool(ToolDefinition.withoutArguments("fail", "Always fails"), (call) -> {
					throw new IllegalStateException("disk full");
				})
				.build()
				.run(ChatRequest.of("Compute"));
		}
		assertThat(result.response().content()).isEqualTo("Done.");
		assertThat(result.executions()).hasSize(4).allSatisfy((execution) -> assertThat(execution.error()).isTrue());
		assertThat(result.executions().get(0).result()).contains("unknown tool 'divide'").contains("[add, fail]");
		assertThat(result.executions().get(1).result()).contains("arguments do not fit").contains("a=1");
		assertThat(result.executions().get(2).result()).contains("arguments do not fit").contains("b");
		assertThat(result.executions().get(3).result()).isEqualTo("{\"error\":\"the tool 'fail' failed\"}");
		assertThat(result.executions().get(3).exception()).isInstanceOf(IllegalStateException.class)
			.hasMessage("disk full");
		String second = bodiesSent().get(1);
		WireSchemas.assertValidChatRequest(second);
		assertThat(second).contains("unknown tool 'divide'").contains("the tool 'fail' failed");
	}

	@Test
	void forcedToolChoiceHoldsForTheFirstRoundOnlyThenTheModelMayAnswer() {
		// a model that calls a tool first, answers once it has the result, and obeys a
		// tool_choice that forces a tool
		server.stubFor(post(PATH).willReturn(okJson(toolCalls(call("c1", "add", "{\"a\":2,\"b\":3}")))));
		server.stubFor(post(PATH).withRequestBody(containing("\"role\":\"tool\"")).willReturn(okJson(TEXT)));
		server.stubFor(post(PATH).withRequestBody(containing("\"tool_choice\":\"required\""))
			.willReturn(okJson(toolCalls(call("c1", "add", "{\"a\":2,\"b\":3}")))));
		server.stubFor(post(PATH).withRequestBody(containing("\"tool_choice\":{\"type\":\"function\""))
			.willReturn(okJson(toolCalls(call("c1", "lookup", "{}")))));
		try (LlmClient client = TestClients.lazy(server.baseUrl() + "/v1").model("m").build()) {
			ToolLoop loop = ToolLoop.builder(client)
				.tool("add", "Adds", Sum.class, (sum) -> sum.a() + sum.b())
				.maxRounds(3)
				.build();
			// a request names only its own tools, which the loop answers as unknown
			for (ToolChoice forced : List.of(ToolChoice.REQUIRED, ToolChoice.function("lookup"))) {
				server.resetRequests();
				ToolLoop.Result result = loop.run(ChatRequest.builder()
					.user("What is 2 + 3?")
					.tool(ToolDefinition.withoutArguments("lookup", "Looks up"))
					.toolChoice(forced)
					.build());
				assertThat(result.response().content()).as(forced.mode()).isEqualTo("Done.");
				assertThat(result.rounds()).isEqualTo(2);
				List<String> bodies = bodiesSent();
				bodies.forEach(WireSchemas::assertValidChatRequest);
				assertThat(bodies.get(0)).doesNotContain("\"tool_choice\":\"auto\"");
				assertThat(bodies.get(1)).as("after the first round the model chooses")
					.contains("\"tool_choice\":\"auto\"");
			}
			server.resetRequests();
			assertThat(loop.run(ChatRequest.of("What is 2 + 3?")).rounds()).isEqualTo(2);
			assertThat(bodiesSent()).as("a request without a choice sends none in any round")
				.allSatisfy((body) -> assertThat(body).doesNotContain("tool_choice"));
		}
	}

	@Test
	void throwingToolIsAnsweredWithAGenericErrorThatKeepsItsMessageFromTheProvider() {
		server.stubFor(post(PATH).willReturn(okJson(toolCalls(String.join(",", call("c1", "lookup", "{}"),
				call("c2", "add", "{\"a\":1,\"b\":2}"), call("c3", "raw", "{\"a\":1}"))))));
		server.stubFor(post(PATH).withRequestBody(containing("\"role\":\"tool\"")).willReturn(okJson(TEXT)));
		IllegalStateException failure = new IllegalStateException(
				"connection to db-7.corp.internal refused running SELECT * FROM users WHERE email='ada@example.org'");
		ToolLoop.Result result;
		try (LlmClient client = TestClients.lazy(server.baseUrl() + "/v1").model("m").build()) {
			result = ToolLoop.builder(client).tool(ToolDefinition.withoutArguments("lookup", "Looks up"), (call) -> {
				throw failure;
			})
				// a nested structured call whose answer did not fit: not the model's
				// arguments
				.tool("add", "Adds", Sum.class, (sum) -> {
					throw new LlmStructuredOutputException(
							"The structured answer does not fit Invoice: "
									+ "(raw text: 'IBAN DE02 1203 0000 0000 2020 51')",
							"IBAN DE02 1203 0000 0000 2020 51", null, null);
				})
				// the model's own arguments, read by a tool of one's own definition
				.tool(ToolDefinition.withoutArguments("raw", "Reads its arguments"),
						(call) -> call.argumentsAs(Sum.class))
				.build()
				.run(ChatRequest.of("Look it up"));
		}
		assertThat(result.executions()).hasSize(3).allSatisfy((execution) -> assertThat(execution.error()).isTrue());
		assertThat(result.executions().get(0).result()).isEqualTo("{\"error\":\"the tool 'lookup' failed\"}");
		assertThat(result.executions().get(1).result()).isEqualTo("{\"error\":\"the tool 'add' failed\"}");
		assertThat(result.executions().get(0).exception()).as("the application still sees it").isSameAs(failure);
		assertThat(result.executions().get(1).exception()).isInstanceOf(LlmStructuredOutputException.class);
		assertThat(result.executions().get(2).result()).as("what the model can correct is still said")
			.contains("arguments do not fit")
			.contains("'b'");
		String second = bodiesSent().get(1);
		WireSchemas.assertValidChatRequest(second);
		assertThat(second).contains("the tool 'lookup' failed")
			.doesNotContain("db-7")
			.doesNotContain("SELECT")
			.doesNotContain("ada@example.org")
			.doesNotContain("IllegalStateException")
			.doesNotContain("IBAN")
			.doesNotContain("Invoice");
	}

	@Test
	void throwingToolsExceptionMessageIsSentWhenTheApplicationOptsIn() {
		server.stubFor(post(PATH).willReturn(okJson(toolCalls(call("c1", "lookup", "{}")))));
		server.stubFor(post(PATH).withRequestBody(containing("\"role\":\"tool\"")).willReturn(okJson(TEXT)));
		ToolLoop.Result result;
		try (LlmClient client = TestClients.lazy(server.baseUrl() + "/v1").model("m").build()) {
			result = ToolLoop.builder(client).tool(ToolDefinition.withoutArguments("lookup", "Looks up"), (call) -> {
				throw new IllegalArgumentException("no order 42; ask for an order number from the list");
			}).sendExceptionMessages(true).build().run(ChatRequest.of("Look it up"));
		}
		assertThat(result.executions()).singleElement()
			.satisfies((execution) -> assertThat(execution.result()).isEqualTo(
					"{\"error\":\"the tool 'lookup' failed: IllegalArgumentException: no order 42; ask for an order number from the list\"}"));
		assertThat(bodiesSent().get(1)).contains("no order 42; ask for an order number from the list");
	}

	@Test
	void modelThatNeverStopsAskingEndsTheLoopAtItsRoundLimit() {
		server.stubFor(post(PATH).willReturn(okJson(toolCalls(call("c1", "add", "{\"a\":1,\"b\":1}")))));
		try (LlmClient client = TestClients.lazy(server.baseUrl() + "/v1").model("m").build()) {
			ToolLoop loop = ToolLoop.builder(client)
				.tool("add", "Adds", Sum.class, (sum) -> sum.a() + sum.b())
				.maxRounds(3)
				.build();
			assertThatThrownBy(() -> loop.run(ChatRequest.of("Loop")))
				.isInstanceOfSatisfying(LlmToolLoopException.class, (ex) -> {
					assertThat(ex.executions()).hasSize(3);
					assertThat(ex.conversation()).hasSize(7);
					assertThat(ex.errorType()).isEqualTo("tool_loop");
				})
				.hasMessageContaining("after 3 rounds")
				.hasMessageContaining("[add]");
		}
		assertThat(bodiesSent()).as("each round one call").hasSize(3);
	}

	@Test
	void badLoopsAreRefusedWhenBuilt() {
		try (LlmClient client = TestClients.lazy(server.baseUrl() + "/v1").build()) {
			assertThatIllegalArgumentException().isThrownBy(() -> ToolLoop.builder(client).build())
				.withMessageContaining("at least one tool");
			assertThatIllegalArgumentException().isThrownBy(() -> ToolLoop.builder(client).maxRounds(0))
				.withMessageContaining("maxRounds");
			assertThatIllegalArgumentException()
				.isThrownBy(() -> ToolLoop.builder(client)
					.tool("add", "Adds", Sum.class, (sum) -> 0)
					.tool("add", "Again", Sum.class, (sum) -> 0))
				.withMessageContaining("'add'");
		}
	}

}
