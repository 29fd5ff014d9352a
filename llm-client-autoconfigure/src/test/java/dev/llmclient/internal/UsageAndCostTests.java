package dev.llmclient.internal;

import java.math.BigDecimal;
import java.util.List;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.llmclient.ChatRequest;
import dev.llmclient.ChatResponse;
import dev.llmclient.Cost;
import dev.llmclient.LlmClient;
import dev.llmclient.LlmClientBuilder;
import dev.llmclient.PricingSettings.ModelPrice;
import dev.llmclient.ToolLoop;
import dev.llmclient.Usage;
import dev.llmclient.batch.BatchResult;
import dev.llmclient.batch.EmbeddingBatchResult;
import dev.llmclient.batch.LlmBatchService;
import dev.llmclient.batch.StructuredBatchResult;
import dev.llmclient.testsupport.EmbeddingServer;
import dev.llmclient.testsupport.LoopbackWireMock;
import dev.llmclient.testsupport.TestClients;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.serverError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Usage in full (the details servers report, read leniently), what calls cost with the
 * prices configured, and the sums of batches and tool loops, against a loopback server.
 */
class UsageAndCostTests {

	private static final String PATH = "/v1/chat/completions";

	@RegisterExtension
	static WireMockExtension server = LoopbackWireMock.extension();

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private LlmClient client;

	@AfterEach
	void close() {
		if (this.client != null) {
			this.client.close();
		}
	}

	private LlmClientBuilder builder() {
		return TestClients.lazy(server.baseUrl() + "/v1")
			.model("gpt-4o")
			.meterRegistry(this.registry)
			.retry((retry) -> TestClients.fastBackoff(retry).withMaxAttempts(1));
	}

	/** $2.50 per million input tokens, $1.25 cached, $10 output. */
	private LlmClient pricedClient() {
		this.client = builder()
			.pricing((pricing) -> pricing.withModel("gpt-4o",
					new ModelPrice(new BigDecimal("2.50"), new BigDecimal("1.25"), new BigDecimal("10"))))
			.build();
		return this.client;
	}

	private static String answer(String model, String usage) {
		return """
				{"id":"c1","model":"%s","choices":[{"index":0,"message":{"role":"assistant","content":"ok"},
				 "finish_reason":"stop"}],"usage":%s}
				""".formatted(model, usage);
	}

	@Test
	void openAiDetailsAreRead() {
		server.stubFor(post(PATH).willReturn(okJson(answer("gpt-4o", """
				{"prompt_tokens":2006,"completion_tokens":300,"total_tokens":2306,
				 "prompt_tokens_details":{"cached_tokens":1920,"audio_tokens":0},
				 "completion_tokens_details":{"reasoning_tokens":192,"audio_tokens":0,
				   "accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}"""))));
		this.client = builder().build();
		Usage usage = this.client.chat(ChatRequest.of("Hi")).usage();
		assertThat(usage).isEqualTo(new Usage(2006, 300, 2306, 1920, null, 192));
		assertThat(usage.uncachedInputTokens()).isEqualTo(86);
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|',
			textBlock = """
					absent                | {"prompt_tokens":10,"completion_tokens":5,"total_tokens":15}                                                                                        |   |   |
					null                  | {"prompt_tokens":10,"completion_tokens":5,"total_tokens":15,"prompt_tokens_details":null,"completion_tokens_details":null}                      |   |   |
					null inside           | {"prompt_tokens":10,"completion_tokens":5,"total_tokens":15,"prompt_tokens_details":{"cached_tokens":null},"completion_tokens_details":{}}     |   |   |
					zero                  | {"prompt_tokens":10,"completion_tokens":5,"total_tokens":15,"prompt_tokens_details":{"cached_tokens":0},"completion_tokens_details":{"reasoning_tokens":0}} | 0 |   | 0
					OpenRouter cache write| {"prompt_tokens":10,"completion_tokens":5,"total_tokens":15,"prompt_tokens_details":{"cached_tokens":0,"cache_write_tokens":8}}                | 0 | 8 |
					DeepSeek              | {"prompt_tokens":10,"completion_tokens":5,"total_tokens":15,"prompt_cache_hit_tokens":6,"prompt_cache_miss_tokens":4}                         | 6 |   |
					Anthropic via a proxy | {"prompt_tokens":10,"completion_tokens":5,"total_tokens":15,"cache_creation_input_tokens":7,"cache_read_input_tokens":0}                      |   | 7 |
					""")
	void detailsAreUnknownUnlessTheServerReportsThem(String server, String usage, Integer cached, Integer cacheWrite,
			Integer reasoning) {
		UsageAndCostTests.server.stubFor(post(PATH).willReturn(okJson(answer("gpt-4o", usage))));
		this.client = builder().build();
		assertThat(this.client.chat(ChatRequest.of("Hi")).usage()).as(server)
			.isEqualTo(new Usage(10, 5, 15, cached, cacheWrite, reasoning));
	}

	@Test
	void streamsFinalUsageCarriesTheDetails() {
		server.stubFor(post(PATH).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "text/event-stream")
			.withBody(
					"""
							data: {"id":"c1","model":"gpt-4o","choices":[{"index":0,"delta":{"content":"ok"},"finish_reason":null}]}

							data: {"id":"c1","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}

							data: {"id":"c1","choices":[],"usage":{"prompt_tokens":1200,"completion_tokens":40,"total_tokens":1240,"prompt_tokens_details":{"cached_tokens":1024},"completion_tokens_details":{"reasoning_tokens":16}}}

							data: [DONE]

							""")));
		ChatResponse response = pricedClient().stream(ChatRequest.of("Hi"), (chunk) -> {
		});
		assertThat(response.usage()).isEqualTo(new Usage(1200, 40, 1240, 1024, null, 16));
		// 176 x 2.50 + 1024 x 1.25 + 40 x 10 per million
		assertThat(response.cost()).contains(new Cost(new BigDecimal("0.00212"), "USD"));
	}

	@Test
	void pricedCallHasItsCostCountedByModelOperationAndCurrency() {
		server.stubFor(post(PATH).willReturn(okJson(answer("gpt-4o",
				"""
						{"prompt_tokens":2000,"completion_tokens":500,"total_tokens":2500,
						 "prompt_tokens_details":{"cached_tokens":1000},"completion_tokens_details":{"reasoning_tokens":100}}"""))));
		LlmClient client = pricedClient();
		ChatResponse response = client.chat(ChatRequest.of("Hi"));
		// 1000 x 2.50 + 1000 x 1.25 + 500 x 10 = 8 750 per million
		assertThat(response.cost()).contains(new Cost(new BigDecimal("0.00875"), "USD"));
		client.chat(ChatRequest.of("Again"));
		Counter cost = this.registry.get("llm.client.cost").counter();
		assertThat(cost.count()).isCloseTo(0.0175, org.assertj.core.data.Offset.offset(1e-12));
		assertThat(cost.getId().getTags()).contains(Tag.of("gen_ai.request.model", "gpt-4o"),
				Tag.of("gen_ai.operation.name", "chat"), Tag.of("currency", "USD"),
				Tag.of("llm.client.name", "default"));
		assertThat(tokens("input")).isEqualTo(4000);
		assertThat(tokens("output")).isEqualTo(1000);
		assertThat(tokens("cache_read")).isEqualTo(2000);
		assertThat(tokens("reasoning")).isEqualTo(200);
		assertThat(this.registry.find("gen_ai.client.token.usage").tag("gen_ai.token.type", "cache_creation").meters())
			.as("no series for a detail the server never reports")
			.isEmpty();
	}

	private double tokens(String type) {
		return this.registry.get("gen_ai.client.token.usage").tag("gen_ai.token.type", type).summary().totalAmount();
	}

	@Test
	void unpricedModelHasNoCostAndNoCostSeries() {
		server.stubFor(
				post(PATH).willReturn(okJson(answer("llama3.2", "{\"prompt_tokens\":10,\"completion_tokens\":5}"))));
		this.client = builder().model("llama3.2")
			.pricing((pricing) -> pricing.withModel("gpt-4o", ModelPrice.of("2.50", "10")))
			.build();
		assertThat(this.client.chat(ChatRequest.of("Hi")).cost()).isEmpty();
		assertThat(this.registry.find("llm.client.cost").meters()).isEmpty();
	}

	@Test
	void selfHostedModelPricedAtZeroCostsZero() {
		server.stubFor(
				post(PATH).willReturn(okJson(answer("llama3.2", "{\"prompt_tokens\":10,\"completion_tokens\":5}"))));
		this.client = builder().model("llama3.2")
			.pricing((pricing) -> pricing.withCurrency("EUR").withModel("llama3.2", ModelPrice.of("0", "0")))
			.build();
		assertThat(this.client.chat(ChatRequest.of("Hi")).cost()).contains(new Cost(BigDecimal.ZERO, "EUR"));
	}

	@Test
	void datedModelIsPricedAsItsUndatedNameAndNothingElseIsGuessed() {
		server.stubFor(post(PATH).withRequestBody(containing("gpt-4o-mini"))
			.willReturn(
					okJson(answer("gpt-4o-mini-2024-07-18", "{\"prompt_tokens\":1000000,\"completion_tokens\":0}"))));
		server.stubFor(post(PATH).withRequestBody(containing("\"gpt-4o\""))
			.willReturn(okJson(answer("gpt-4o-2024-08-06", "{\"prompt_tokens\":1000000,\"completion_tokens\":0}"))));
		LlmClient client = pricedClient();
		assertThat(client.chat(ChatRequest.of("Hi")).cost()).contains(new Cost(new BigDecimal("2.5"), "USD"));
		assertThat(client.chat(ChatRequest.builder().model("gpt-4o-mini").user("Hi").build()).cost())
			.as("gpt-4o-mini is not priced as gpt-4o")
			.isEmpty();
	}

	@Test
	void batchReportsTheSumOfItsAnswersAndCountsNoFailure() {
		server.stubFor(post(PATH).withRequestBody(containing("one"))
			.willReturn(okJson(answer("gpt-4o",
					"""
							{"prompt_tokens":1000,"completion_tokens":100,"total_tokens":1100,"prompt_tokens_details":{"cached_tokens":400}}"""))));
		server.stubFor(post(PATH).withRequestBody(containing("two"))
			.willReturn(okJson(
					answer("gpt-4o", "{\"prompt_tokens\":1000,\"completion_tokens\":100,\"total_tokens\":1100}"))));
		server.stubFor(post(PATH).withRequestBody(containing("three")).willReturn(serverError()));
		BatchResult result = new LlmBatchService(pricedClient()).generateAll(List.of("one", "two", "three"));
		assertThat(result.failed()).isOne();
		assertThat(result.usage()).as("cached tokens: the one answer that reported them")
			.isEqualTo(new Usage(2000, 200, 2200, 400, null, null));
		// (600 x 2.50 + 400 x 1.25 + 100 x 10) + (1000 x 2.50 + 100 x 10) per million
		assertThat(result.cost()).contains(new Cost(new BigDecimal("0.0065"), "USD"));
	}

	@Test
	void batchWithoutUsageOrPricesHasNone() {
		server.stubFor(post(PATH).willReturn(okJson("{\"choices\":[{\"message\":{\"content\":\"ok\"}}]}")));
		this.client = builder().build();
		BatchResult result = new LlmBatchService(this.client).generateAll(List.of("one", "two"));
		assertThat(result.usage()).isNull();
		assertThat(result.cost()).isEmpty();
	}

	@Test
	void structuredBatchReportsItsBatchesSum() {
		server.stubFor(post(PATH).willReturn(okJson("""
				{"model":"gpt-4o","choices":[{"message":{"content":"{\\"zone\\":\\"UTC\\"}"}}],
				 "usage":{"prompt_tokens":100,"completion_tokens":10,"total_tokens":110}}""")));
		StructuredBatchResult<Zone> result = new LlmBatchService(pricedClient())
			.chatAll(List.of(ChatRequest.of("a"), ChatRequest.of("b")), Zone.class);
		assertThat(result.succeededValues()).containsExactly(new Zone("UTC"), new Zone("UTC"));
		assertThat(result.usage()).isEqualTo(new Usage(200, 20, 220));
		assertThat(result.cost()).contains(new Cost(new BigDecimal("0.0007"), "USD"));
	}

	@Test
	void toolLoopReportsEveryRoundsUsageAndCost() {
		server.stubFor(post(PATH).withRequestBody(containing("\"role\":\"tool\""))
			.willReturn(okJson(answer("gpt-4o",
					"""
							{"prompt_tokens":300,"completion_tokens":20,"total_tokens":320,"prompt_tokens_details":{"cached_tokens":200}}"""))));
		server.stubFor(post(PATH).withRequestBody(containing("What zone"))
			.atPriority(10)
			.willReturn(
					okJson("""
							{"model":"gpt-4o","choices":[{"index":0,"message":{"role":"assistant","content":null,
							 "tool_calls":[{"id":"t1","type":"function","function":{"name":"zone","arguments":"{}"}}]},
							 "finish_reason":"tool_calls"}],"usage":{"prompt_tokens":200,"completion_tokens":30,"total_tokens":230}}""")));
		ToolLoop.Result result = ToolLoop.builder(pricedClient())
			.tool(dev.llmclient.ToolDefinition.withoutArguments("zone", "The time zone"), (call) -> "UTC")
			.build()
			.run(ChatRequest.of("What zone?"));
		assertThat(result.rounds()).isEqualTo(2);
		assertThat(result.response().usage()).as("the last round's own")
			.isEqualTo(new Usage(300, 20, 320, 200, null, null));
		assertThat(result.usage()).isEqualTo(new Usage(500, 50, 550, 200, null, null));
		// (200 x 2.50 + 30 x 10) + (100 x 2.50 + 200 x 1.25 + 20 x 10) per million
		assertThat(result.cost()).contains(new Cost(new BigDecimal("0.0015"), "USD"));
	}

	@Test
	void embeddingsArePricedByTheirInputAndSummedOverABatch() throws Exception {
		try (EmbeddingServer embeddings = new EmbeddingServer();
				LlmClient client = TestClients.lazy(embeddings.endpoint())
					.embeddings((settings) -> settings.withModel("embed").withBatchSize(2))
					.pricing(
							(pricing) -> pricing.withModel("embed", new ModelPrice(new BigDecimal("0.02"), null, null)))
					.meterRegistry(this.registry)
					.build()) {
			assertThat(client.embed(List.of("a", "b", "c")).cost())
				.contains(new Cost(new BigDecimal("0.00000006"), "USD"));
			EmbeddingBatchResult result = new LlmBatchService(client).embedAll(List.of("a", "b", "c", "d", "e"));
			assertThat(result.usage()).isEqualTo(new Usage(5, 0, 5));
			assertThat(result.cost()).contains(new Cost(new BigDecimal("0.0000001"), "USD"));
			assertThat(
					this.registry.get("llm.client.cost").tag("gen_ai.operation.name", "embeddings").counter().count())
				.isPositive();
		}
	}

	record Zone(String zone) {
	}

}
