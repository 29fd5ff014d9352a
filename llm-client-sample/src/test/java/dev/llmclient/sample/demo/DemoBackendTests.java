package dev.llmclient.sample.demo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DemoBackendTests {

	private static final String TWO_MESSAGES = """
			{"model": "llama3.2", "messages": [
			  {"role": "system", "content": "Be brief"},
			  {"role": "user", "content": "hello  big\\nworld"}]%s}
			""";

	private static DemoBackend backend;

	private final HttpClient http = HttpClient.newHttpClient();

	@BeforeAll
	static void start() throws IOException {
		backend = DemoBackend.start(new DemoControls(Duration.ZERO), ProviderLimits.NONE);
	}

	@AfterAll
	static void stop() {
		backend.close();
	}

	@Test
	void baseUrlIsOnLoopbackUnderDemoV1() {
		assertThat(backend.baseUrl()).matches("http://127\\.0\\.0\\.1:\\d+/demo/v1");
	}

	@Test
	void chatAnswersAnOpenAiCompletionEchoingTheLastUserMessage() throws Exception {
		HttpResponse<String> response = postChat(TWO_MESSAGES.formatted(""));
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
		DocumentContext json = JsonPath.parse(response.body());
		assertThat(json.read("$.id", String.class)).startsWith("chatcmpl-");
		assertThat(json.read("$.object", String.class)).isEqualTo("chat.completion");
		assertThat(json.read("$.created", Long.class)).isPositive();
		assertThat(json.read("$.model", String.class)).isEqualTo("llama3.2");
		assertThat(json.read("$.choices[0].message.role", String.class)).isEqualTo("assistant");
		assertThat(json.read("$.choices[0].message.content", String.class)).isEqualTo("echo: hello  big\nworld");
		assertThat(json.read("$.choices[0].finish_reason", String.class)).isEqualTo("stop");
		assertThat(json.read("$.usage.prompt_tokens", Integer.class)).isEqualTo(5);
		assertThat(json.read("$.usage.completion_tokens", Integer.class)).isEqualTo(4);
		assertThat(json.read("$.usage.total_tokens", Integer.class)).isEqualTo(9);
	}

	@Test
	void aRepeatedSystemMessageIsReportedAsCachedTokensLikeVllm() throws Exception {
		String body = """
				{"messages": [{"role": "system", "content": "You answer from the cache test handbook"},
				  {"role": "user", "content": "question %d"}]%s}
				""";
		DocumentContext first = JsonPath.parse(postChat(body.formatted(1, "")).body());
		assertThat(first.read("$.usage.prompt_tokens", Integer.class)).isEqualTo(9);
		assertThat(first.read("$.usage.prompt_tokens_details.cached_tokens", Integer.class)).isZero();
		DocumentContext second = JsonPath.parse(postChat(body.formatted(2, "")).body());
		assertThat(second.read("$.usage.prompt_tokens_details.cached_tokens", Integer.class)).isEqualTo(7);
		String streamed = postChat(body.formatted(3, ", \"stream\": true")).body();
		assertThat(streamed).contains("\"prompt_tokens_details\":{\"cached_tokens\":7}");
		DocumentContext noSystem = JsonPath
			.parse(postChat("{\"messages\": [{\"role\": \"user\", \"content\": \"question 4\"}]}").body());
		assertThat(noSystem.read("$.usage.prompt_tokens_details.cached_tokens", Integer.class)).isZero();
	}

	@Test
	void theLeastRecentlyUsedPrefixIsEvictedOnceTheCacheIsFull() throws Exception {
		try (DemoBackend small = DemoBackend.start(new DemoControls(Duration.ZERO, 2, 0), ProviderLimits.NONE)) {
			assertThat(cachedTokens(small, "alpha prefix")).isZero();
			assertThat(cachedTokens(small, "beta prefix")).isZero();
			assertThat(cachedTokens(small, "alpha prefix")).isEqualTo(2);
			assertThat(cachedTokens(small, "gamma prefix")).isZero();
			assertThat(cachedTokens(small, "beta prefix")).as("evicted by gamma").isZero();
			assertThat(cachedTokens(small, "gamma prefix")).isEqualTo(2);
		}
	}

	private int cachedTokens(DemoBackend target, String system) throws Exception {
		String body = "{\"messages\": [{\"role\": \"system\", \"content\": \"" + system
				+ "\"}, {\"role\": \"user\", \"content\": \"hi\"}]}";
		HttpResponse<String> response = this.http
			.send(HttpRequest.newBuilder(URI.create(target.baseUrl() + "/chat/completions"))
				.header("Content-Type", "application/json")
				.POST(BodyPublishers.ofString(body))
				.build(), BodyHandlers.ofString());
		return JsonPath.parse(response.body()).read("$.usage.prompt_tokens_details.cached_tokens", Integer.class);
	}

	@Test
	void chatWithoutAModelAnswersAsTheEchoModel() throws Exception {
		HttpResponse<String> response = postChat("{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}");
		assertThat(JsonPath.parse(response.body()).read("$.model", String.class)).isEqualTo("echo");
	}

	@Test
	void streamSendsOneChunkPerWordThenTheFinishReasonThenUsageThenDone() throws Exception {
		HttpResponse<String> response = postChat(TWO_MESSAGES.formatted(", \"stream\": true"));
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("text/event-stream");
		assertThat(response.body()).endsWith("\n\n");
		List<String> events = List.of(response.body().split("\n\n"));
		assertThat(events).allMatch((event) -> event.startsWith("data: ")).hasSize(4 + 3);
		List<DocumentContext> chunks = events.subList(0, 6)
			.stream()
			.map((event) -> JsonPath.parse(event.substring("data: ".length())))
			.toList();
		assertThat(chunks).allSatisfy((chunk) -> {
			assertThat(chunk.read("$.object", String.class)).isEqualTo("chat.completion.chunk");
			assertThat(chunk.read("$.model", String.class)).isEqualTo("llama3.2");
			assertThat(chunk.read("$.id", String.class)).isEqualTo(chunks.get(0).read("$.id", String.class));
		});
		assertThat(chunks.get(0).read("$.choices[0].delta.role", String.class)).isEqualTo("assistant");
		assertThat(chunks.subList(0, 4)).extracting((chunk) -> chunk.read("$.choices[0].delta.content", String.class))
			.containsExactly("echo: ", "hello  ", "big\n", "world");
		assertThat(chunks.subList(0, 4)).extracting((chunk) -> chunk.read("$.choices[0].finish_reason"))
			.containsOnlyNulls();
		assertThat(chunks.get(4).read("$.choices[0].delta", Map.class)).isEmpty();
		assertThat(chunks.get(4).read("$.choices[0].finish_reason", String.class)).isEqualTo("stop");
		assertThat(chunks.get(5).read("$.choices", List.class)).isEmpty();
		assertThat(chunks.get(5).read("$.usage.completion_tokens", Integer.class)).isEqualTo(4);
		assertThat(chunks.get(5).read("$.usage.total_tokens", Integer.class)).isEqualTo(9);
		assertThat(events.get(6)).isEqualTo("data: [DONE]");
	}

	@Test
	void modelsListsTheEchoModel() throws Exception {
		HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(uri("/models")).GET().build(),
				BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		DocumentContext json = JsonPath.parse(response.body());
		assertThat(json.read("$.object", String.class)).isEqualTo("list");
		assertThat(json.read("$.data[0].id", String.class)).isEqualTo("echo");
		assertThat(json.read("$.data[0].object", String.class)).isEqualTo("model");
	}

	@Test
	void badJsonIsAnswered400WithAnOpenAiErrorBody() throws Exception {
		HttpResponse<String> response = postChat("{\"messages\": [");
		assertThat(response.statusCode()).isEqualTo(400);
		assertOpenAiError(response.body());
	}

	@Test
	void requestWithoutMessagesIsAnswered400NamingTheField() throws Exception {
		HttpResponse<String> response = postChat("{\"model\": \"echo\"}");
		assertThat(response.statusCode()).isEqualTo(400);
		assertOpenAiError(response.body());
		assertThat(JsonPath.parse(response.body()).read("$.error.message", String.class)).contains("'messages'");
	}

	@Test
	void unknownPathIsAnswered404WithAnOpenAiErrorBody() throws Exception {
		HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(uri("/audio/speech")).GET().build(),
				BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(404);
		assertOpenAiError(response.body());
	}

	private static void assertOpenAiError(String body) {
		DocumentContext json = JsonPath.parse(body);
		assertThat(json.read("$.error.message", String.class)).isNotBlank();
		assertThat(json.read("$.error.type", String.class)).isEqualTo("invalid_request_error");
		assertThat(json.read("$.error", Map.class)).containsEntry("code", null);
	}

	private HttpResponse<String> postChat(String json) throws IOException, InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(uri("/chat/completions"))
			.header("Content-Type", "application/json")
			.POST(BodyPublishers.ofString(json))
			.build();
		return this.http.send(request, BodyHandlers.ofString());
	}

	private static URI uri(String path) {
		return URI.create(backend.baseUrl() + path);
	}

}
