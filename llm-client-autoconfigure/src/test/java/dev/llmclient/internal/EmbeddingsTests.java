package dev.llmclient.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.llmclient.ChatRequest;
import dev.llmclient.EmbeddingRequest;
import dev.llmclient.EmbeddingResponse;
import dev.llmclient.LlmClient;
import dev.llmclient.LlmClientBuilder;
import dev.llmclient.LlmClientSettingException;
import dev.llmclient.LlmHttpException;
import dev.llmclient.LlmMalformedResponseException;
import dev.llmclient.testsupport.EmbeddingServer;
import dev.llmclient.testsupport.TestClients;
import dev.llmclient.testsupport.WireSchemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Embeddings against a real loopback server: slicing, order, retries, the shared
 * bulkhead, metrics, health and bad input. Every body sent is checked against the wire
 * schema.
 */
class EmbeddingsTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final EmbeddingServer server = start();

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private LlmClient client;

	/** Off only where a test sends no model on purpose, which the document requires. */
	private boolean bodiesNameAModel = true;

	@AfterEach
	void close() {
		if (this.client != null) {
			this.client.close();
		}
		this.server.close();
		if (this.bodiesNameAModel) {
			for (String body : this.server.bodies()) {
				WireSchemas.assertValidEmbeddingRequest(body);
			}
		}
	}

	private static EmbeddingServer start() {
		try {
			return new EmbeddingServer();
		}
		catch (java.io.IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private LlmClientBuilder builder(int batchSize) {
		return TestClients.lazy(this.server.endpoint())
			.model("chat-model")
			.embeddings((embeddings) -> embeddings.withModel("embed-model").withBatchSize(batchSize))
			.retry(TestClients::fastBackoff)
			.meterRegistry(this.registry);
	}

	private LlmClient client(int batchSize) {
		this.client = builder(batchSize).build();
		return this.client;
	}

	private static List<String> texts(int count) {
		return IntStream.range(0, count).mapToObj((i) -> "text " + i).toList();
	}

	private static void assertInOrder(EmbeddingResponse response, List<String> texts) {
		assertThat(response.vectors()).hasSize(texts.size());
		for (int i = 0; i < texts.size(); i++) {
			assertThat(response.vector(i)).as("vector %d", i).containsExactly(EmbeddingServer.vectorOf(texts.get(i)));
		}
	}

	private List<List<String>> inputsSent() {
		List<List<String>> inputs = new ArrayList<>();
		for (String body : this.server.bodies()) {
			List<String> slice = new ArrayList<>();
			JSON.readTree(body).get("input").forEach((text) -> slice.add(text.asString()));
			inputs.add(slice);
		}
		return inputs;
	}

	@Test
	void oneTextGivesItsVectorAndTheRequestNamesTheEmbeddingModel() {
		float[] vector = client(256).embed("hello 7");
		assertThat(vector).containsExactly(7f, 7f, 0.5f);
		JsonNode body = JSON.readTree(this.server.bodies().get(0));
		assertThat(body.get("model").asString()).isEqualTo("embed-model");
		assertThat(body.get("input").isArray()).isTrue();
		assertThat(body.has("dimensions")).isFalse();
	}

	@Test
	void textsAreSlicedAtTheBatchSizeWithTheRequestsOptions() {
		List<String> texts = texts(5);
		EmbeddingResponse response = client(2)
			.embed(EmbeddingRequest.builder().inputs(texts).model("other-model").dimensions(3).build());
		assertInOrder(response, texts);
		assertThat(inputsSent()).hasSize(3)
			.containsExactlyInAnyOrder(texts.subList(0, 2), texts.subList(2, 4), texts.subList(4, 5));
		for (String body : this.server.bodies()) {
			assertThat(JSON.readTree(body).get("model").asString()).isEqualTo("other-model");
			assertThat(JSON.readTree(body).get("dimensions").asInt()).isEqualTo(3);
		}
		assertThat(response.model()).isEqualTo("other-model");
		assertThat(response.dimensions()).isEqualTo(3);
		assertThat(response.usage().inputTokens()).as("usage summed over the slices").isEqualTo(5);
		assertThat(response.usage().outputTokens()).isZero();
	}

	@Test
	void orderIsKeptWhenSlicesCompleteOutOfOrder() {
		List<String> texts = new ArrayList<>(texts(8));
		texts.set(0, "hold 0");
		LlmClient client = client(2);
		CompletableFuture<EmbeddingResponse> future = client.embedAsync(EmbeddingRequest.of(texts));
		this.server.awaitHeld(1);
		// the first slice is held while the three after it are answered
		await().atMost(WAIT).until(() -> this.server.answered() == 3);
		assertThat(future).isNotDone();
		this.server.release();
		assertInOrder(future.join(), texts);
	}

	@Test
	void moreSlicesThanMaxConcurrentAreSentAFewAtATime() {
		List<String> texts = texts(40);
		this.client = builder(1).limits((limits) -> limits.withMaxConcurrent(3)).build();
		assertInOrder(this.client.embed(texts), texts);
		assertThat(this.server.bodies()).hasSize(40);
		assertThat(this.server.maxInFlight()).isLessThanOrEqualTo(3);
	}

	@Test
	void aSliceIsRetriedAloneAndCountedAsAnEmbeddingsRetry() {
		List<String> texts = new ArrayList<>(texts(6));
		texts.set(3, "once-503");
		EmbeddingResponse response = client(2).embed(texts);
		assertInOrder(response, texts);
		assertThat(inputsSent()).hasSize(4).filteredOn((slice) -> slice.contains("once-503")).hasSize(2);
		assertThat(this.registry.get("llm.client.retries")
			.tag("gen_ai.operation.name", "embeddings")
			.tag("reason", "503")
			.counter()
			.count()).isEqualTo(1);
	}

	@Test
	void aSliceThatFailsFailsTheWholeCallWithItsException() {
		List<String> texts = new ArrayList<>(texts(6));
		texts.set(2, "fail-400");
		LlmClient client = client(2);
		assertThatExceptionOfType(LlmHttpException.class).isThrownBy(() -> client.embed(texts))
			.satisfies((ex) -> assertThat(ex.statusCode()).isEqualTo(400))
			.withMessageContaining("bad input");
	}

	@Test
	void embeddingsShareTheBulkheadWithChat() {
		this.client = builder(1).limits((limits) -> limits.withMaxConcurrent(2).withMaxWait(Duration.ofSeconds(30)))
			.build();
		CompletableFuture<?> chat = this.client.chatAsync(ChatRequest.of("hold chat"));
		List<String> texts = List.of("hold 0", "hold 1", "hold 2", "hold 3");
		CompletableFuture<EmbeddingResponse> embeddings = this.client.embedAsync(EmbeddingRequest.of(texts));
		this.server.awaitHeld(2);
		// the chat call and two slices contend for two permits: one of them waits
		await().atMost(WAIT).until(() -> this.client.health().bulkhead().waiting() == 1);
		assertThat(this.client.health().bulkhead().inFlight()).isEqualTo(2);
		this.server.release();
		assertInOrder(embeddings.join(), texts);
		chat.join();
		assertThat(this.server.maxInFlight()).isEqualTo(2);
	}

	@Test
	void metricsHealthAndLatencyWindowCountEmbeddingsCalls() {
		LlmClient client = client(2);
		client.embed(texts(5));
		client.chat(ChatRequest.of("hello"));
		assertThat(this.registry.get("gen_ai.client.operation.duration")
			.tag("gen_ai.operation.name", "embeddings")
			.tag("gen_ai.request.model", "embed-model")
			.tag("error.type", "none")
			.timer()
			.count()).as("one timed call per slice").isEqualTo(3);
		assertThat(this.registry.get("gen_ai.client.operation.duration")
			.tag("gen_ai.operation.name", "chat")
			.timer()
			.count()).isEqualTo(1);
		assertThat(this.registry.get("gen_ai.client.token.usage")
			.tag("gen_ai.operation.name", "embeddings")
			.tag("gen_ai.token.type", "input")
			.summary()
			.totalAmount()).isEqualTo(5);
		assertThat(this.registry.find("gen_ai.client.token.usage")
			.tag("gen_ai.operation.name", "embeddings")
			.tag("gen_ai.token.type", "output")
			.summary()).as("embeddings generate no tokens").isNull();
		assertThat(client.health().calls().total()).isEqualTo(4);
		assertThat(client.health().latency().count()).isEqualTo(4);
	}

	@Test
	void badInputIsRefusedNamingTheArgumentBeforeAnythingIsSent() {
		LlmClient client = client(2);
		assertThatIllegalArgumentException().isThrownBy(() -> client.embed(List.of()))
			.withMessageContaining("EmbeddingRequest.inputs must hold at least one text");
		assertThatIllegalArgumentException().isThrownBy(() -> client.embed(Arrays.asList("a", null)))
			.withMessageContaining("EmbeddingRequest.inputs[1] must not be null");
		assertThatIllegalArgumentException().isThrownBy(() -> client.embed(""))
			.withMessageContaining("EmbeddingRequest.inputs[0] must not be empty");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> EmbeddingRequest.builder().inputs(List.of("a")).dimensions(0).build())
			.withMessageContaining("EmbeddingRequest.dimensions must be at least 1");
		assertThat(this.server.bodies()).isEmpty();
	}

	@Test
	void batchSizeOutsideTheApisLimitIsRefusedNamingTheSetting() {
		for (int size : new int[] { 0, 2049 }) {
			assertThatExceptionOfType(LlmClientSettingException.class)
				.isThrownBy(() -> TestClients.lazy(this.server.endpoint())
					.embeddings((embeddings) -> embeddings.withBatchSize(size))
					.settings())
				.satisfies((ex) -> assertThat(ex.setting()).isEqualTo("embedding-batch-size"))
				.withMessageContaining("between 1 and 2048");
		}
	}

	@Test
	void fewerVectorsThanTextsIsATypedFailure() {
		LlmClient client = client(256);
		assertThatExceptionOfType(LlmMalformedResponseException.class)
			.isThrownBy(() -> client.embed(List.of("a 1", "short", "c 3")))
			.withMessageContaining("2 vectors for 3 texts");
	}

	@Test
	void anAnswerThatIsNotJsonIsATypedFailure() {
		LlmClient client = client(256);
		assertThatExceptionOfType(LlmMalformedResponseException.class).isThrownBy(() -> client.embed("html"))
			.withMessageContaining("not an embeddings answer");
	}

	@Test
	void anAnswerLargerThanItsLimitIsCutAndNamesTheSettings() {
		// 1 text: the limit is the larger of max-response-size (1 KB) and 64 KB per text
		this.client = builder(256).connection((connection) -> connection.withMaxResponseSize(1024)).build();
		assertThatExceptionOfType(LlmMalformedResponseException.class).isThrownBy(() -> this.client.embed("huge"))
			.withMessageContaining("larger than 65536 bytes")
			.withMessageContaining("llm.client.embedding-batch-size");
		assertThat(this.client.embed("small 1")).as("the client still works").containsExactly(1f, 7f, 0.5f);
	}

	@Test
	void cancellingTheFutureStopsEverySlice() {
		List<String> texts = List.of("hold 0", "hold 1", "hold 2", "hold 3", "4", "5");
		this.client = builder(1).limits((limits) -> limits.withMaxConcurrent(2)).build();
		CompletableFuture<EmbeddingResponse> future = this.client.embedAsync(EmbeddingRequest.of(texts));
		this.server.awaitHeld(2);
		assertThat(future.cancel(true)).isTrue();
		await().atMost(WAIT).until(() -> this.client.health().bulkhead().inFlight() == 0);
		this.server.release();
		assertThat(this.server.bodies()).as("slices not started are never sent").hasSize(2);
		assertThat(this.registry.get("gen_ai.client.operation.duration")
			.tag("gen_ai.operation.name", "embeddings")
			.tag("error.type", "cancelled")
			.timer()
			.count()).isEqualTo(2);
	}

	@Test
	void answersWithoutIndexUsageOrIdAreReadInTheirOrder() {
		List<String> texts = List.of("bare", "b 1", "c 2");
		EmbeddingResponse response = client(256).embed(texts);
		assertInOrder(response, texts);
		assertThat(response.usage()).isNull();
		assertThat(response.model()).isEqualTo("embed-model");
	}

	@Test
	void withoutAnEmbeddingModelTheServerChooses() {
		this.bodiesNameAModel = false;
		this.client = TestClients.lazy(this.server.endpoint()).model("chat-model").build();
		EmbeddingResponse response = this.client.embed(List.of("a 1"));
		assertThat(JSON.readTree(this.server.bodies().get(0)).has("model"))
			.as("the chat model is never sent for embeddings")
			.isFalse();
		assertThat(response.model()).isEqualTo("server-default");
		// the document requires a model: a body without one is what OpenAI refuses
		assertThat(WireSchemas.violations("embedding-request.schema.json", this.server.bodies().get(0))).isNotEmpty();
	}

}
