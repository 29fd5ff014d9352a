package dev.llmclient.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.http.client.observation.ClientRequestObservationContext;
import org.springframework.web.client.RestClient;

import dev.llmclient.LlmClient;
import dev.llmclient.LlmClientHealth;
import dev.llmclient.testsupport.RawHttpServer;
import dev.llmclient.internal.recording.MicrometerCallMetrics;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What eager warm-up leaves behind: connections opened with {@code GET /models} only (no
 * POST, so no chat completion and no tokens), and nothing in the client's metrics, health
 * or the {@code RestClient}'s observations besides the connections' requests, although it
 * runs a whole call in memory and sends {@code warm-up.requests} more.
 */
class WarmUpTests {

	private static final byte[] MODELS = "{\"object\":\"list\",\"data\":[{\"id\":\"m\",\"object\":\"model\"}]}"
		.getBytes(StandardCharsets.UTF_8);

	private static final byte[] COMPLETION = ("{\"id\":\"c1\",\"object\":\"chat.completion\",\"model\":\"m\","
			+ "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hello\"},\"finish_reason\":\"stop\"}],"
			+ "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":1,\"total_tokens\":6}}")
		.getBytes(StandardCharsets.UTF_8);

	private static final int WARM_UP_REQUESTS = 5;

	/** Every request the server received, as {@code METHOD path}. */
	private final List<String> requests = new CopyOnWriteArrayList<>();

	/** Every request the client's {@code RestClient} observed, as {@code METHOD path}. */
	private final List<String> observed = new CopyOnWriteArrayList<>();

	private final SimpleMeterRegistry meterRegistry = new SimpleMeterRegistry();

	private final RawHttpServer server;

	WarmUpTests() throws IOException {
		this.server = new RawHttpServer(this::answer);
	}

	@AfterEach
	void stop() {
		this.server.close();
	}

	@Test
	void warmUpSendsOnlyGetModelsAndRecordsNothing() {
		try (DefaultLlmClient client = warmClient()) {
			assertThat(this.requests).hasSize(2 + WARM_UP_REQUESTS).containsOnly("GET /v1/models");
			// the connections' requests are real ones; the warm-up requests are not
			// observed
			assertThat(this.observed).containsExactly("GET /v1/models", "GET /v1/models");
			assertThat(this.meterRegistry.find(MicrometerCallMetrics.DURATION).meters()).isEmpty();
			assertThat(this.meterRegistry.find(MicrometerCallMetrics.TOKEN_USAGE).meters()).isEmpty();
			assertThat(this.meterRegistry.find(MicrometerCallMetrics.RETRIES).meters()).isEmpty();
			LlmClientHealth health = client.health();
			assertThat(health.up()).isTrue();
			assertThat(health.calls().total()).isZero();
			assertThat(health.latency().count()).isZero();
			assertThat(health.lastError()).isNull();
			assertThat(health.bulkhead().inFlight()).isZero();
		}
	}

	@Test
	void firstCallAfterWarmUpIsTheOnlyOneSentAndRecorded() {
		try (DefaultLlmClient client = warmClient()) {
			assertThat(client.generate("Hi")).isEqualTo("Hello");
			assertThat(this.requests).hasSize(2 + WARM_UP_REQUESTS + 1)
				.endsWith("POST /v1/chat/completions")
				.containsOnlyOnce("POST /v1/chat/completions");
			assertThat(this.observed).containsExactly("GET /v1/models", "GET /v1/models", "POST /v1/chat/completions");
			assertThat(this.meterRegistry.get(MicrometerCallMetrics.DURATION).timer().count()).isOne();
			assertThat(this.meterRegistry.get(MicrometerCallMetrics.TOKEN_USAGE)
				.tag("gen_ai.token.type", "input")
				.summary()
				.totalAmount()).isEqualTo(5);
			assertThat(client.health().calls().total()).isOne();
		}
	}

	/** A client built as the auto-configuration builds one, then warmed up. */
	private DefaultLlmClient warmClient() {
		ObservationRegistry observationRegistry = ObservationRegistry.create();
		observationRegistry.observationConfig().observationHandler(new RequestRecorder());
		DefaultLlmClient client = DefaultLlmClient.create(LlmClient.builder()
			.endpoint(this.server.baseUrl() + "/v1")
			.model("m")
			.warmUp((warmUp) -> warmUp.withRequests(WARM_UP_REQUESTS))
			.meterRegistry(this.meterRegistry), RestClient.builder().observationRegistry(observationRegistry));
		client.warmUp();
		return client;
	}

	private boolean answer(RawHttpServer.Exchange exchange) throws IOException {
		this.requests.add(exchange.method() + " " + exchange.path());
		if ("GET".equals(exchange.method())) {
			exchange.respond(200, "application/json", MODELS);
		}
		else {
			exchange.respond(200, "application/json", COMPLETION);
		}
		return true;
	}

	/** Notes the method and path of every request a {@code RestClient} observes. */
	private final class RequestRecorder implements ObservationHandler<ClientRequestObservationContext> {

		@Override
		public void onStart(ClientRequestObservationContext context) {
			WarmUpTests.this.observed
				.add(context.getCarrier().getMethod() + " " + context.getCarrier().getURI().getPath());
		}

		@Override
		public boolean supportsContext(Observation.Context context) {
			return context instanceof ClientRequestObservationContext;
		}

	}

}
