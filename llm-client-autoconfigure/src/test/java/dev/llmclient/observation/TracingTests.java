package dev.llmclient.observation;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import brave.Tracing;
import brave.propagation.ThreadLocalCurrentTraceContext;
import brave.sampler.Sampler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.brave.bridge.W3CPropagation;
import io.micrometer.tracing.exporter.FinishedSpan;
import io.micrometer.tracing.test.reporter.inmemory.InMemoryBraveSetup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.llmclient.ChatRequest;
import dev.llmclient.ChatResponse;
import dev.llmclient.LlmClient;
import dev.llmclient.LlmClientBuilder;
import dev.llmclient.LlmHttpException;
import dev.llmclient.LlmTimeoutException;
import dev.llmclient.PricingSettings.ModelPrice;
import dev.llmclient.batch.BatchResult;
import dev.llmclient.batch.LlmBatchService;
import dev.llmclient.testsupport.CannedBodies;
import dev.llmclient.testsupport.RawHttpServer;
import dev.llmclient.testsupport.TestClients;
import dev.llmclient.testsupport.WireSchemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Every call is one client span with the GenAI keys (the usage details the server
 * reports, and the cost when the model is priced) and each HTTP attempt its child,
 * carrying {@code traceparent} to the server, with an in-memory Brave tracer as an
 * application with Micrometer Tracing has.
 */
class TracingTests {

	private static final Pattern TRACEPARENT = Pattern
		.compile("(?im)^traceparent: 00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]\\r?$");

	private final ObservationRegistry registry = ObservationRegistry.create();

	private final List<String[]> traceparents = Collections.synchronizedList(new ArrayList<>());

	private InMemoryBraveSetup tracing;

	private RawHttpServer server;

	private LlmClient client;

	@BeforeEach
	void startTracer() {
		this.tracing = InMemoryBraveSetup.builder()
			.tracing((spans) -> Tracing.newBuilder()
				.traceId128Bit(true)
				.propagationFactory(new W3CPropagation())
				.currentTraceContext(ThreadLocalCurrentTraceContext.newBuilder().build())
				.sampler(Sampler.ALWAYS_SAMPLE)
				.addSpanHandler(spans)
				.build())
			.register(this.registry);
	}

	@AfterEach
	void close() {
		if (this.client != null) {
			this.client.close();
		}
		if (this.server != null) {
			this.server.close();
		}
		this.tracing.close();
	}

	@Test
	void successIsOneClientSpanWithTheGenAiKeysAndTheAttemptAsChild() throws IOException {
		serve((exchange) -> exchange.respond(200, "application/json",
				CannedBodies.completion("gpt-test-2024-07-18", "Hi")));
		this.client = client().build();
		this.client.chat(ChatRequest.builder().model("gpt-test").user("Hello").maxTokens(50).temperature(0.2).build());
		FinishedSpan call = onlySpan("chat gpt-test");
		assertThat(call.getKind()).isEqualTo(Span.Kind.CLIENT);
		assertThat(call.getTags()).containsAllEntriesOf(
				Map.of("gen_ai.operation.name", "chat", "gen_ai.provider.name", "openai", "gen_ai.request.model",
						"gpt-test", "gen_ai.response.model", "gpt-test-2024-07-18", "server.address", "127.0.0.1",
						"server.port", String.valueOf(this.server.port()), "error.type", "none"));
		assertThat(call.getTags())
			.containsAllEntriesOf(Map.of("gen_ai.response.id", "chatcmpl-1", "gen_ai.response.finish_reasons", "stop",
					"gen_ai.usage.input_tokens", "12", "gen_ai.usage.output_tokens", "3", "gen_ai.request.max_tokens",
					"50", "gen_ai.request.temperature", "0.2"));
		assertThat(call.getTags()).doesNotContainKeys("gen_ai.input.messages", "gen_ai.output.messages",
				"gen_ai.request.top_p", "llm.client.request.prompt_cache_key", "llm.client.endpoint");
		assertThat(attemptsOf(call)).singleElement()
			.satisfies((attempt) -> assertThat(attempt.getKind()).isEqualTo(Span.Kind.CLIENT));
	}

	@Test
	void spanCarriesThePromptCacheKeyAndWithSeveralEndpointsTheOneTheAttemptWentTo() throws IOException {
		serve((exchange) -> exchange.respond(200, "application/json", CannedBodies.completion("gpt-test", "Hi")));
		try (RawHttpServer other = new RawHttpServer((exchange) -> {
			exchange.respond(200, "application/json", CannedBodies.completion("gpt-test", "Hi"));
			return true;
		})) {
			String first = this.server.baseUrl();
			String second = "http://127.0.0.1:" + other.port() + "/v1";
			this.client = TestClients.builder()
				.endpoints(List.of(dev.llmclient.EndpointSettings.of(first), dev.llmclient.EndpointSettings.of(second)))
				.lifecycle((lifecycle) -> lifecycle.withEagerInit(false))
				.model("gpt-test")
				.observationRegistry(this.registry)
				.build();
			this.client.chat(ChatRequest.builder().user("Hello").promptCacheKey("tenant-42").build());
			this.client.chat(ChatRequest.of("No key"));
			this.client.close();
			List<FinishedSpan> calls = spans("chat gpt-test");
			assertThat(calls).hasSize(2);
			assertThat(calls.get(0).getTags()).containsEntry("llm.client.request.prompt_cache_key", "tenant-42");
			assertThat(calls.get(1).getTags()).doesNotContainKey("llm.client.request.prompt_cache_key");
			assertThat(calls)
				.allSatisfy((call) -> assertThat(call.getTags().get("llm.client.endpoint")).isIn(first, second));
		}
	}

	@Test
	void eachEmbeddingsSliceIsOneSpanNamedEmbeddings() throws IOException {
		List<String> bodies = new CopyOnWriteArrayList<>();
		serve((exchange) -> {
			bodies.add(exchange.body());
			exchange.respond(200, "application/json",
					"{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":[0.5,1,2]}],"
							+ "\"model\":\"embed-test-v2\",\"usage\":{\"prompt_tokens\":4,\"total_tokens\":4}}");
		});
		this.client = client().embeddings((embeddings) -> embeddings.withModel("embed-test").withBatchSize(1)).build();
		this.client.embed(List.of("one", "two"));
		List<FinishedSpan> slices = spans("embeddings embed-test");
		assertThat(slices).hasSize(2);
		for (FinishedSpan slice : slices) {
			assertThat(slice.getKind()).isEqualTo(Span.Kind.CLIENT);
			assertThat(slice.getTags()).containsAllEntriesOf(Map.of("gen_ai.operation.name", "embeddings",
					"gen_ai.request.model", "embed-test", "gen_ai.response.model", "embed-test-v2", "error.type",
					"none", "gen_ai.embeddings.dimension.count", "3", "gen_ai.usage.input_tokens", "4"));
			assertThat(slice.getTags()).doesNotContainKeys("gen_ai.input.messages", "gen_ai.request.max_tokens");
			assertThat(attemptsOf(slice)).hasSize(1);
		}
		assertThat(bodies).hasSize(2).allSatisfy(WireSchemas::assertValidEmbeddingRequest);
	}

	@Test
	void httpErrorEndsTheSpanWithItsErrorType() throws IOException {
		serve((exchange) -> exchange.respond(400, "application/json",
				"{\"error\":{\"message\":\"bad request\",\"type\":\"invalid_request_error\"}}"));
		this.client = client().build();
		assertThatExceptionOfType(LlmHttpException.class).isThrownBy(() -> this.client.generate("Hello"));
		FinishedSpan call = onlySpan("chat gpt-test");
		assertThat(call.getTags()).containsEntry("error.type", "400").containsEntry("gen_ai.response.model", "unknown");
		assertThat(call.getError()).isInstanceOf(LlmHttpException.class);
		assertThat(attemptsOf(call)).hasSize(1);
	}

	@Test
	void timeoutEndsTheSpanWithErrorTypeTimeout() throws IOException {
		CountDownLatch never = new CountDownLatch(1);
		serve((exchange) -> never.await());
		this.client = client().limits((limits) -> limits.withTimeout(Duration.ofMillis(300)))
			.retry((retry) -> retry.withEnabled(false))
			.build();
		assertThatExceptionOfType(LlmTimeoutException.class).isThrownBy(() -> this.client.generate("Hello"));
		FinishedSpan call = onlySpan("chat gpt-test");
		assertThat(call.getTags()).containsEntry("error.type", "timeout");
		assertThat(attemptsOf(call)).hasSize(1);
	}

	@Test
	void retriesAreEventsAndEveryAttemptCarriesTheTraceToTheServer() throws IOException {
		AtomicInteger requests = new AtomicInteger();
		serve((exchange) -> {
			if (requests.incrementAndGet() <= 2) {
				exchange.respond(503, "application/json", "{\"error\":{\"message\":\"overloaded\"}}");
			}
			else {
				exchange.respond(200, "application/json", CannedBodies.completion("gpt-test", "Hi"));
			}
		});
		this.client = client().retry(TestClients::fastBackoff).build();
		assertThat(this.client.generate("Hello")).isEqualTo("Hi");
		FinishedSpan call = onlySpan("chat gpt-test");
		assertThat(call.getEvents()).map(Map.Entry::getValue)
			.filteredOn((event) -> event.startsWith("retry"))
			.hasSize(2)
			.allSatisfy((event) -> assertThat(event).matches("retry after 503, backoff \\d+ ms"));
		List<FinishedSpan> attempts = attemptsOf(call);
		assertThat(attempts).hasSize(3);
		assertThat(this.traceparents).hasSize(3);
		assertThat(this.traceparents).allSatisfy((header) -> assertThat(header[0]).isEqualTo(call.getTraceId()));
		assertThat(this.traceparents).map((header) -> header[1])
			.doesNotHaveDuplicates()
			.containsExactlyInAnyOrderElementsOf(attempts.stream().map(FinishedSpan::getSpanId).toList());
	}

	@Test
	void streamRecordsItsFirstChunkAndTheModelTheServerReported() throws IOException {
		serve((exchange) -> exchange.respond(200, "text/event-stream",
				"data: {\"id\":\"chatcmpl-9\",\"model\":\"gpt-test-2024\",\"choices\":[{\"index\":0,"
						+ "\"delta\":{\"content\":\"Hi\"}}]}\n\n"
						+ "data: {\"id\":\"chatcmpl-9\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
						+ "data: [DONE]\n\n"));
		this.client = client().build();
		ChatResponse response = this.client.stream(ChatRequest.of("Hello"), (chunk) -> {
		});
		assertThat(response.content()).isEqualTo("Hi");
		FinishedSpan call = onlySpan("chat gpt-test");
		assertThat(call.getTags()).containsEntry("gen_ai.response.model", "gpt-test-2024")
			.containsEntry("gen_ai.response.id", "chatcmpl-9")
			.containsEntry("error.type", "none");
		assertThat(call.getEvents()).map(Map.Entry::getValue)
			.anySatisfy((event) -> assertThat(event).matches("first chunk after \\d+ ms"));
		assertThat(attemptsOf(call)).hasSize(1);
	}

	@Test
	void aWaitForABulkheadPermitIsAnEvent() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		serve((exchange) -> {
			if (exchange.body().contains("first")) {
				release.await();
			}
			exchange.respond(200, "application/json", CannedBodies.completion("gpt-test", "ok"));
		});
		this.client = client().limits((limits) -> limits.withMaxConcurrent(1)).build();
		// threads of its own: the common pool may have a single thread, which the first
		// call holds
		ExecutorService callers = Executors.newFixedThreadPool(2);
		CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> this.client.generate("first"), callers);
		await().until(() -> this.client.health().bulkhead().inFlight() == 1);
		CompletableFuture<String> second = CompletableFuture.supplyAsync(() -> this.client.generate("second"), callers);
		await().until(() -> this.client.health().bulkhead().waiting() == 1);
		Thread.sleep(10); // the wait must last past the 5 ms below which it is not an
							// event
		release.countDown();
		assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("ok");
		assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo("ok");
		callers.shutdown();
		assertThat(spans("chat gpt-test")).hasSize(2)
			.filteredOn((call) -> !call.getEvents().isEmpty())
			.singleElement()
			.satisfies((call) -> assertThat(call.getEvents()).map(Map.Entry::getValue)
				.singleElement()
				.satisfies((event) -> assertThat(event).matches("bulkhead wait \\d+ ms")));
	}

	@Test
	void batchIsOneSpanWithEachItemsCallAsChild() throws IOException {
		serve((exchange) -> {
			if (exchange.body().contains("fail")) {
				exchange.respond(400, "application/json", "{\"error\":{\"message\":\"no\"}}");
			}
			else {
				exchange.respond(200, "application/json", CannedBodies.completion("gpt-test", "ok"));
			}
		});
		this.client = client().limits((limits) -> limits.withMaxConcurrent(2)).build();
		LlmBatchService batch = new LlmBatchService(this.client, null, this.registry);
		List<String> prompts = new ArrayList<>(IntStream.range(0, 5).mapToObj((i) -> "item " + i).toList());
		prompts.add("fail");
		BatchResult result = batch.generateAll(prompts);
		assertThat(result.failed()).isEqualTo(1);
		FinishedSpan run = onlySpan("batch");
		assertThat(run.getTags()).containsEntry("llm.client.batch.items", "6")
			.containsEntry("llm.client.batch.succeeded", "5")
			.containsEntry("llm.client.batch.failed", "1");
		List<FinishedSpan> calls = spans("chat gpt-test");
		assertThat(calls).hasSize(6).allSatisfy((call) -> {
			assertThat(call.getParentId()).isEqualTo(run.getSpanId());
			assertThat(call.getTraceId()).isEqualTo(run.getTraceId());
			assertThat(attemptsOf(call)).hasSize(1);
		});
	}

	@Test
	void contentIsCapturedOnlyWhenSwitchedOnAndCutToLength() throws IOException {
		serve((exchange) -> exchange.respond(200, "application/json",
				CannedBodies.completion("gpt-test", "A rather long answer")));
		this.client = client()
			.observations((observations) -> observations.withIncludePrompt(true)
				.withIncludeCompletion(true)
				.withMaxContentLength(40))
			.apiKey("sk-secret-key")
			.build();
		this.client.chat(ChatRequest.builder().system("Be brief").user("Hello").build());
		FinishedSpan call = onlySpan("chat gpt-test");
		assertThat(call.getTags().get("gen_ai.input.messages"))
			.isEqualTo("[{\"role\":\"system\",\"content\":\"Be brief\"},...");
		assertThat(call.getTags().get("gen_ai.output.messages"))
			.isEqualTo("[{\"role\":\"assistant\",\"content\":\"A rather...");
		assertThat(call.getTags().values()).noneMatch((value) -> value.contains("sk-secret-key"));
	}

	@Test
	void spanCarriesCacheReasoningAndCostAttributes() throws IOException {
		serve((exchange) -> exchange.respond(200, "application/json", """
				{"id":"c1","model":"gpt-test","choices":[{"index":0,"message":{"role":"assistant","content":"Hi"},
				 "finish_reason":"stop"}],"usage":{"prompt_tokens":2000,"completion_tokens":100,"total_tokens":2100,
				 "prompt_tokens_details":{"cached_tokens":1500,"cache_write_tokens":500},
				 "completion_tokens_details":{"reasoning_tokens":64}}}"""));
		this.client = client().pricing((pricing) -> pricing.withModel("gpt-test", ModelPrice.of("1", "2"))).build();
		this.client.chat(ChatRequest.of("Hello"));
		FinishedSpan call = onlySpan("chat gpt-test");
		assertThat(call.getTags())
			.containsAllEntriesOf(Map.of("gen_ai.usage.input_tokens", "2000", "gen_ai.usage.cache_read.input_tokens",
					"1500", "gen_ai.usage.cache_creation.input_tokens", "500", "gen_ai.usage.reasoning.output_tokens",
					"64", "llm.client.cost", new BigDecimal("0.0022").toPlainString() + " USD"));
	}

	@Test
	void spanHasNoUsageDetailTheServerDidNotReport() throws IOException {
		serve((exchange) -> exchange.respond(200, "application/json", """
				{"model":"gpt-test","choices":[{"message":{"content":"Hi"}}],
				 "usage":{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}}"""));
		this.client = client().build();
		this.client.chat(ChatRequest.of("Hello"));
		FinishedSpan call = onlySpan("chat gpt-test");
		assertThat(call.getTags()).containsKey("gen_ai.usage.input_tokens")
			.doesNotContainKeys("gen_ai.usage.cache_read.input_tokens", "gen_ai.usage.cache_creation.input_tokens",
					"gen_ai.usage.reasoning.output_tokens", "llm.client.cost");
	}

	private LlmClientBuilder client() {
		return TestClients.lazy(this.server.baseUrl()).model("gpt-test").observationRegistry(this.registry);
	}

	/** Answers every request with {@code answer}, recording its traceparent header. */
	private void serve(Answer answer) throws IOException {
		this.server = new RawHttpServer((exchange) -> {
			Matcher traceparent = TRACEPARENT.matcher(exchange.head());
			if (traceparent.find()) {
				this.traceparents.add(new String[] { traceparent.group(1), traceparent.group(2) });
			}
			answer.answer(exchange);
			return true;
		});
	}

	private FinishedSpan onlySpan(String name) {
		assertThat(spans(name)).hasSize(1);
		return spans(name).get(0);
	}

	private List<FinishedSpan> spans(String name) {
		return this.tracing.getBuildingBlocks()
			.getFinishedSpans()
			.stream()
			.filter((span) -> name.equals(span.getName()))
			.toList();
	}

	private List<FinishedSpan> attemptsOf(FinishedSpan call) {
		return this.tracing.getBuildingBlocks()
			.getFinishedSpans()
			.stream()
			.filter((span) -> call.getSpanId().equals(span.getParentId()))
			.peek((span) -> assertThat(span.getTraceId()).isEqualTo(call.getTraceId()))
			.toList();
	}

	@FunctionalInterface
	private interface Answer {

		void answer(RawHttpServer.Exchange exchange) throws IOException, InterruptedException;

	}

}
