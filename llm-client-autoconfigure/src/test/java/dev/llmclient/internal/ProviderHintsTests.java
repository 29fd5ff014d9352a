package dev.llmclient.internal;

import java.util.List;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import dev.llmclient.ChatMessage;
import dev.llmclient.ChatRequest;
import dev.llmclient.ChatSettings;
import dev.llmclient.EndpointSettings;
import dev.llmclient.LlmClient;
import dev.llmclient.LlmClientBuilder;
import dev.llmclient.LlmClientHealth;
import dev.llmclient.LlmHttpException;
import dev.llmclient.RequestClass;
import dev.llmclient.RoutingSettings;
import dev.llmclient.testsupport.CannedBodies;
import dev.llmclient.testsupport.LoopbackWireMock;
import dev.llmclient.testsupport.TestClients;
import dev.llmclient.testsupport.WireSchemas;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The hints of a call's request class on the wire ({@code chat.priority-field},
 * {@code batch.service-tier}) and the fallback of a batch call that its service tier
 * refuses for capacity ({@code batch.service-tier-fallback}), against a loopback server.
 */
class ProviderHintsTests {

	private static final String PATH = "/v1/chat/completions";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@RegisterExtension
	static WireMockExtension server = LoopbackWireMock.extension();

	@RegisterExtension
	static WireMockExtension other = LoopbackWireMock.extension();

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	@Test
	void sendsNoHintByDefault() {
		server.stubFor(post(PATH).willReturn(okJson(CannedBodies.completion("m", "hi"))));
		try (LlmClient client = builder().build()) {
			client.chat(request(RequestClass.BATCH));
		}
		JsonNode body = onlyBodySent();
		assertThat(body.has("priority")).isFalse();
		assertThat(body.has("service_tier")).isFalse();
	}

	@Test
	void sendsEachClassItsPriority() {
		server.stubFor(post(PATH).willReturn(okJson(CannedBodies.completion("m", "hi"))));
		try (LlmClient client = builder()
			.chat((chat) -> chat.withPriorityField("priority").withInteractivePriority(-5).withBatchPriority(7))
			.build()) {
			client.chat(ChatRequest.builder().message(ChatMessage.user("unclassed")).build());
			client.chat(request(RequestClass.INTERACTIVE));
			client.chat(request(RequestClass.BATCH));
		}
		assertThat(bodiesSent()).extracting((body) -> body.get("priority").asInt()).containsExactly(-5, -5, 7);
	}

	@Test
	void sendsTheServiceTierWithBatchCallsOnlyAsTheOpenAiDefinitionAllows() {
		server.stubFor(post(PATH).willReturn(okJson(CannedBodies.completion("m", "hi"))));
		try (LlmClient client = builder().chat((chat) -> chat.withBatchServiceTier("flex")).build()) {
			client.chat(request(RequestClass.INTERACTIVE));
			client.chat(request(RequestClass.BATCH));
		}
		List<String> bodies = server.findAll(postRequestedFor(urlEqualTo(PATH)))
			.stream()
			.map((request) -> request.getBodyAsString())
			.toList();
		bodies.forEach(WireSchemas::assertValidChatRequest);
		assertThat(JSON.readTree(bodies.get(0)).has("service_tier")).isFalse();
		assertThat(JSON.readTree(bodies.get(1)).get("service_tier").asString()).isEqualTo("flex");
	}

	@Test
	void schemaRefusesAServiceTierTheDefinitionDoesNotList() {
		String body = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"service_tier\":\"cheap\"}";
		assertThat(WireSchemas.violations("chat-completion-request.schema.json", body)).isNotEmpty();
	}

	@Test
	void theCallersOwnFieldsWin() {
		server.stubFor(post(PATH).willReturn(okJson(CannedBodies.completion("m", "hi"))));
		try (LlmClient client = builder()
			.chat((chat) -> chat.withPriorityField("priority").withBatchServiceTier("flex"))
			.build()) {
			client.chat(ChatRequest.builder()
				.message(ChatMessage.user("mine"))
				.requestClass(RequestClass.BATCH)
				.extra("priority", 3)
				.extra("service_tier", "default")
				.build());
		}
		JsonNode body = onlyBodySent();
		assertThat(body.get("priority").asInt()).isEqualTo(3);
		assertThat(body.get("service_tier").asString()).isEqualTo("default");
	}

	@Test
	void aFlexCallRefusedForCapacityGoesOnceMoreOnTheDefaultTier() {
		refuseOnceThenAnswer(flexUnavailable());
		String content;
		try (LlmClient client = fallbackClient().build()) {
			content = client.chat(request(RequestClass.BATCH)).content();
		}
		assertThat(content).isEqualTo("ok");
		List<JsonNode> bodies = bodiesSent();
		assertThat(bodies).hasSize(2);
		assertThat(bodies.get(0).get("service_tier").asString()).isEqualTo("flex");
		assertThat(bodies.get(1).has("service_tier")).isFalse();
		assertThat(fallbacks().count()).isOne();
	}

	@Test
	void aRefusalSayingResourceUnavailableOnlyInItsMessageFallsBackToo() {
		refuseOnceThenAnswer(aResponse().withStatus(429)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"error\":{\"message\":\"Resource Unavailable: try again later\",\"type\":null}}"));
		try (LlmClient client = fallbackClient().build()) {
			client.chat(request(RequestClass.BATCH));
		}
		assertThat(bodiesSent().get(1).has("service_tier")).isFalse();
	}

	@Test
	void aStreamRefusedForCapacityGoesOnceMoreOnTheDefaultTier() {
		refuseOnceThenAnswer(flexUnavailable(), aResponse().withStatus(200)
			.withHeader("Content-Type", "text/event-stream")
			.withBody(
					"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"ok\"},\"finish_reason\":\"stop\"}]}\n\n"
							+ "data: [DONE]\n\n"));
		StringBuilder streamed = new StringBuilder();
		try (LlmClient client = fallbackClient().build()) {
			client.stream(request(RequestClass.BATCH), (chunk) -> streamed.append(chunk.content()));
		}
		assertThat(streamed).hasToString("ok");
		List<JsonNode> bodies = bodiesSent();
		assertThat(bodies.get(0).get("service_tier").asString()).isEqualTo("flex");
		assertThat(bodies.get(1).has("service_tier")).isFalse();
		assertThat(bodies.get(1).get("stream").asBoolean()).isTrue();
	}

	@Test
	void withoutTheFallbackARefusedFlexCallIsRetriedOnFlex() {
		refuseOnceThenAnswer(flexUnavailable());
		try (LlmClient client = builder().chat((chat) -> chat.withBatchServiceTier("flex")).build()) {
			client.chat(request(RequestClass.BATCH));
		}
		assertThat(bodiesSent()).extracting((body) -> body.get("service_tier").asString())
			.containsExactly("flex", "flex");
		assertThat(this.registry.find("llm.client.retries").tag("reason", "service_tier_fallback").counter()).isNull();
	}

	@Test
	void aPlainRateLimitDoesNotFallBack() {
		refuseOnceThenAnswer(aResponse().withStatus(429)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\","
					+ "\"code\":\"rate_limit_exceeded\"}}"));
		try (LlmClient client = fallbackClient().build()) {
			client.chat(request(RequestClass.BATCH));
		}
		assertThat(bodiesSent()).extracting((body) -> body.get("service_tier").asString())
			.containsExactly("flex", "flex");
	}

	@Test
	void fallsBackOnceAndNeverLoops() {
		server.stubFor(post(PATH).willReturn(flexUnavailable()));
		try (LlmClient client = fallbackClient().retry((retry) -> retry.withEnabled(false)).build()) {
			assertThatExceptionOfType(LlmHttpException.class).isThrownBy(() -> client.chat(request(RequestClass.BATCH)))
				.satisfies((ex) -> assertThat(ex.statusCode()).isEqualTo(429));
		}
		List<JsonNode> bodies = bodiesSent();
		assertThat(bodies).hasSize(2);
		assertThat(bodies.get(1).has("service_tier")).isFalse();
		assertThat(fallbacks().count()).isOne();
	}

	@Test
	void anInteractiveCallNeverFallsBack() {
		refuseOnceThenAnswer(flexUnavailable());
		try (LlmClient client = fallbackClient().build()) {
			client.chat(request(RequestClass.INTERACTIVE));
		}
		assertThat(this.registry.find("llm.client.retries").tag("reason", "service_tier_fallback").counter()).isNull();
	}

	@Test
	void aRefusalForCapacityLeavesTheAdaptiveLimitAlone() {
		try (LlmClient client = fallbackClient().adaptive((adaptive) -> adaptive.withEnabled(true).withMinConcurrent(1))
			.limits((limits) -> limits.withMaxConcurrent(16))
			.build()) {
			server.stubFor(post(PATH).willReturn(okJson(CannedBodies.contentOnly("warm"))));
			for (int i = 0; i < 3; i++) {
				client.chat(request(RequestClass.BATCH));
			}
			int before = client.health().bulkhead().limit();
			server.resetAll();
			refuseOnceThenAnswer(flexUnavailable());
			client.chat(request(RequestClass.BATCH));
			assertThat(client.health().bulkhead().limit()).isGreaterThan(before);
		}
	}

	@Test
	void aRefusalForCapacityWithRetryAfterPausesNoOtherCall() {
		refuseOnceThenAnswer(flexUnavailable().withHeader("Retry-After", "30"));
		try (LlmClient client = fallbackClient().build()) {
			assertThat(client.chat(request(RequestClass.BATCH)).content()).isEqualTo("ok");
			assertThat(client.health().rateLimit().pausedByServer()).as("paused by the flex tier's Retry-After")
				.isFalse();
		}
	}

	@Test
	void withSeveralEndpointsARefusalForCapacityCoolsNoEndpointDown() {
		for (WireMockExtension endpoint : List.of(server, other)) {
			endpoint.stubFor(post(PATH).withRequestBody(matchingJsonPath("$.service_tier"))
				.atPriority(1)
				.willReturn(flexUnavailable()));
			endpoint.stubFor(post(PATH).atPriority(2).willReturn(okJson(CannedBodies.contentOnly("ok"))));
		}
		try (LlmClient client = TestClients.builder()
			.endpoints(List.of(EndpointSettings.of(server.baseUrl() + "/v1"),
					EndpointSettings.of(other.baseUrl() + "/v1")))
			.routing((routing) -> routing.withStrategy(RoutingSettings.Strategy.ROUND_ROBIN)
				.withCooldownAfterFailures(1))
			.lifecycle((lifecycle) -> lifecycle.withEagerInit(false))
			.chat((chat) -> chat.withBatchServiceTier("flex").withServiceTierFallback(true))
			.meterRegistry(this.registry)
			.build()) {
			for (int i = 0; i < 6; i++) {
				assertThat(client.chat(request(RequestClass.BATCH)).content()).isEqualTo("ok");
			}
			assertThat(client.health().endpoints()).extracting(LlmClientHealth.EndpointHealth::state)
				.containsOnly("active");
		}
		assertThat(fallbacks().count()).isEqualTo(6);
	}

	@Test
	void aServerRefusingThePriorityNamesTheSettingToChange() {
		server.stubFor(post(PATH).willReturn(aResponse().withStatus(400)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"object\":\"error\",\"message\":\"Got priority 10 but Priority scheduling is not "
					+ "enabled.\",\"type\":\"BadRequestError\",\"code\":400}")));
		try (LlmClient client = builder().chat((chat) -> chat.withPriorityField("priority")).build()) {
			assertThatExceptionOfType(LlmHttpException.class).isThrownBy(() -> client.chat(request(RequestClass.BATCH)))
				.withMessageContaining("--scheduling-policy priority")
				.withMessageContaining("llm.client.chat.priority-field");
		}
	}

	@Test
	void aServiceTierOrPriorityFieldThatCannotBeSentIsRefusedNamingTheProperty() {
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> ChatSettings.DEFAULTS.withBatchServiceTier("Flex tier"))
			.withMessageContaining("batch.service-tier");
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> ChatSettings.DEFAULTS.withPriorityField("model"))
			.withMessageContaining("chat.priority-field");
		assertThat(ChatSettings.DEFAULTS.withBatchServiceTier("ultrafast").batchServiceTier()).isEqualTo("ultrafast");
	}

	private LlmClientBuilder builder() {
		return TestClients.lazy(server.baseUrl() + "/v1")
			.model("m")
			.retry(TestClients::fastBackoff)
			.meterRegistry(this.registry);
	}

	private LlmClientBuilder fallbackClient() {
		return builder().chat((chat) -> chat.withBatchServiceTier("flex").withServiceTierFallback(true));
	}

	private static ChatRequest request(RequestClass requestClass) {
		return ChatRequest.builder().message(ChatMessage.user("Summarise")).requestClass(requestClass).build();
	}

	/** What OpenAI answers a flex request when flex capacity runs out. */
	private static ResponseDefinitionBuilder flexUnavailable() {
		return aResponse().withStatus(429)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"error\":{\"message\":\"Resource unavailable for the flex tier, please retry later.\","
					+ "\"type\":\"invalid_request_error\",\"code\":\"resource_unavailable\"}}");
	}

	private static void refuseOnceThenAnswer(ResponseDefinitionBuilder refusal) {
		refuseOnceThenAnswer(refusal, okJson(CannedBodies.contentOnly("ok")));
	}

	private static void refuseOnceThenAnswer(ResponseDefinitionBuilder refusal, ResponseDefinitionBuilder answer) {
		server.stubFor(post(PATH).inScenario("tier")
			.whenScenarioStateIs(Scenario.STARTED)
			.willReturn(refusal)
			.willSetStateTo("refused"));
		server.stubFor(post(PATH).inScenario("tier").whenScenarioStateIs("refused").willReturn(answer));
	}

	private Counter fallbacks() {
		return this.registry.get("llm.client.retries").tag("reason", "service_tier_fallback").counter();
	}

	private static JsonNode onlyBodySent() {
		List<JsonNode> bodies = bodiesSent();
		assertThat(bodies).hasSize(1);
		return bodies.get(0);
	}

	private static List<JsonNode> bodiesSent() {
		return server.findAll(postRequestedFor(urlEqualTo(PATH)))
			.stream()
			.map((request) -> JSON.readTree(request.getBodyAsString()))
			.toList();
	}

}
