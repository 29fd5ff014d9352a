package dev.llmclient.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.llmclient.ChatRequest;
import dev.llmclient.ChatResponse;
import dev.llmclient.LlmClient;
import dev.llmclient.LlmClientBuilder;
import dev.llmclient.LlmRateLimitedException;
import dev.llmclient.LlmClusterUnavailableException;
import dev.llmclient.batch.BatchResult;
import dev.llmclient.batch.LlmBatchService;
import dev.llmclient.testsupport.LimitedChatServer;
import dev.llmclient.testsupport.RedisServerProcess;
import dev.llmclient.testsupport.TestClients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Three clients, as three application instances would hold, sharing limits through one
 * real Redis, against one loopback server that records what it sees.
 */
class ClusterClientTests {

	private static final ClusterSettings SETTINGS = ClusterSettings.DEFAULTS.withLeaseTtl(Duration.ofSeconds(1))
		.withCommandTimeout(Duration.ofSeconds(1));

	private static RedisServerProcess redis;

	@BeforeAll
	static void startRedis() {
		redis = RedisServerProcess.start();
	}

	@AfterAll
	static void stopRedis() {
		redis.close();
	}

	@Test
	void threeInstancesOfEightConcurrentAcrossTheClusterRunTheirBatches() throws Exception {
		try (LimitedChatServer server = new LimitedChatServer().latency(Duration.ofMillis(5));
				RedisFixture fixture = new RedisFixture(redis)) {
			List<LlmClient> clients = clients(fixture, server, SETTINGS.withMaxConcurrent(8), Duration.ofMinutes(1),
					(builder) -> builder
						.limits((limits) -> limits.withMaxConcurrent(16).withMaxWait(Duration.ofSeconds(30))));
			List<BatchResult> results = runBatches(clients, 200);
			assertThat(results).allSatisfy((result) -> assertThat(result.succeeded()).isEqualTo(200));
			assertThat(server.answered()).isEqualTo(600);
			assertThat(server.maxServed()).isLessThanOrEqualTo(8);
			clients.forEach(LlmClient::close);
		}
	}

	@Test
	void batchCallsOfTwoInstancesHoldAtMostTheirShareOfTheClusterLimit() throws Exception {
		try (LimitedChatServer server = new LimitedChatServer().latency(Duration.ofMillis(20));
				RedisFixture fixture = new RedisFixture(redis)) {
			List<LlmClient> clients = new ArrayList<>();
			for (int i = 0; i < 2; i++) {
				LlmClientBuilder builder = builder(server).limits((
						limits) -> limits.withMaxConcurrent(8).withBatchShare(0.5).withMaxWait(Duration.ofSeconds(30)));
				ClusterLimits instance = fixture.instance(SETTINGS.withMaxConcurrent(8), builder.settings(),
						Duration.ofMinutes(1), null);
				instance.applyTo(builder);
				clients.add(builder.build());
				assertThat(instance.details()).containsEntry("batchMaxConcurrent", 4);
			}
			ExecutorService runner = Executors.newFixedThreadPool(2);
			try {
				List<Future<BatchResult>> batches = new ArrayList<>();
				for (LlmClient client : clients) {
					batches.add(runner.submit(() -> new LlmBatchService(client, 8, null).generateAll(prompts(100))));
				}
				await().atMost(Duration.ofSeconds(30)).until(() -> server.answered() >= 20);
				// interactive calls of both instances meanwhile take the rest of the
				// cluster's limit
				List<Future<ChatResponse>> chats = new ArrayList<>();
				ExecutorService chatters = Executors.newFixedThreadPool(4);
				try {
					for (int i = 0; i < 4; i++) {
						LlmClient client = clients.get(i % 2);
						chats.add(chatters.submit(() -> client.chat(ChatRequest.of("now"))));
					}
					for (Future<ChatResponse> chat : chats) {
						assertThat(chat.get(30, TimeUnit.SECONDS).content()).isNotNull();
					}
				}
				finally {
					chatters.shutdownNow();
				}
				for (Future<BatchResult> batch : batches) {
					assertThat(batch.get(60, TimeUnit.SECONDS).succeeded()).isEqualTo(100);
				}
			}
			finally {
				runner.shutdownNow();
			}
			assertThat(server.maxServed()).as("the cluster's limit of 8").isLessThanOrEqualTo(8);
			server.resetMaxServed();
			runBatches(clients, 60);
			assertThat(server.maxServed()).as("batch-share 0.5 of the cluster's 8, across both instances")
				.isLessThanOrEqualTo(4);
			clients.forEach(LlmClient::close);
		}
	}

	@Test
	void threeInstancesSharingSixtyRequestsPerPeriodNeverSendMore() throws Exception {
		// a minute scaled to 6 s: 60 requests one tenth of a second apart, so that the
		// scheduling jitter of a busy test machine stays small beside the spacing
		Duration period = Duration.ofSeconds(6);
		try (LimitedChatServer server = new LimitedChatServer(); RedisFixture fixture = new RedisFixture(redis)) {
			List<LlmClient> clients = clients(fixture, server,
					SETTINGS.withKey("shared-budget").withRequestsPerMinute(60L), period, (builder) -> builder
						.limits((limits) -> limits.withMaxConcurrent(4).withMaxWait(Duration.ofSeconds(30))));
			List<BatchResult> results = runBatches(clients, 25);
			assertThat(results).allSatisfy((result) -> assertThat(result.succeeded()).isEqualTo(25));
			assertThat(server.maxInAnyWindow(period)).isLessThanOrEqualTo(60);
			clients.forEach(LlmClient::close);
		}
	}

	@Test
	void redisStoppedMidRunLosesNothingUnderLocalLimitsAndResumes() throws Exception {
		try (RedisServerProcess own = RedisServerProcess.start();
				LimitedChatServer server = new LimitedChatServer().latency(Duration.ofMillis(20));
				RedisFixture fixture = new RedisFixture(own)) {
			List<ClusterLimits> limits = new ArrayList<>();
			List<LlmClient> clients = new ArrayList<>();
			for (int i = 0; i < 3; i++) {
				ClusterLimits instance = fixture.instance(SETTINGS.withMaxConcurrent(4), builder(server).settings(),
						Duration.ofMinutes(1), null);
				limits.add(instance);
				LlmClientBuilder builder = builder(server).limits((l) -> l.withMaxConcurrent(3));
				instance.applyTo(builder);
				clients.add(builder.build());
			}
			ExecutorService runner = Executors.newFixedThreadPool(3);
			try {
				List<Future<BatchResult>> batches = new ArrayList<>();
				for (LlmClient client : clients) {
					batches.add(runner.submit(() -> new LlmBatchService(client, 3, null).generateAll(prompts(150))));
				}
				await().atMost(Duration.ofSeconds(20)).until(() -> server.answered() >= 60);
				own.stop();
				await().atMost(Duration.ofSeconds(10))
					.until(() -> limits.stream().allMatch((l) -> "degraded".equals(l.details().get("state"))));
				int answeredInOutage = server.answered();
				server.resetMaxServed();
				await().atMost(Duration.ofSeconds(20)).until(() -> server.answered() >= answeredInOutage + 60);
				assertThat(server.maxServed()).as("local limits: 3 instances of 3").isLessThanOrEqualTo(9);
				own.restart();
				await().atMost(Duration.ofSeconds(15))
					.until(() -> limits.stream().allMatch((l) -> "active".equals(l.details().get("state"))));
				server.resetMaxServed();
				for (Future<BatchResult> batch : batches) {
					assertThat(batch.get(60, TimeUnit.SECONDS).succeeded()).isEqualTo(150);
				}
			}
			finally {
				runner.shutdownNow();
			}
			assertThat(server.answered()).isEqualTo(450);
			clients.forEach(LlmClient::close);
		}
	}

	@Test
	void redisStoppedWithRejectFailsCallsFastAndResumes() throws Exception {
		try (RedisServerProcess own = RedisServerProcess.start();
				LimitedChatServer server = new LimitedChatServer();
				RedisFixture fixture = new RedisFixture(own)) {
			ClusterLimits limits = fixture.instance(
					SETTINGS.withMaxConcurrent(2).withOnRedisFailure(ClusterSettings.OnRedisFailure.REJECT),
					builder(server).settings(), Duration.ofMinutes(1), null);
			LlmClientBuilder builder = builder(server);
			limits.applyTo(builder);
			try (LlmClient client = builder.build()) {
				assertThat(client.generate("before")).isNotNull();
				own.stop();
				assertThatExceptionOfType(LlmClusterUnavailableException.class)
					.isThrownBy(() -> client.generate("during"));
				int requests = server.requests();
				assertThatExceptionOfType(LlmClusterUnavailableException.class)
					.isThrownBy(() -> client.generate("during"));
				assertThat(server.requests()).as("nothing sent during the outage").isEqualTo(requests);
				own.restart();
				await().atMost(Duration.ofSeconds(15))
					.ignoreException(LlmClusterUnavailableException.class)
					.untilAsserted(() -> assertThat(client.generate("after")).isNotNull());
			}
		}
	}

	@Test
	void noWaitCallsGoThroughWhileTheClusterBudgetLasts() throws Exception {
		try (LimitedChatServer server = new LimitedChatServer(); RedisFixture fixture = new RedisFixture(redis)) {
			SimpleMeterRegistry registry = new SimpleMeterRegistry();
			LlmClientBuilder builder = builder(server).meterRegistry(registry)
				.limits((limits) -> limits.withMaxWait(Duration.ZERO));
			ClusterLimits limits = fixture.instance(SETTINGS.withKey("no-wait").withRequestsPerMinute(600L),
					builder.settings(), Duration.ofDays(1), null);
			limits.applyTo(builder);
			try (LlmClient client = builder.build()) {
				for (int i = 0; i < 5; i++) {
					assertThat(client.generate("prompt " + i)).isNotNull();
				}
			}
			assertThat(server.answered()).isEqualTo(5);
			assertThat(registry.find("llm.client.throttled").counters()).as("no call waited")
				.allSatisfy((counter) -> assertThat(counter.count()).isZero());
			assertThat(limits.details()).containsEntry("state", "active").containsEntry("requestsRemaining", 5L);
		}
	}

	@Test
	void aCallTheClusterBudgetRefusesNamesTheClusterSetting() throws Exception {
		try (LimitedChatServer server = new LimitedChatServer(); RedisFixture fixture = new RedisFixture(redis)) {
			LlmClientBuilder builder = builder(server).limits((limits) -> limits.withMaxWait(Duration.ZERO));
			ClusterLimits limits = fixture.instance(SETTINGS.withKey("refused").withRequestsPerMinute(600L),
					builder.settings(), Duration.ofDays(1), null);
			limits.applyTo(builder);
			try (LlmClient client = builder.build()) {
				// a burst of 600 / 60 requests, then a day to refill
				for (int i = 0; i < 10; i++) {
					client.generate("prompt " + i);
				}
				assertThatExceptionOfType(LlmRateLimitedException.class).isThrownBy(() -> client.generate("one more"))
					.withMessageContaining("llm.client.cluster.requests-per-minute=600")
					.withMessageNotContaining("rate-limit.requests-per-minute")
					.satisfies((refused) -> assertThat(refused.property())
						.isEqualTo("llm.client.cluster.requests-per-minute"));
			}
		}
	}

	private static LlmClientBuilder builder(LimitedChatServer server) {
		return TestClients.lazy(server.endpoint()).model("test-model").retry(TestClients::fastBackoff);
	}

	private static List<LlmClient> clients(RedisFixture fixture, LimitedChatServer server, ClusterSettings settings,
			Duration period, java.util.function.UnaryOperator<LlmClientBuilder> local) {
		List<LlmClient> clients = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			LlmClientBuilder builder = local.apply(builder(server));
			fixture.instance(settings, builder.settings(), period, null).applyTo(builder);
			clients.add(builder.build());
		}
		return clients;
	}

	private static List<BatchResult> runBatches(List<LlmClient> clients, int size) throws Exception {
		ExecutorService runner = Executors.newFixedThreadPool(clients.size());
		try {
			List<Future<BatchResult>> batches = new ArrayList<>();
			for (LlmClient client : clients) {
				batches.add(runner.submit(() -> new LlmBatchService(client, 16, null).generateAll(prompts(size))));
			}
			List<BatchResult> results = new ArrayList<>();
			for (Future<BatchResult> batch : batches) {
				results.add(batch.get(90, TimeUnit.SECONDS));
			}
			return results;
		}
		finally {
			runner.shutdownNow();
		}
	}

	private static List<String> prompts(int count) {
		return IntStream.range(0, count).mapToObj((i) -> "prompt " + i).toList();
	}

}
