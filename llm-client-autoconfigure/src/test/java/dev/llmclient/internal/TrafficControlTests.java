package dev.llmclient.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import dev.llmclient.ChatRequest;
import dev.llmclient.LlmBulkheadFullException;
import dev.llmclient.LlmClient;
import dev.llmclient.LlmClientException;
import dev.llmclient.LlmHttpException;
import dev.llmclient.LlmRateLimitedException;
import dev.llmclient.batch.BatchItem;
import dev.llmclient.batch.BatchResult;
import dev.llmclient.batch.LlmBatchService;
import dev.llmclient.testsupport.CountingChatServer;
import dev.llmclient.testsupport.LimitedChatServer;
import dev.llmclient.testsupport.TestClients;
import dev.llmclient.traffic.RateBudget;
import dev.llmclient.internal.limits.ServerPacing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Traffic control against loopback servers that enforce limits the client is not told:
 * adaptive concurrency, budgets, pacing by the server's headers, and permits given back
 * after every way a call can end.
 */
class TrafficControlTests {

	private static final int CAP = 8;

	private static final int PROMPTS = 400;

	@Test
	void adaptiveLimitFindsAHiddenConcurrencyCapWithoutFloodingIt() throws Exception {
		try (LimitedChatServer server = new LimitedChatServer().capacity(CAP).latency(Duration.ofMillis(50));
				LlmClient client = TestClients.lazy(server.endpoint())
					.limits((limits) -> limits.withMaxConcurrent(64))
					.adaptive((adaptive) -> adaptive.withEnabled(true))
					.build()) {
			List<Integer> settled = Collections.synchronizedList(new ArrayList<>());
			BatchResult result = sampleLimitAfter(Duration.ofSeconds(1), client, settled,
					() -> new LlmBatchService(client).generateAll(prompts()));
			double refused = (double) server.refused() / server.requests();
			System.out.printf(
					"Hidden cap %d, max-concurrent 64, %d prompts, adaptive: %d of %d requests refused "
							+ "(%.1f%%), limit after 1s in %s%n",
					CAP, PROMPTS, server.refused(), server.requests(), refused * 100, range(settled));
			assertThat(result.succeeded()).as("items that succeeded").isEqualTo(PROMPTS);
			assertThat(refused).as("fraction of requests refused with 429").isLessThan(0.05);
			assertThat(server.maxServed()).isLessThanOrEqualTo(CAP);
			assertThat(settled).as("adaptive limit after the first second").isNotEmpty().allSatisfy((limit) -> {
				assertThat(limit).isBetween(CAP / 2, CAP + 2);
			});
		}
	}

	@Test
	void fixedLimitAboveAHiddenCapFloodsIt() throws Exception {
		try (LimitedChatServer server = new LimitedChatServer().capacity(CAP).latency(Duration.ofMillis(50));
				LlmClient client = TestClients.lazy(server.endpoint())
					.limits((limits) -> limits.withMaxConcurrent(64))
					.build()) {
			BatchResult result = new LlmBatchService(client).generateAll(prompts());
			double refused = (double) server.refused() / server.requests();
			System.out.printf(
					"Hidden cap %d, max-concurrent 64, %d prompts, fixed: %d of %d requests refused "
							+ "(%.1f%%), %d items lost%n",
					CAP, PROMPTS, server.refused(), server.requests(), refused * 100, result.failed());
			assertThat(refused).as("fraction of requests refused with 429").isGreaterThan(0.2);
		}
	}

	@Test
	void requestBudgetMatchingTheServersNeverGetsA429() throws Exception {
		Duration window = Duration.ofSeconds(2);
		try (LimitedChatServer server = new LimitedChatServer().requestsPer(20, window);
				LlmClient client = TestClients.lazy(server.endpoint())
					.limits((limits) -> limits.withMaxConcurrent(8))
					.requestBudget((configured) -> RateBudget.perPeriod(20, window))
					.build()) {
			BatchResult result = new LlmBatchService(client).generateAll(prompts(45));
			assertThat(result.succeeded()).isEqualTo(45);
			assertThat(server.refused()).as("requests refused with 429").isZero();
			assertThat(server.maxInAnyWindow(window)).as("requests in any 2s window").isLessThanOrEqualTo(20);
		}
	}

	@Test
	void spentBudgetFailsTheCallWithoutSendingItAndNamesTheBudget() throws Exception {
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		try (LimitedChatServer server = new LimitedChatServer();
				LlmClient client = TestClients.lazy(server.endpoint())
					.limits((limits) -> limits.withMaxWait(Duration.ofMillis(100)))
					.rateLimit((rateLimit) -> rateLimit.withRequestsPerMinute(1L))
					.meterRegistry(registry)
					.build()) {
			client.generate("first");
			assertThat(client.health().rateLimit().requestsRemaining()).isZero();
			assertThatExceptionOfType(LlmRateLimitedException.class).isThrownBy(() -> client.generate("second"))
				.isInstanceOf(LlmBulkheadFullException.class)
				.satisfies((ex) -> {
					assertThat(ex.budget()).isEqualTo(LlmRateLimitedException.Budget.REQUESTS);
					assertThat(ex.property()).isEqualTo("llm.client.rate-limit.requests-per-minute");
					assertThat(ex.errorType()).isEqualTo("rate_limited");
					assertThat(ex.isRetryable()).isFalse();
				})
				.withMessageContaining("llm.client.rate-limit.requests-per-minute=1")
				.withMessageContaining("llm.client.max-wait");
			assertThat(server.requests()).as("requests sent").isEqualTo(1);
			assertThat(registry.get("llm.client.throttled").tag("reason", "requests").counter().count()).isOne();
			assertThat(client.health().bulkhead().inFlight()).isZero();
		}
	}

	@Test
	void tokenBudgetReservesTheEstimateAndSettlesWithUsage() throws Exception {
		try (LimitedChatServer server = new LimitedChatServer();
				LlmClient client = TestClients.lazy(server.endpoint())
					.limits((limits) -> limits.withMaxWait(Duration.ofMillis(200)))
					.rateLimit((rateLimit) -> rateLimit.withTokensPerMinute(60_000L))
					.build()) {
			// 400 characters / 4 + max_tokens 50 = 150 reserved; the server reports 3
			// used
			ChatRequest request = ChatRequest.builder().user("x".repeat(400)).maxTokens(50).build();
			long before = client.health().rateLimit().tokensRemaining();
			client.chat(request);
			assertThat(client.health().rateLimit().tokensRemaining()).as("tokens left after settling")
				.isGreaterThanOrEqualTo(before - 3);
			// the next answer used 15 000 tokens: a quarter of a minute's budget is owed
			server.usage(15_000);
			client.chat(request);
			assertThat(client.health().rateLimit().tokensRemaining()).isNegative();
			assertThatExceptionOfType(LlmRateLimitedException.class).isThrownBy(() -> client.chat(request))
				.satisfies((ex) -> assertThat(ex.budget()).isEqualTo(LlmRateLimitedException.Budget.TOKENS))
				.withMessageContaining("llm.client.rate-limit.tokens-per-minute=60000");
			assertThat(server.requests()).isEqualTo(2);
		}
	}

	@Test
	void serverSayingItsRequestBudgetIsSpentHoldsTheNextCallsUntilTheReset() throws Exception {
		try (LimitedChatServer server = new LimitedChatServer().headers((request) -> (request == 1)
				? Map.of("x-ratelimit-remaining-requests", "0", "x-ratelimit-reset-requests", "2s") : Map.of());
				LlmClient client = TestClients.lazy(server.endpoint()).build()) {
			client.generate("first");
			assertThat(client.health().rateLimit().pausedByServer()).isTrue();
			client.generate("second");
			client.generate("third");
			List<Long> arrivals = server.arrivals();
			assertThat(Duration.ofNanos(arrivals.get(1) - arrivals.get(0)))
				.isGreaterThanOrEqualTo(Duration.ofMillis(1900));
			assertThat(server.refused()).isZero();
			assertThat(client.health().rateLimit().pausedByServer()).isFalse();
		}
	}

	@Test
	void retryAfterOnA429PausesTheWholeClient() throws Exception {
		try (LimitedChatServer server = new LimitedChatServer().capacity(0)
			.headers((request) -> Map.of("Retry-After", "1"));
				LlmClient client = TestClients.lazy(server.endpoint())
					.retry((retry) -> retry.withEnabled(false))
					.limits((limits) -> limits.withMaxWait(Duration.ofMillis(200)))
					.build()) {
			assertThatExceptionOfType(LlmHttpException.class).isThrownBy(() -> client.generate("first"))
				.satisfies((ex) -> assertThat(ex.statusCode()).isEqualTo(429));
			assertThat(client.health().rateLimit().pausedByServer()).isTrue();
			assertThatExceptionOfType(LlmRateLimitedException.class).isThrownBy(() -> client.generate("second"))
				.satisfies((ex) -> assertThat(ex.budget()).isEqualTo(LlmRateLimitedException.Budget.SERVER))
				.satisfies((ex) -> assertThat(ex.property()).isNull());
			assertThat(server.requests()).as("the second call was never sent").isEqualTo(1);
		}
	}

	@Test
	void retryAfterOnA429WithTheAdaptiveLimitPausesNoOtherCall() throws Exception {
		try (LimitedChatServer server = new LimitedChatServer().capacity(0)
			.headers((request) -> Map.of("Retry-After", "1"));
				LlmClient client = TestClients.lazy(server.endpoint())
					.retry((retry) -> retry.withEnabled(false))
					.adaptive((adaptive) -> adaptive.withEnabled(true))
					.limits((limits) -> limits.withMaxWait(Duration.ofMillis(200)))
					.build()) {
			assertThatExceptionOfType(LlmHttpException.class).isThrownBy(() -> client.generate("first"))
				.satisfies((ex) -> assertThat(ex.statusCode()).isEqualTo(429));
			assertThat(client.health().rateLimit().pausedByServer()).isFalse();
			assertThatExceptionOfType(LlmHttpException.class).isThrownBy(() -> client.generate("second"))
				.satisfies((ex) -> assertThat(ex.statusCode()).isEqualTo(429));
			assertThat(server.requests()).as("the second call was sent").isEqualTo(2);
		}
	}

	@Test
	void unreadableRateLimitHeadersAreIgnoredWithOneDebugLine() throws Exception {
		Logger logger = (Logger) LoggerFactory.getLogger(ServerPacing.class);
		ListAppender<ILoggingEvent> log = new ListAppender<>();
		Level saved = logger.getLevel();
		logger.setLevel(Level.DEBUG);
		log.start();
		logger.addAppender(log);
		try (LimitedChatServer server = new LimitedChatServer().headers((request) -> (request == 1)
				? Map.of("x-ratelimit-remaining-requests", "0", "x-ratelimit-reset-requests", "soon") : Map.of());
				LlmClient client = TestClients.lazy(server.endpoint())
					.limits((limits) -> limits.withMaxWait(Duration.ZERO))
					.build()) {
			client.generate("first");
			client.generate("second");
			assertThat(client.health().rateLimit().pausedByServer()).isFalse();
			assertThat(log.list).singleElement().satisfies((event) -> {
				assertThat(event.getLevel()).isEqualTo(Level.DEBUG);
				assertThat(event.getFormattedMessage()).contains("x-ratelimit-reset-requests").contains("soon");
			});
		}
		finally {
			logger.detachAppender(log);
			logger.setLevel(saved);
		}
	}

	@Test
	void serversWithoutRateLimitHeadersAreNeverPaused() throws Exception {
		try (LimitedChatServer server = new LimitedChatServer().capacity(1).latency(Duration.ofMillis(20));
				LlmClient client = TestClients.lazy(server.endpoint())
					.limits((limits) -> limits.withMaxConcurrent(4))
					.retry(TestClients::fastBackoff)
					.build()) {
			new LlmBatchService(client).generateAll(prompts(20));
			assertThat(server.refused()).as("429s without headers were sent").isPositive();
			assertThat(client.health().rateLimit().pausedByServer()).isFalse();
		}
	}

	@Test
	void oneBudgetForChatStreamsAndBatches() throws Exception {
		try (LimitedChatServer server = new LimitedChatServer();
				LlmClient client = TestClients.lazy(server.endpoint())
					.limits((limits) -> limits.withMaxWait(Duration.ZERO))
					.rateLimit((rateLimit) -> rateLimit.withRequestsPerMinute(1L))
					.build()) {
			client.stream(ChatRequest.of("first"), (chunk) -> {
			});
			assertThatExceptionOfType(LlmRateLimitedException.class).isThrownBy(() -> client.generate("second"));
			BatchResult batch = new LlmBatchService(client).generateAll(List.of("third"));
			assertThat(batch.items()).singleElement()
				.satisfies((item) -> assertThat(((BatchItem.Failure) item).error())
					.isInstanceOf(LlmRateLimitedException.class));
			assertThat(server.requests()).isEqualTo(1);
		}
	}

	@Test
	void permitsComeBackAfterEveryWayACallEnds() throws Exception {
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		try (CountingChatServer server = new CountingChatServer();
				LlmClient client = TestClients.lazy(server.endpoint())
					.limits((limits) -> limits.withMaxConcurrent(4)
						.withMaxWait(Duration.ofMillis(50))
						.withTimeout(Duration.ofMillis(1500)))
					.connection((connection) -> connection.withReadTimeout(Duration.ofMillis(500)))
					.retry((retry) -> TestClients.fastBackoff(retry).withMaxAttempts(2))
					.adaptive((adaptive) -> adaptive.withEnabled(true).withMinConcurrent(4))
					.rateLimit(
							(rateLimit) -> rateLimit.withRequestsPerMinute(600_000L).withTokensPerMinute(60_000_000L))
					.meterRegistry(registry)
					.build()) {
			for (String prompt : List.of("fail-400", "fail-500", "reset", "malformed", "hold-timeout")) {
				assertThatExceptionOfType(LlmClientException.class).as(prompt)
					.isThrownBy(() -> client.generate(prompt));
			}
			CompletableFuture<?> cancelled = client.chatAsync(ChatRequest.of("hold-cancel"));
			server.awaitHeld(1);
			cancelled.cancel(true);
			assertThatExceptionOfType(RuntimeException.class)
				.isThrownBy(() -> client.stream(ChatRequest.of("x"), (chunk) -> {
					throw new IllegalStateException("consumer gave up");
				}));
			List<CompletableFuture<?>> holding = IntStream.range(0, 4)
				.mapToObj((i) -> client.chatAsync(ChatRequest.of("hold-" + i)))
				.collect(java.util.stream.Collectors.toList());
			server.awaitHeld(4);
			assertThatExceptionOfType(LlmBulkheadFullException.class).isThrownBy(() -> client.generate("full"));
			server.release();
			holding.forEach(CompletableFuture::join);
			await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
				assertThat(client.health().bulkhead().inFlight()).as("permits out").isZero();
				assertThat(registry.get("llm.client.bulkhead.in-flight").gauge().value()).isZero();
			});
			assertThat(client.generate("after")).isEqualTo("echo: after");
		}
	}

	private static BatchResult sampleLimitAfter(Duration delay, LlmClient client, List<Integer> samples,
			java.util.concurrent.Callable<BatchResult> run) throws Exception {
		ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
		try {
			sampler.scheduleAtFixedRate(() -> samples.add(client.health().bulkhead().limit()), delay.toMillis(), 20,
					TimeUnit.MILLISECONDS);
			ExecutorService runner = Executors.newSingleThreadExecutor();
			try {
				Future<BatchResult> result = runner.submit(run);
				return result.get(60, TimeUnit.SECONDS);
			}
			finally {
				runner.shutdownNow();
			}
		}
		finally {
			sampler.shutdownNow();
		}
	}

	private static String range(List<Integer> values) {
		synchronized (values) {
			return values.isEmpty() ? "[]" : "[" + Collections.min(values) + ", " + Collections.max(values) + "] ("
					+ values.size() + " samples)";
		}
	}

	private static List<String> prompts() {
		return prompts(PROMPTS);
	}

	private static List<String> prompts(int count) {
		return IntStream.range(0, count).mapToObj((i) -> "prompt " + i).toList();
	}

}
