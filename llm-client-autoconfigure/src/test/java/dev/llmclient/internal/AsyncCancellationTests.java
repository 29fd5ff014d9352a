package dev.llmclient.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.llmclient.ChatRequest;
import dev.llmclient.ChatResponse;
import dev.llmclient.LlmClient;
import dev.llmclient.LlmClientHealth;
import dev.llmclient.testsupport.LoopbackLlmServer;
import dev.llmclient.testsupport.TestClients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Cancelling the future of {@code chatAsync} stops the call where it is, frees its slot
 * at once, and is neither retried nor held against the server's health.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AsyncCancellationTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final LoopbackLlmServer server = LoopbackLlmServer.start();

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final ExecutorService callers = Executors.newCachedThreadPool();

	private LlmClient client;

	@AfterEach
	void stop() {
		this.callers.shutdownNow();
		this.server.close();
		if (this.client != null) {
			this.client.close();
		}
	}

	private LlmClient client(int maxConcurrent) {
		this.client = TestClients.lazy(this.server.endpoint())
			.limits((limits) -> limits.withMaxConcurrent(maxConcurrent).withMaxWait(Duration.ofSeconds(20)))
			.connection((connection) -> connection.withReadTimeout(Duration.ofSeconds(20)))
			.meterRegistry(this.registry)
			.build();
		return this.client;
	}

	/** Starts an async call that the server receives and holds until released. */
	private CompletableFuture<ChatResponse> callHeldByTheServer(LlmClient client) throws InterruptedException {
		this.server.holdChatCompletions();
		CompletableFuture<ChatResponse> call = client.chatAsync(ChatRequest.of("long answer"));
		assertThat(this.server.awaitHeldChatCompletions(1, Duration.ofSeconds(10))).isTrue();
		return call;
	}

	@Test
	void cancellingACallOnTheWireAbortsItsRequestAndFreesItsSlotAndConnection() throws Exception {
		LlmClient client = client(1);
		CompletableFuture<ChatResponse> call = callHeldByTheServer(client);
		assertThat(client.health().bulkhead().inFlight()).isEqualTo(1);

		assertThat(call.cancel(true)).isTrue();

		// the server still holds the request: only aborting it on the client frees the
		// slot, and
		// the aborted connection is closed rather than returned to the pool
		await().atMost(WAIT).until(() -> client.health().bulkhead().inFlight() == 0);
		assertThat(client.health().pool().leased()).isZero();
		assertThat(client.health().pool().available()).isZero();
		assertThatExceptionOfType(CancellationException.class).isThrownBy(call::join);
		assertThat(this.server.chatRequests()).as("a cancelled call is not retried").isEqualTo(1);
		this.server.releaseChatCompletions();
		assertThat(client.generate("next")).isEqualTo("Hello from loopback");
		assertThat(this.server.chatRequests()).isEqualTo(2);
	}

	@Test
	void cancelledCallIsTimedAsCancelledAndLeavesHealthUp() throws Exception {
		LlmClient client = client(1);
		CompletableFuture<ChatResponse> call = callHeldByTheServer(client);
		call.cancel(true);
		await().atMost(WAIT)
			.until(() -> this.registry.find("gen_ai.client.operation.duration")
				.tag("error.type", "cancelled")
				.timer() != null);

		assertThat(this.registry.get("gen_ai.client.operation.duration").tag("error.type", "cancelled").timer().count())
			.isEqualTo(1);
		assertThat(this.registry.find("llm.client.retries").counter()).isNull();
		LlmClientHealth health = client.health();
		assertThat(health.up()).isTrue();
		assertThat(health.lastError()).isNull();
		assertThat(health.calls().cancelled()).isEqualTo(1);
		assertThat(health.calls().failed()).isZero();
	}

	@Test
	void cancellingACallWaitingForASlotEndsItsWaitWithoutSendingIt() throws Exception {
		LlmClient client = client(1);
		this.server.holdChatCompletions();
		Future<String> holder = this.callers.submit(() -> client.generate("holds the only slot"));
		assertThat(this.server.awaitHeldChatCompletions(1, Duration.ofSeconds(10))).isTrue();
		CompletableFuture<ChatResponse> waiting = client.chatAsync(ChatRequest.of("waits for the slot"));
		await().atMost(WAIT).until(() -> client.health().bulkhead().waiting() == 1);

		waiting.cancel(true);

		await().atMost(WAIT).until(() -> client.health().bulkhead().waiting() == 0);
		assertThat(waiting.isCancelled()).isTrue();
		this.server.releaseChatCompletions();
		assertThat(holder.get(10, TimeUnit.SECONDS)).isEqualTo("Hello from loopback");
		assertThat(this.server.chatRequests()).as("the cancelled call was never sent").isEqualTo(1);
	}

	@Test
	void cancelAfterTheAnswerChangesNothing() throws Exception {
		LlmClient client = client(2);
		CompletableFuture<ChatResponse> call = client.chatAsync(ChatRequest.of("quick"));
		assertThat(call.get(10, TimeUnit.SECONDS).content()).isEqualTo("Hello from loopback");

		assertThat(call.cancel(true)).isFalse();

		assertThat(call.isCancelled()).isFalse();
		assertThat(client.health().calls().succeeded()).isEqualTo(1);
		assertThat(client.health().calls().failed()).isZero();
	}

	@Test
	void cancellationsAtEveryStageLeaveNoSlotConnectionOrInterruptBehind() throws Exception {
		LlmClient client = client(4);
		this.server.delayChatCompletions(Duration.ofMillis(2));
		List<CompletableFuture<ChatResponse>> calls = new ArrayList<>();
		for (int i = 0; i < 300; i++) {
			CompletableFuture<ChatResponse> call = client.chatAsync(ChatRequest.of("p" + i));
			calls.add(call);
			if (i % 3 == 0) {
				call.cancel(true);
			}
			else if (i % 3 == 1) {
				this.callers.execute(() -> {
					LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(3_000_000));
					call.cancel(true);
				});
			}
		}
		await().atMost(WAIT).until(() -> calls.stream().allMatch(CompletableFuture::isDone));
		await().atMost(WAIT)
			.until(() -> client.health().bulkhead().inFlight() == 0 && client.health().pool().leased() == 0);

		// no interrupt meant for a cancelled call reaches another one: calls not
		// cancelled all succeed
		List<CompletableFuture<ChatResponse>> after = new ArrayList<>();
		for (int i = 0; i < 40; i++) {
			after.add(client.chatAsync(ChatRequest.of("after" + i)));
		}
		for (CompletableFuture<ChatResponse> call : after) {
			assertThat(call.get(10, TimeUnit.SECONDS).content()).isEqualTo("Hello from loopback");
		}
		for (CompletableFuture<ChatResponse> call : calls) {
			if (!call.isCancelled()) {
				assertThat(call.join().content()).as("a call nobody cancelled").isEqualTo("Hello from loopback");
			}
		}
	}

	@Test
	void everyCallIsCountedOnceWhetherCancelledBeforeItStartsInFlightOrNotAtAll() {
		LlmClient client = client(2);
		this.server.delayChatCompletions(Duration.ofMillis(5));
		int total = 500;
		List<CompletableFuture<ChatResponse>> calls = new ArrayList<>();
		for (int i = 0; i < total; i++) {
			CompletableFuture<ChatResponse> call = client.chatAsync(ChatRequest.of("p" + i));
			calls.add(call);
			int choice = ThreadLocalRandom.current().nextInt(4);
			if (choice == 0) {
				call.cancel(true); // most likely before it started
			}
			else if (choice == 1) {
				this.callers.execute(() -> {
					// while it waits for a thread or a slot, or on the wire
					LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(50_000_000));
					call.cancel(true);
				});
			}
		}
		await().atMost(Duration.ofSeconds(20)).until(() -> calls.stream().allMatch(Future::isDone));
		long cancelled = calls.stream().filter(Future::isCancelled).count();
		assertThat(cancelled).isBetween(total / 5L, total * 4L / 5);
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(client.health().calls().total()).isEqualTo(total));
		assertThat(this.registry.get("gen_ai.client.operation.duration").tag("error.type", "cancelled").timer().count())
			.isEqualTo(cancelled);
		assertThat(client.health().calls().succeeded()).isEqualTo(total - cancelled);
		assertThat(client.health().bulkhead().waiting()).isZero();
		assertThat(client.health().bulkhead().inFlight()).isZero();
	}

}
