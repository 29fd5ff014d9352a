package dev.llmclient.internal;

import java.time.Duration;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.llmclient.ChatRequest;
import dev.llmclient.LlmBulkheadFullException;
import dev.llmclient.LlmClient;
import dev.llmclient.LlmClientBuilder;
import dev.llmclient.LlmConnectionException;
import dev.llmclient.LlmHttpException;
import dev.llmclient.Usage;
import dev.llmclient.testsupport.CannedBodies;
import dev.llmclient.testsupport.LoopbackLlmServer;
import dev.llmclient.testsupport.LoopbackWireMock;
import dev.llmclient.testsupport.RawHttpServer;
import dev.llmclient.testsupport.TestClients;
import dev.llmclient.internal.recording.CallMetrics;
import dev.llmclient.internal.recording.MicrometerCallMetrics;
import dev.llmclient.internal.recording.OperationName;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

class ClientMetricsTests {

	private static final String ANSWER = CannedBodies.completion("m1", "Hi");

	private static final String ANSWER_WITHOUT_USAGE = CannedBodies.contentOnly("Hi");

	private static final Set<String> DURATION_TAG_KEYS = Set.of("llm.client.name", "gen_ai.operation.name",
			"gen_ai.provider.name", "gen_ai.request.model", "server.address", "server.port", "error.type");

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
			.model("m1")
			.meterRegistry(this.registry)
			.retry(TestClients::fastBackoff);
	}

	private LlmClient client() {
		this.client = builder().build();
		return this.client;
	}

	@Test
	void successfulCallIsTimedWithEveryGenAiTag() {
		server.stubFor(post("/v1/chat/completions").willReturn(okJson(ANSWER)));
		client().chat(ChatRequest.of("Hello"));
		Timer timer = this.registry.get("gen_ai.client.operation.duration").timer();
		assertThat(timer.count()).isEqualTo(1);
		assertThat(timer.totalTime(TimeUnit.NANOSECONDS)).isPositive();
		assertThat(timer.getId().getTags()).containsExactlyInAnyOrder(Tag.of("llm.client.name", "default"),
				Tag.of("gen_ai.operation.name", "chat"), Tag.of("gen_ai.provider.name", "openai_compatible"),
				Tag.of("gen_ai.request.model", "m1"), Tag.of("server.address", "localhost"),
				Tag.of("server.port", Integer.toString(server.getPort())), Tag.of("error.type", "none"));
	}

	@Test
	void tokenUsageIsRecordedByTypeWhenTheServerReportsIt() {
		server.stubFor(post("/v1/chat/completions").willReturn(okJson(ANSWER)));
		LlmClient client = client();
		client.chat(ChatRequest.of("Hello"));
		client.chat(ChatRequest.of("Hello again"));
		DistributionSummary input = this.registry.get("gen_ai.client.token.usage")
			.tag("gen_ai.token.type", "input")
			.summary();
		DistributionSummary output = this.registry.get("gen_ai.client.token.usage")
			.tag("gen_ai.token.type", "output")
			.summary();
		assertThat(input.count()).isEqualTo(2);
		assertThat(input.totalAmount()).isEqualTo(24);
		assertThat(output.totalAmount()).isEqualTo(6);
		assertThat(tagKeys(input)).containsExactlyInAnyOrder("llm.client.name", "gen_ai.operation.name",
				"gen_ai.provider.name", "gen_ai.request.model", "server.address", "server.port", "gen_ai.token.type");
	}

	@Test
	void tokenUsageIsAbsentWhenTheServerReportsNone() {
		server.stubFor(post("/v1/chat/completions").willReturn(okJson(ANSWER_WITHOUT_USAGE)));
		client().chat(ChatRequest.of("Hello"));
		assertThat(this.registry.get("gen_ai.client.operation.duration").timer().count()).isEqualTo(1);
		assertThat(this.registry.find("gen_ai.client.token.usage").meters()).isEmpty();
	}

	@Test
	void failedCallsAreTaggedWithABoundedErrorTypeAndTheSameTagKeys() {
		server.stubFor(post("/v1/chat/completions").inScenario("s")
			.whenScenarioStateIs(STARTED)
			.willReturn(aResponse().withStatus(503))
			.willSetStateTo("bad request"));
		server.stubFor(post("/v1/chat/completions").inScenario("s")
			.whenScenarioStateIs("bad request")
			.willReturn(aResponse().withStatus(400))
			.willSetStateTo("ok"));
		server
			.stubFor(post("/v1/chat/completions").inScenario("s").whenScenarioStateIs("ok").willReturn(okJson(ANSWER)));
		this.client = builder().retry((retry) -> retry.withEnabled(false)).build();
		assertThatExceptionOfType(LlmHttpException.class).isThrownBy(() -> this.client.generate("a"));
		assertThatExceptionOfType(LlmHttpException.class).isThrownBy(() -> this.client.generate("b"));
		this.client.generate("c");
		Collection<Meter> timers = this.registry.find("gen_ai.client.operation.duration").meters();
		assertThat(timers).extracting((meter) -> meter.getId().getTag("error.type"))
			.containsExactlyInAnyOrder("none", "503", "400");
		assertThat(timers).allSatisfy((meter) -> assertThat(tagKeys(meter)).isEqualTo(DURATION_TAG_KEYS));
		assertThat(this.registry.get("gen_ai.client.operation.duration").tag("error.type", "503").timer().count())
			.isEqualTo(1);
	}

	@Test
	void unreachableServerIsTaggedIo() {
		this.client = builder().endpoint(LoopbackLlmServer.refusingEndpoint())
			.retry((retry) -> retry.withEnabled(false))
			.build();
		assertThatExceptionOfType(LlmConnectionException.class).isThrownBy(() -> this.client.generate("a"));
		assertThat(this.registry.get("gen_ai.client.operation.duration").tag("error.type", "io").timer().count())
			.isEqualTo(1);
	}

	@Test
	void callWithoutAnyModelIsTaggedUnknown() {
		server.stubFor(post("/v1/chat/completions").willReturn(okJson(ANSWER)));
		this.client = builder().model(null).build();
		this.client.generate("Hi");
		assertThat(this.registry.get("gen_ai.client.operation.duration").timer().getId().getTag("gen_ai.request.model"))
			.isEqualTo("unknown");
	}

	@Test
	void retriesAreCountedByReason() {
		server.stubFor(post("/v1/chat/completions").inScenario("r")
			.whenScenarioStateIs(STARTED)
			.willReturn(aResponse().withStatus(503))
			.willSetStateTo("ok"));
		server
			.stubFor(post("/v1/chat/completions").inScenario("r").whenScenarioStateIs("ok").willReturn(okJson(ANSWER)));
		client().generate("Hi");
		assertThat(this.registry.get("llm.client.retries").tag("reason", "503").counter().count()).isEqualTo(1);
		assertThat(this.registry.get("gen_ai.client.operation.duration").timer().count()).isEqualTo(1);
	}

	@Test
	void poolGaugesFollowThePoolAndGoAwayOnClose() {
		server.stubFor(post("/v1/chat/completions").willReturn(okJson(ANSWER)));
		client().generate("Hi");
		assertThat(gauge("max")).isEqualTo(10);
		assertThat(gauge("leased")).isZero();
		assertThat(gauge("available")).isEqualTo(1);
		assertThat(gauge("pending")).isZero();
		assertThat(this.registry.get("llm.client.pool.max").gauge().getId().getTags()).containsExactlyInAnyOrder(
				Tag.of("llm.client.name", "default"), Tag.of("server.address", "localhost"),
				Tag.of("server.port", Integer.toString(server.getPort())));
		this.client.close();
		assertThat(this.registry.find("llm.client.pool.max").gauge()).isNull();
		assertThat(this.registry.find("gen_ai.client.operation.duration").timer()).isNotNull();
	}

	@Test
	void bulkheadRejectionIsTimedAsBulkheadFull() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		try (RawHttpServer slow = new RawHttpServer((exchange) -> {
			try {
				release.await(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			exchange.respond(200, "application/json", ANSWER);
			return true;
		})) {
			this.client = builder().endpoint(slow.baseUrl() + "/v1")
				.limits((limits) -> limits.withMaxConcurrent(1).withMaxWait(Duration.ZERO))
				.build();
			CompletableFuture<?> first = this.client.chatAsync(ChatRequest.of("slow"));
			await().atMost(Duration.ofSeconds(10)).until(() -> this.client.health().bulkhead().inFlight() == 1);
			assertThatExceptionOfType(LlmBulkheadFullException.class)
				.isThrownBy(() -> this.client.generate("rejected"));
			release.countDown();
			first.get(10, TimeUnit.SECONDS);
		}
		assertThat(this.registry.get("gen_ai.client.operation.duration")
			.tag("error.type", "bulkhead_full")
			.timer()
			.count()).isEqualTo(1);
		assertThat(this.client.health().calls().failed()).isEqualTo(1);
		assertThat(this.client.health().latency().count()).isEqualTo(1);
	}

	@Test
	void modelTagValuesAreCapped() {
		MicrometerCallMetrics metrics = new MicrometerCallMetrics(this.registry, Tags.of("server.address", "h"), null);
		for (int i = 0; i < MicrometerCallMetrics.MAX_MODELS + 50; i++) {
			metrics.record(OperationName.CHAT, "model-" + i, 1_000, CallMetrics.SUCCESS, new Usage(1, 1, 2));
		}
		Set<String> models = this.registry.find("gen_ai.client.operation.duration")
			.meters()
			.stream()
			.map((meter) -> meter.getId().getTag("gen_ai.request.model"))
			.collect(Collectors.toSet());
		assertThat(models).hasSize(MicrometerCallMetrics.MAX_MODELS + 1).contains("_OTHER", "model-0");
		assertThat(this.registry.get("gen_ai.client.operation.duration")
			.tag("gen_ai.request.model", "_OTHER")
			.timer()
			.count()).isEqualTo(50);
	}

	@Test
	void withoutRegistryTheClientWorksAndRecordsNothing() {
		server.stubFor(post("/v1/chat/completions").willReturn(okJson(ANSWER)));
		this.client = builder().meterRegistry(null).build();
		assertThat(this.client.generate("Hi")).isEqualTo("Hi");
		assertThat(this.client.health().calls().succeeded()).isEqualTo(1);
		assertThat(this.registry.getMeters()).isEmpty();
	}

	private double gauge(String name) {
		return this.registry.get("llm.client.pool." + name).gauge().value();
	}

	private static Set<String> tagKeys(Meter meter) {
		return meter.getId().getTags().stream().map(Tag::getKey).collect(Collectors.toSet());
	}

}
