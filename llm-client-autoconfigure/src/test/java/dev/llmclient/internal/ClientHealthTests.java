package dev.llmclient.internal;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.llmclient.LlmClient;
import dev.llmclient.LlmClientBuilder;
import dev.llmclient.LlmClientHealth;
import dev.llmclient.LlmClientSettingException;
import dev.llmclient.LlmConnectionException;
import dev.llmclient.LlmHttpException;
import dev.llmclient.testsupport.CannedBodies;
import dev.llmclient.testsupport.TestClients;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class ClientHealthTests {

	private static final String ANSWER = CannedBodies.contentOnly("Hi");

	private static final String API_KEY = "sk-health-secret-42";

	private static final Duration PROBE_TTL = Duration.ofSeconds(10);

	/** The probe's clock, moved by the tests instead of sleeping through its TTL. */
	private final AtomicLong nanoClock = new AtomicLong();

	private WireMockServer server = start(0);

	private LlmClient client;

	@AfterEach
	void stop() {
		if (this.client != null) {
			this.client.close();
		}
		this.server.stop();
	}

	private static WireMockServer start(int port) {
		WireMockServer server = new WireMockServer(wireMockConfig().port(port).bindAddress("127.0.0.1"));
		server.start();
		return server;
	}

	private LlmClientBuilder builder(int port) {
		return TestClients.lazy("http://127.0.0.1:" + port + "/v1")
			.apiKey(API_KEY)
			.model("m")
			.retry((retry) -> retry.withEnabled(false));
	}

	@Test
	void endpointThatDiesIsDownAfterTheConfiguredFailuresAndUpOnceItAnswersAgain() {
		int port = this.server.port();
		this.server.stubFor(post("/v1/chat/completions").willReturn(okJson(ANSWER)));
		this.client = builder(port).health((health) -> health.withDownAfterFailures(3)).build();
		this.client.generate("Hi");
		assertThat(this.client.health().up()).isTrue();

		this.server.stop();
		for (int i = 1; i <= 3; i++) {
			assertThatExceptionOfType(LlmConnectionException.class).isThrownBy(() -> this.client.generate("Hi"));
			assertThat(this.client.health().up()).as("after %d failures", i).isEqualTo(i < 3);
		}
		LlmClientHealth down = this.client.health();
		assertThat(down.reason()).isEqualTo("the last 3 calls failed on the server's side");
		assertThat(down.lastError().type()).isEqualTo("io");
		assertThat(down.lastError().exception()).isEqualTo("LlmConnectionException");
		assertThat(down.calls()).isEqualTo(new LlmClientHealth.Calls(4, 1, 3));

		this.server = start(port);
		this.server.stubFor(post("/v1/chat/completions").willReturn(okJson(ANSWER)));
		this.client.generate("Hi");
		LlmClientHealth up = this.client.health();
		assertThat(up.up()).isTrue();
		assertThat(up.reason()).isNull();
		assertThat(up.calls()).isEqualTo(new LlmClientHealth.Calls(5, 2, 3));
	}

	@Test
	void serverErrorsInARowMakeItDownWithTheDefaultOfFive() {
		this.server.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(503)));
		this.client = builder(this.server.port()).build();
		for (int i = 0; i < 4; i++) {
			assertThatExceptionOfType(LlmHttpException.class).isThrownBy(() -> this.client.generate("Hi"));
		}
		assertThat(this.client.health().up()).isTrue();
		assertThatExceptionOfType(LlmHttpException.class).isThrownBy(() -> this.client.generate("Hi"));
		assertThat(this.client.health().up()).isFalse();
	}

	@Test
	void requestErrorsNeverMakeItDown() {
		this.server.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(400)));
		this.client = builder(this.server.port()).build();
		for (int i = 0; i < 10; i++) {
			assertThatExceptionOfType(LlmHttpException.class).isThrownBy(() -> this.client.generate("Hi"));
		}
		assertThat(this.client.health().up()).isTrue();
		assertThat(this.client.health().lastError().message()).contains("400").doesNotContain(API_KEY);
	}

	@Test
	void oneRefusedKeyMakesItDownSayingToCheckTheKeyUntilACallSucceeds() {
		this.server.stubFor(post("/v1/chat/completions").inScenario("key")
			.whenScenarioStateIs(STARTED)
			.willReturn(aResponse().withStatus(401)
				.withHeader("Content-Type", "application/json")
				.withBody("{\"error\":{\"message\":\"Incorrect API key provided: " + API_KEY
						+ "\",\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}"))
			.willSetStateTo("fixed"));
		this.server.stubFor(
				post("/v1/chat/completions").inScenario("key").whenScenarioStateIs("fixed").willReturn(okJson(ANSWER)));
		this.client = builder(this.server.port()).build();
		assertThatExceptionOfType(LlmHttpException.class).isThrownBy(() -> this.client.generate("Hi"));
		LlmClientHealth down = this.client.health();
		assertThat(down.up()).isFalse();
		assertThat(down.reason()).contains("refused the client's credentials", "Check llm.client.api-key")
			.doesNotContain(API_KEY);
		assertThat(down.lastError().message()).contains("HTTP 401", "Check llm.client.api-key").doesNotContain(API_KEY);
		this.client.generate("Hi");
		assertThat(this.client.health().up()).isTrue();
	}

	@Test
	void healthMakesNoRequestWithoutTheProbe() {
		this.client = builder(this.server.port()).build();
		LlmClientHealth health = this.client.health();
		assertThat(health.up()).isTrue();
		assertThat(health.endpoint()).isEqualTo("http://127.0.0.1:" + this.server.port() + "/v1");
		assertThat(health.model()).isEqualTo("m");
		assertThat(health.pool().max()).isEqualTo(10);
		assertThat(health.bulkhead()).isEqualTo(new LlmClientHealth.Bulkhead(10, 10, 0, 0, Map.of("interactive",
				new LlmClientHealth.ClassShare(0, 0, 1.0), "batch", new LlmClientHealth.ClassShare(0, 0, 1.0))));
		assertThat(health.latency()).isEqualTo(new LlmClientHealth.Latency(0, 1000, 0, 0, 0, 0));
		assertThat(this.server.getAllServeEvents()).isEmpty();
	}

	@Test
	void probeFindsADeadEndpointDownBeforeAnyCall() throws IOException {
		int closedPort = closedPort();
		this.client = builder(closedPort).health((health) -> health.withProbeEnabled(true)).build();
		LlmClientHealth health = this.client.health();
		assertThat(health.up()).isFalse();
		assertThat(health.reason()).startsWith("GET http://127.0.0.1:" + closedPort + "/v1/models got no answer")
			.contains("Could not connect");
		assertThat(health.calls().total()).isZero();
	}

	@Test
	void probeCountsAnyHttpAnswerAsReachableAndSendsTheKey() {
		this.client = builder(this.server.port()).health((health) -> health.withProbeEnabled(true)).build();
		assertThat(this.client.health().up()).isTrue();
		this.server.verify(1,
				getRequestedFor(urlEqualTo("/v1/models")).withHeader("Authorization", equalTo("Bearer " + API_KEY)));
	}

	@Test
	void probeAnsweredUnauthorizedIsDownSayingTheKeyWasRejected() {
		this.server.stubFor(get("/v1/models").willReturn(aResponse().withStatus(401)));
		this.client = builder(this.server.port()).health((health) -> health.withProbeEnabled(true)).build();
		LlmClientHealth health = this.client.health();
		assertThat(health.up()).isFalse();
		assertThat(health.reason()).isEqualTo("GET http://127.0.0.1:" + this.server.port() + "/v1/models answered "
				+ "HTTP 401: the server rejected the key in llm.client.api-key. Check llm.client.api-key: every call "
				+ "will fail the same way");
	}

	@Test
	void probeWithoutAKeySendsNone() {
		this.client = TestClients.builder()
			.endpoint("http://127.0.0.1:" + this.server.port() + "/v1")
			.lifecycle((lifecycle) -> lifecycle.withEagerInit(false))
			.health((health) -> health.withProbeEnabled(true))
			.build();
		assertThat(this.client.health().up()).isTrue();
		this.server.verify(1, getRequestedFor(urlEqualTo("/v1/models")).withHeader("Authorization", absent()));
	}

	@Test
	void probeVerdictIsReusedWithinItsTtl() {
		this.server.stubFor(get("/v1/models").willReturn(okJson("{\"data\":[]}")));
		this.client = builder(this.server.port())
			.health((health) -> health.withProbeEnabled(true).withProbeTtl(Duration.ofMinutes(10)))
			.build();
		for (int i = 0; i < 5; i++) {
			assertThat(this.client.health().up()).isTrue();
		}
		this.server.verify(1, getRequestedFor(urlEqualTo("/v1/models")));
	}

	@Test
	void probeRunsAgainOnceItsTtlHasPassed() {
		this.server.stubFor(get("/v1/models").willReturn(okJson("{\"data\":[]}")));
		this.client = DefaultLlmClient.create(
				builder(this.server.port()).health((health) -> health.withProbeEnabled(true).withProbeTtl(PROBE_TTL)),
				null, this.nanoClock::get);
		this.client.health();
		this.nanoClock.addAndGet(PROBE_TTL.toNanos() - 1);
		this.client.health();
		this.server.verify(1, getRequestedFor(urlEqualTo("/v1/models")));
		this.nanoClock.incrementAndGet();
		this.client.health();
		this.server.verify(2, getRequestedFor(urlEqualTo("/v1/models")));
	}

	@Test
	void probeNoticesTheEndpointComingBack() {
		int port = this.server.port();
		this.server.stop();
		this.client = DefaultLlmClient.create(
				builder(port).health((health) -> health.withProbeEnabled(true).withProbeTtl(PROBE_TTL)), null,
				this.nanoClock::get);
		assertThat(this.client.health().up()).isFalse();
		this.server = start(port);
		this.nanoClock.addAndGet(PROBE_TTL.toNanos());
		assertThat(this.client.health().up()).isTrue();
	}

	@Test
	void invalidHealthSettingsAreRejectedNamingTheSetting() {
		assertThatExceptionOfType(LlmClientSettingException.class)
			.isThrownBy(() -> builder(1).health((health) -> health.withDownAfterFailures(0)).settings())
			.withMessageContaining("health.down-after-failures");
		assertThatExceptionOfType(LlmClientSettingException.class)
			.isThrownBy(() -> builder(1).health((health) -> health.withProbeTtl(Duration.ZERO)).settings())
			.withMessageContaining("health.probe.ttl");
	}

	private static int closedPort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
