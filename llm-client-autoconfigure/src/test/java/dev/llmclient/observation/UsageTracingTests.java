package dev.llmclient.observation;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.Map;

import brave.Tracing;
import brave.propagation.ThreadLocalCurrentTraceContext;
import brave.sampler.Sampler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.exporter.FinishedSpan;
import io.micrometer.tracing.test.reporter.inmemory.InMemoryBraveSetup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.llmclient.ChatRequest;
import dev.llmclient.LlmClient;
import dev.llmclient.PricingSettings.ModelPrice;
import dev.llmclient.testsupport.RawHttpServer;
import dev.llmclient.testsupport.TestClients;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The call's span carries the GenAI usage attributes of the details the server reports,
 * and its cost when the model is priced.
 */
class UsageTracingTests {

	private final ObservationRegistry registry = ObservationRegistry.create();

	private InMemoryBraveSetup tracing;

	private RawHttpServer server;

	@BeforeEach
	void startTracer() {
		this.tracing = InMemoryBraveSetup.builder()
			.tracing((spans) -> Tracing.newBuilder()
				.currentTraceContext(ThreadLocalCurrentTraceContext.newBuilder().build())
				.sampler(Sampler.ALWAYS_SAMPLE)
				.addSpanHandler(spans)
				.build())
			.register(this.registry);
	}

	@AfterEach
	void close() {
		if (this.server != null) {
			this.server.close();
		}
		this.tracing.close();
	}

	@Test
	void spanCarriesCacheReasoningAndCostAttributes() throws IOException {
		this.server = new RawHttpServer((exchange) -> {
			exchange.respond(200, "application/json", """
					{"id":"c1","model":"gpt-test","choices":[{"index":0,"message":{"role":"assistant","content":"Hi"},
					 "finish_reason":"stop"}],"usage":{"prompt_tokens":2000,"completion_tokens":100,"total_tokens":2100,
					 "prompt_tokens_details":{"cached_tokens":1500,"cache_write_tokens":500},
					 "completion_tokens_details":{"reasoning_tokens":64}}}""");
			return true;
		});
		try (LlmClient client = TestClients.lazy(this.server.baseUrl())
			.model("gpt-test")
			.observationRegistry(this.registry)
			.pricing((pricing) -> pricing.withModel("gpt-test", ModelPrice.of("1", "2")))
			.build()) {
			client.chat(ChatRequest.of("Hello"));
		}
		FinishedSpan call = callSpan();
		assertThat(call.getTags())
			.containsAllEntriesOf(Map.of("gen_ai.usage.input_tokens", "2000", "gen_ai.usage.cache_read.input_tokens",
					"1500", "gen_ai.usage.cache_creation.input_tokens", "500", "gen_ai.usage.reasoning.output_tokens",
					"64", "llm.client.cost", new BigDecimal("0.0022").toPlainString() + " USD"));
	}

	private FinishedSpan callSpan() {
		return this.tracing.getBuildingBlocks()
			.getFinishedSpans()
			.stream()
			.filter((span) -> "chat gpt-test".equals(span.getName()))
			.findFirst()
			.orElseThrow();
	}

	@Test
	void spanHasNoDetailTheServerDidNotReport() throws IOException {
		this.server = new RawHttpServer((exchange) -> {
			exchange.respond(200, "application/json", """
					{"model":"gpt-test","choices":[{"message":{"content":"Hi"}}],
					 "usage":{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}}""");
			return true;
		});
		try (LlmClient client = TestClients.lazy(this.server.baseUrl())
			.model("gpt-test")
			.observationRegistry(this.registry)
			.build()) {
			client.chat(ChatRequest.of("Hello"));
		}
		FinishedSpan call = callSpan();
		assertThat(call.getTags()).containsKey("gen_ai.usage.input_tokens")
			.doesNotContainKeys("gen_ai.usage.cache_read.input_tokens", "gen_ai.usage.cache_creation.input_tokens",
					"gen_ai.usage.reasoning.output_tokens", "llm.client.cost");
	}

}
