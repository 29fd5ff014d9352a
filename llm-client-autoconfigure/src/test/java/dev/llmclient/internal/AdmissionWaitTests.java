package dev.llmclient.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.llmclient.EndpointSettings;
import dev.llmclient.LlmClient;
import dev.llmclient.testsupport.LoopbackLlmServer;
import dev.llmclient.testsupport.TestClients;
import dev.llmclient.traffic.RateBudget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With an adaptive limit, a call waiting for a budget or an endpoint holds no permit: the
 * limit counts requests at the server, and waiters counted as in flight would let it
 * climb toward {@code max-concurrent} while the server sees few requests.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AdmissionWaitTests {

	private final LoopbackLlmServer server = LoopbackLlmServer.start();

	private final ExecutorService callers = Executors.newCachedThreadPool();

	@AfterEach
	void stop() {
		this.callers.shutdownNow();
		this.server.close();
	}

	@Test
	void callsWaitingForABudgetHoldNoAdaptivePermit() {
		GatedBudget requests = new GatedBudget();
		try (LlmClient client = TestClients.lazy(this.server.endpoint())
			.adaptive((adaptive) -> adaptive.withEnabled(true).withMinConcurrent(4))
			.limits((limits) -> limits.withMaxConcurrent(4))
			.requestBudget((configured) -> requests)
			.build()) {
			List<CompletableFuture<String>> calls = new ArrayList<>();
			for (int i = 0; i < 3; i++) {
				int call = i;
				calls.add(CompletableFuture.supplyAsync(() -> client.generate("waits " + call), this.callers));
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> requests.waiting.get() == 3);
			assertThat(client.health().bulkhead().inFlight()).as("permits held while waiting for the budget").isZero();
			requests.open.countDown();
			calls.forEach((call) -> assertThat(call.join()).isEqualTo("Hello from loopback"));
			assertThat(client.health().bulkhead().inFlight()).isZero();
		}
	}

	/**
	 * With several endpoints the adaptive limits are the endpoints' own, taken by each
	 * attempt as it is routed: a call waiting for an endpoint holds none of them, only
	 * its place in the client-wide limit, fixed at {@code max-concurrent}.
	 */
	@Test
	void callsWaitingForAnEndpointHoldNoPermitOfAnEndpointsAdaptiveLimit() throws Exception {
		// two endpoints on the same server, one call each at most
		try (LlmClient client = TestClients.builder()
			.endpoints(List.of(EndpointSettings.of(this.server.endpoint()).withMaxConcurrent(1),
					EndpointSettings.of(this.server.endpoint().replace("127.0.0.1", "localhost")).withMaxConcurrent(1)))
			.lifecycle((lifecycle) -> lifecycle.withEagerInit(false))
			.adaptive((adaptive) -> adaptive.withEnabled(true).withMinConcurrent(4))
			.limits((limits) -> limits.withMaxConcurrent(4))
			.build()) {
			this.server.holdChatCompletions();
			List<CompletableFuture<String>> calls = new ArrayList<>();
			for (int i = 0; i < 2; i++) {
				int call = i;
				calls.add(CompletableFuture.supplyAsync(() -> client.generate("on the wire " + call), this.callers));
			}
			assertThat(this.server.awaitHeldChatCompletions(2, Duration.ofSeconds(10))).isTrue();
			List<Thread> waiting = new CopyOnWriteArrayList<>();
			for (int i = 0; i < 2; i++) {
				int call = i;
				calls.add(CompletableFuture.supplyAsync(() -> {
					waiting.add(Thread.currentThread());
					return client.generate("waits for an endpoint " + call);
				}, this.callers));
			}
			await().atMost(Duration.ofSeconds(10))
				.until(() -> waiting.size() == 2 && waiting.stream().allMatch(EndpointWaitTests::waitsForAnEndpoint));
			assertThat(client.health().endpoints()).allSatisfy((endpoint) -> {
				assertThat(endpoint.health().bulkhead().inFlight()).as("endpoint permits: the call on the wire")
					.isEqualTo(1);
				assertThat(endpoint.health().bulkhead().limit()).isEqualTo(1);
			});
			assertThat(client.health().bulkhead().limit()).as("client-wide limit: fixed, caps the sum").isEqualTo(4);
			this.server.releaseChatCompletions();
			calls.forEach((call) -> assertThat(call.join()).isEqualTo("Hello from loopback"));
			assertThat(client.health().bulkhead().inFlight()).isZero();
		}
	}

	/** A budget that lets nothing through at once, and everything once opened. */
	private static final class GatedBudget implements RateBudget {

		final CountDownLatch open = new CountDownLatch(1);

		final AtomicInteger waiting = new AtomicInteger();

		@Override
		public boolean tryTake(long amount, Duration wait) throws InterruptedException {
			if (wait.isZero()) {
				return this.open.getCount() == 0;
			}
			this.waiting.incrementAndGet();
			return this.open.await(wait.toNanos(), TimeUnit.NANOSECONDS);
		}

		@Override
		public void charge(long amount) {
		}

		@Override
		public void refund(long amount) {
		}

		@Override
		public long available() {
			return (this.open.getCount() == 0) ? Long.MAX_VALUE : 0;
		}

		@Override
		public long limit() {
			return 100;
		}

	}

}
