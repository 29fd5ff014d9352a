package dev.llmclient.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.llmclient.EndpointSettings;
import dev.llmclient.LlmClient;
import dev.llmclient.RoutingSettings;
import dev.llmclient.testsupport.RawHttpServer;
import dev.llmclient.testsupport.ReplicaServer;
import dev.llmclient.testsupport.TestClients;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code routing.cooldown-after-failures} against two loopback servers with real sockets:
 * one answers every chat completion 500, the other answers; each call that tries the
 * failing one first fails over to the other.
 */
class CooldownAfterFailuresTests {

	private final AtomicInteger failures = new AtomicInteger();

	private RawHttpServer failing;

	private ReplicaServer answering;

	@BeforeEach
	void startServers() throws IOException {
		this.failing = new RawHttpServer((exchange) -> {
			this.failures.incrementAndGet();
			exchange.respond(500, "application/json", "{\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}");
			return true;
		});
		this.answering = ReplicaServer.start();
	}

	@AfterEach
	void stopServers() {
		this.failing.close();
		this.answering.close();
	}

	@Test
	void anEndpointCoolsDownAfterTheConfiguredNumberOfFailuresInARowAndNotBefore() {
		try (LlmClient client = client(5)) {
			for (int call = 0; call < 20 && this.failures.get() < 5; call++) {
				assertThat(client.generate("p" + call)).isEqualTo("echo: p" + call);
				assertThat(state(client)).as("after %d failures in a row", this.failures.get())
					.isEqualTo((this.failures.get() < 5) ? "active" : "cooling-down");
			}
			assertThat(this.failures).hasValue(5);
			for (int call = 0; call < 10; call++) {
				client.generate("while cooling down");
			}
			assertThat(this.failures).as("no attempt while cooling down").hasValue(5);
			assertThat(state(client)).isEqualTo("cooling-down");
		}
	}

	@Test
	void oneFailureIsEnoughWhenConfiguredSo() {
		try (LlmClient client = client(1)) {
			for (int call = 0; call < 10; call++) {
				client.generate("p" + call);
			}
			assertThat(this.failures).hasValue(1);
			assertThat(state(client)).isEqualTo("cooling-down");
		}
	}

	private LlmClient client(int cooldownAfterFailures) {
		return TestClients.builder()
			.endpoints(List.of(EndpointSettings.of("http://127.0.0.1:" + this.failing.port() + "/v1"),
					EndpointSettings.of(this.answering.endpoint())))
			.routing((routing) -> routing.withStrategy(RoutingSettings.Strategy.ROUND_ROBIN)
				.withCooldown(Duration.ofMinutes(1))
				.withCooldownAfterFailures(cooldownAfterFailures))
			.retry(TestClients::fastBackoff)
			.lifecycle((lifecycle) -> lifecycle.withEagerInit(false))
			.build();
	}

	private static String state(LlmClient client) {
		return client.health().endpoints().get(0).state();
	}

}
