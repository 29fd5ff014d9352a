package dev.llmclient.internal;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.llmclient.ChatRequest;
import dev.llmclient.LlmClient;
import dev.llmclient.EndpointSettings;
import dev.llmclient.LlmEndpointsUnavailableException;
import dev.llmclient.testsupport.ReplicaServer;
import dev.llmclient.testsupport.TestClients;
import dev.llmclient.internal.routing.Router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * A call that finds every endpoint at its {@code max-concurrent}, against two replicas on
 * loopback that take one call each and hold its answer: it waits without polling, takes
 * the first place freed, and stops waiting at {@code max-wait} or when cancelled.
 */
class EndpointWaitTests {

	private static final String BUSY = "busy";

	private static final Duration WITHIN = Duration.ofSeconds(5);

	private final List<ReplicaServer> replicas = List.of(ReplicaServer.start(), ReplicaServer.start());

	private LlmClient client;

	@BeforeEach
	void holdReplicas() {
		this.replicas.forEach((replica) -> replica.hold(BUSY));
	}

	@AfterEach
	void stop() {
		this.replicas.forEach(ReplicaServer::close);
		if (this.client != null) {
			this.client.close();
		}
	}

	@Test
	void callFindingEveryEndpointFullSleepsUntilAPlaceIsFreedThenTakesIt() {
		this.client = client(Duration.ofSeconds(30));
		occupyEveryEndpoint();
		AtomicReference<String> answer = new AtomicReference<>();
		Thread waiter = new Thread(() -> answer.set(this.client.generate("waiting")), "waiter");
		waiter.start();
		await().atMost(WITHIN).until(() -> waitsForAnEndpoint(waiter));
		long wakeUps = wakeUps(waiter);
		await("no wake-up while no place is freed").during(Duration.ofMillis(500))
			.atMost(WITHIN)
			.until(() -> wakeUps(waiter) - wakeUps <= 1 && waitsForAnEndpoint(waiter));
		this.replicas.get(0).release(BUSY);
		await().atMost(WITHIN).until(() -> answer.get() != null);
		assertThat(answer.get()).isEqualTo("echo: waiting");
	}

	@Test
	void callFindingEveryEndpointFullFailsAfterMaxWait() {
		this.client = client(Duration.ofMillis(300));
		occupyEveryEndpoint();
		assertThatExceptionOfType(LlmEndpointsUnavailableException.class)
			.isThrownBy(() -> this.client.generate("waiting"))
			.satisfies((ex) -> {
				assertThat(ex.waited()).isEqualTo(Duration.ofMillis(300));
				assertThat(ex.endpoints()).allSatisfy((state) -> {
					assertThat(state.state()).isEqualTo("active");
					assertThat(state.inFlight()).isEqualTo(1);
				});
			});
		assertThat(this.replicas).allSatisfy((replica) -> assertThat(replica.received("waiting")).isZero());
	}

	@Test
	void cancellingACallThatWaitsForAnEndpointEndsItsWaitAtOnce() {
		this.client = client(Duration.ofSeconds(30));
		occupyEveryEndpoint();
		CompletableFuture<?> waiting = this.client.chatAsync(ChatRequest.of("waiting"));
		await().atMost(WITHIN).until(() -> this.client.health().bulkhead().inFlight() == 3);
		waiting.cancel(true);
		await().atMost(Duration.ofSeconds(2)).until(() -> this.client.health().bulkhead().inFlight() == 2);
		assertThat(this.replicas).allSatisfy((replica) -> assertThat(replica.received("waiting")).isZero());
	}

	private LlmClient client(Duration maxWait) {
		return TestClients.builder()
			.endpoints(this.replicas.stream()
				.map((replica) -> EndpointSettings.of(replica.endpoint()).withMaxConcurrent(1))
				.toList())
			.limits((limits) -> limits.withMaxWait(maxWait))
			.retry((retry) -> retry.withEnabled(false))
			.lifecycle((lifecycle) -> lifecycle.withEagerInit(false).withShutdownTimeout(Duration.ZERO))
			.build();
	}

	/** One held call on each replica: each is at its {@code max-concurrent}. */
	private void occupyEveryEndpoint() {
		this.client.chatAsync(ChatRequest.of(BUSY));
		this.client.chatAsync(ChatRequest.of(BUSY));
		await().atMost(WITHIN).until(() -> this.replicas.stream().allMatch((replica) -> replica.received(BUSY) == 1));
	}

	/**
	 * Whether the thread sleeps in the router, waiting for an endpoint to take its call.
	 */
	static boolean waitsForAnEndpoint(Thread thread) {
		Thread.State state = thread.getState();
		return (state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING)
				&& Arrays.stream(thread.getStackTrace())
					.anyMatch((frame) -> frame.getClassName().equals(Router.class.getName()));
	}

	/** How many times the thread has waited or parked: each wake-up of a poll counts. */
	private static long wakeUps(Thread thread) {
		return ManagementFactory.getThreadMXBean().getThreadInfo(thread.getId()).getWaitedCount();
	}

}
