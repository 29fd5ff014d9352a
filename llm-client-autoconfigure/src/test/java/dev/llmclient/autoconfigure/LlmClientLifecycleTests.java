package dev.llmclient.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.SmartLifecycle;

import dev.llmclient.LlmClient;
import dev.llmclient.testsupport.LoopbackLlmServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Eager warm-up, lazy start and drain of the auto-configured client through
 * {@link LlmClientLifecycle}, counted in real TCP connections at a loopback server.
 */
@ExtendWith(OutputCaptureExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LlmClientLifecycleTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private static final int GRACEFUL_SHUTDOWN_PHASE = WebServerApplicationContext.GRACEFUL_SHUTDOWN_PHASE;

	private static final int WEB_SERVER_START_STOP_PHASE = WebServerApplicationContext.START_STOP_LIFECYCLE_PHASE;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RestClientAutoConfiguration.class, LlmClientAutoConfiguration.class));

	private LoopbackLlmServer server;

	private final ExecutorService threads = Executors.newCachedThreadPool();

	@BeforeEach
	void startServer() {
		this.server = LoopbackLlmServer.start();
	}

	@AfterEach
	void stopServer() {
		this.server.close();
		this.threads.shutdownNow();
	}

	@Test
	void eagerInitOpensConnectionsAtStartUpAndTheFirstCallOpensNone(CapturedOutput output) {
		this.contextRunner
			.withPropertyValues("llm.client.endpoint=" + this.server.endpoint(), "llm.client.warm-up.connections=3",
					"llm.client.api-key=sk-never-logged")
			.run((context) -> {
				assertThat(context).hasSingleBean(LlmClientLifecycle.class);
				assertThat(this.server.acceptedConnections()).isEqualTo(3);
				assertThat(this.server.chatRequests()).isZero();
				assertThat(context.getBean(LlmClient.class).generate("Hi")).isEqualTo("Hello from loopback");
				assertThat(this.server.acceptedConnections()).isEqualTo(3);
			});
		assertThat(output).contains("LLM client 'llmClient' warm-up: opened 3 connections to " + this.server.endpoint())
			.doesNotContain("sk-never-logged");
	}

	@Test
	void lazyInitOpensNoConnectionUntilTheFirstCall() {
		this.contextRunner
			.withPropertyValues("llm.client.endpoint=" + this.server.endpoint(), "llm.client.eager-init=false")
			.run((context) -> {
				assertThat(this.server.acceptedConnections()).isZero();
				context.getBean(LlmClient.class).generate("Hi");
				assertThat(this.server.acceptedConnections()).isEqualTo(1);
				assertThat(this.server.modelsRequests()).isZero();
			});
	}

	@Test
	void unreachableEndpointStartsTheApplicationWithAWarningAndHealthDown(CapturedOutput output) {
		String endpoint = LoopbackLlmServer.refusingEndpoint();
		this.contextRunner.withPropertyValues("llm.client.endpoint=" + endpoint).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(LlmClient.class).health().up()).isFalse();
			assertThat(output).contains("WARN").contains("Could not reach llm.client.endpoint=" + endpoint);
		});
	}

	@Test
	void unreachableEndpointWithFailFastStopsStartUpNamingTheEndpointAndTheCause() {
		String endpoint = LoopbackLlmServer.refusingEndpoint();
		this.contextRunner.withPropertyValues("llm.client.endpoint=" + endpoint, "llm.client.warm-up.fail-fast=true")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new LlmClientWarmUpFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("Could not reach llm.client.endpoint=" + endpoint)
					.contains("Connection refused");
				assertThat(analysis.getAction()).contains("llm.client.endpoint", "llm.client.warm-up.fail-fast=false",
						"llm.client.eager-init=false");
			});
	}

	@Test
	void contextCloseLetsACallInFlightFinishAndRefusesCallsAfterIt(CapturedOutput output) {
		this.contextRunner.withPropertyValues("llm.client.endpoint=" + this.server.endpoint()).run((context) -> {
			LlmClient client = context.getBean(LlmClient.class);
			this.server.holdChatCompletions();
			Future<String> inFlight = this.threads.submit(() -> client.generate("slow"));
			assertThat(this.server.awaitHeldChatCompletions(1, WAIT)).isTrue();
			Future<?> closing = this.threads.submit(context::close);
			await().atMost(WAIT).until(() -> output.toString().contains("waiting up to llm.client.shutdown-timeout"));
			assertThatIllegalStateException().isThrownBy(() -> client.generate("late"))
				.withMessageContaining("is closed");
			this.server.releaseChatCompletions();
			assertThat(inFlight.get(10, TimeUnit.SECONDS)).isEqualTo("Hello from loopback");
			closing.get(10, TimeUnit.SECONDS);
			await().atMost(WAIT).until(() -> this.server.openConnections() == 0);
		});
	}

	@Test
	void phaseLiesBetweenTheWebServersStartStopAndGracefulShutdownPhases() {
		assertThat(LlmClientLifecycle.PHASE).isGreaterThan(WEB_SERVER_START_STOP_PHASE)
			.isLessThan(GRACEFUL_SHUTDOWN_PHASE);
	}

	@Test
	void warmsUpAfterTheWebServerStartsAndDrainsAfterItsGracefulShutdownBeforeItStops() {
		List<String> events = new CopyOnWriteArrayList<>();
		this.contextRunner.withPropertyValues("llm.client.endpoint=" + this.server.endpoint())
			.withBean("webServerStartStop", PhaseProbe.class,
					() -> new PhaseProbe("web server", WEB_SERVER_START_STOP_PHASE, this.server, events))
			.withBean("gracefulShutdown", PhaseProbe.class,
					() -> new PhaseProbe("graceful shutdown", GRACEFUL_SHUTDOWN_PHASE, this.server, events))
			.run((context) -> {
				context.getBeansOfType(PhaseProbe.class)
					.values()
					.forEach((probe) -> probe.client = context.getBean(LlmClient.class));
				events.add("ready");
			});
		assertThat(events).containsExactly("web server start: 0 connections", "graceful shutdown start: 2 connections",
				"ready", "graceful shutdown stop: client open", "web server stop: client closed");
	}

	/**
	 * Stands in for one of Spring Boot's web server lifecycles and records what it saw.
	 */
	static final class PhaseProbe implements SmartLifecycle {

		private final String name;

		private final int phase;

		private final LoopbackLlmServer server;

		private final List<String> events;

		private volatile boolean running;

		volatile LlmClient client;

		PhaseProbe(String name, int phase, LoopbackLlmServer server, List<String> events) {
			this.name = name;
			this.phase = phase;
			this.server = server;
			this.events = events;
		}

		@Override
		public void start() {
			this.events.add(this.name + " start: " + this.server.acceptedConnections() + " connections");
			this.running = true;
		}

		@Override
		public void stop() {
			String state;
			try {
				this.client.generate("still open?");
				state = "client open";
			}
			catch (IllegalStateException ex) {
				state = "client closed";
			}
			this.events.add(this.name + " stop: " + state);
			this.running = false;
		}

		@Override
		public boolean isRunning() {
			return this.running;
		}

		@Override
		public int getPhase() {
			return this.phase;
		}

	}

}
