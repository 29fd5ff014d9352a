package dev.llmclient.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.llmclient.EndpointSettings;
import dev.llmclient.LlmClient;
import dev.llmclient.LlmClientBuilder;
import dev.llmclient.testsupport.RawHttpServer;
import dev.llmclient.testsupport.TestClients;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The requests eager initialisation sends to warm the code path
 * ({@code warm-up.requests}): that many {@code GET /models} once the connections are
 * open, never a POST, for every endpoint; any HTTP answer will do, and neither a failure
 * nor {@code warm-up.timeout} fails start-up. That they are not observed nor recorded is
 * in {@link WarmUpTests}.
 */
@ExtendWith(OutputCaptureExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WarmUpRequestsTests {

	private static final byte[] MODELS = "{\"object\":\"list\",\"data\":[{\"id\":\"m\",\"object\":\"model\"}]}"
		.getBytes(StandardCharsets.UTF_8);

	/** The connections eager initialisation opens by default, each with a GET /models. */
	private static final int CONNECTIONS = 2;

	/** Every request the servers received, as {@code METHOD path}. */
	private final List<String> requests = new CopyOnWriteArrayList<>();

	/** Held by a server that stalls, released when the test ends. */
	private final CountDownLatch release = new CountDownLatch(1);

	private final List<RawHttpServer> servers = new ArrayList<>();

	@AfterEach
	void stopServers() {
		this.release.countDown();
		this.servers.forEach(RawHttpServer::close);
	}

	@Test
	void sendsTheConfiguredNumberOfGetModelsOnTheWarmConnectionsAndNoPost(CapturedOutput output) throws IOException {
		RawHttpServer server = server(this::answerModels);
		try (LlmClient client = builder(server).warmUp((warmUp) -> warmUp.withRequests(25)).build()) {
			assertThat(this.requests).hasSize(CONNECTIONS + 25).containsOnly("GET /v1/models");
			assertThat(server.connections()).isEqualTo(CONNECTIONS);
			assertThat(client.health().pool().available()).isEqualTo(CONNECTIONS);
		}
		assertThat(output).contains("then sent 25 warm-up requests in");
	}

	@Test
	void noneAreSentByDefaultBeyondTheConnections(CapturedOutput output) throws IOException {
		RawHttpServer server = server(this::answerModels);
		try (LlmClient client = builder(server).build()) {
			assertThat(this.requests).hasSize(CONNECTIONS);
		}
		assertThat(output).contains("warm-up: opened 2 connections").doesNotContain("warm-up request");
	}

	@Test
	void anyHttpAnswerWarmsThePathAndTheClientStartsHealthy() throws IOException {
		RawHttpServer server = server((exchange) -> {
			this.requests.add(exchange.method() + " " + exchange.path());
			exchange.respond(404, "application/json", "{\"error\":{\"message\":\"no such route\"}}");
			return true;
		});
		try (LlmClient client = builder(server).warmUp((warmUp) -> warmUp.withRequests(10)).build()) {
			assertThat(this.requests).hasSize(CONNECTIONS + 10).containsOnly("GET /v1/models");
			assertThat(client.health().up()).isTrue();
			assertThat(client.health().calls().total()).isZero();
		}
	}

	@Test
	void everyEndpointGetsItsOwnRequests() throws IOException {
		List<String> first = new CopyOnWriteArrayList<>();
		List<String> second = new CopyOnWriteArrayList<>();
		RawHttpServer one = server((exchange) -> answerModels(exchange, first));
		RawHttpServer two = server((exchange) -> answerModels(exchange, second));
		try (LlmClient client = TestClients.builder()
			.endpoints(List.of(EndpointSettings.of(one.baseUrl() + "/v1"), EndpointSettings.of(two.baseUrl() + "/v1")))
			.model("m")
			.warmUp((warmUp) -> warmUp.withRequests(7))
			.build()) {
			assertThat(first).hasSize(CONNECTIONS + 7).containsOnly("GET /v1/models");
			assertThat(second).hasSize(CONNECTIONS + 7).containsOnly("GET /v1/models");
		}
	}

	@Test
	void aFailedRequestEndsThemWithALogLineAndStartUpGoesOnEvenWithFailFast(CapturedOutput output) throws IOException {
		RawHttpServer server = server((exchange) -> {
			if (exchange.requestNumber() > CONNECTIONS + 3) {
				exchange.reset();
				return false;
			}
			return answerModels(exchange);
		});
		try (LlmClient client = builder(server).warmUp((warmUp) -> warmUp.withRequests(10).withFailFast(true))
			.build()) {
			assertThat(this.requests).hasSize(CONNECTIONS + 3);
			assertThat(client.health().up()).isTrue();
		}
		assertThat(output).contains("then sent 3 of 10 warm-up requests in").doesNotContain("WARN");
	}

	@Test
	void warmUpTimeoutEndsTheRequestInFlight(CapturedOutput output) throws IOException {
		RawHttpServer server = server((exchange) -> {
			if (exchange.requestNumber() > CONNECTIONS + 1) {
				this.release.await();
				return false;
			}
			return answerModels(exchange);
		});
		try (LlmClient client = builder(server)
			.warmUp((warmUp) -> warmUp.withRequests(10).withTimeout(Duration.ofSeconds(2)))
			.build()) {
			assertThat(client.health().up()).isTrue();
		}
		assertThat(output).contains("then sent 1 of 10 warm-up requests in",
				"no answer to GET /models within llm.client.warm-up.timeout=PT2S");
	}

	@Test
	void aServerFarAwayGetsFewerThanConfigured(CapturedOutput output) throws IOException {
		RawHttpServer server = server((exchange) -> {
			if (exchange.requestNumber() > CONNECTIONS) {
				// a server 300 ms away: the first call's few milliseconds would not show
				this.release.await(300, TimeUnit.MILLISECONDS);
			}
			return answerModels(exchange);
		});
		try (LlmClient client = builder(server).warmUp((warmUp) -> warmUp.withRequests(50)).build()) {
			assertThat(this.requests).hasSizeLessThan(CONNECTIONS + 10);
		}
		assertThat(output).contains("of 50 warm-up requests in",
				"(stopped: against a server this far away the first call gains nothing from more)");
	}

	private LlmClientBuilder builder(RawHttpServer server) {
		return TestClients.builder().endpoint(server.baseUrl() + "/v1").model("m");
	}

	private RawHttpServer server(RawHttpServer.Handler handler) throws IOException {
		RawHttpServer server = new RawHttpServer(handler);
		this.servers.add(server);
		return server;
	}

	private boolean answerModels(RawHttpServer.Exchange exchange) throws IOException {
		return answerModels(exchange, this.requests);
	}

	private static boolean answerModels(RawHttpServer.Exchange exchange, List<String> requests) throws IOException {
		requests.add(exchange.method() + " " + exchange.path());
		exchange.respond(200, "application/json", MODELS);
		return true;
	}

}
