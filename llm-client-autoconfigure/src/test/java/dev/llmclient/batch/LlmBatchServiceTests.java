package dev.llmclient.batch;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.llmclient.ChatRequest;
import dev.llmclient.ChatResponse;
import dev.llmclient.LlmClient;
import dev.llmclient.LlmClientBuilder;
import dev.llmclient.LlmConnectionException;
import dev.llmclient.LlmHttpException;
import dev.llmclient.LlmMalformedResponseException;
import dev.llmclient.LlmTimeoutException;
import dev.llmclient.RequestClass;
import dev.llmclient.testsupport.CountingChatServer;
import dev.llmclient.testsupport.TestClients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LlmBatchServiceTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private CountingChatServer server;

	private final List<LlmClient> clients = new ArrayList<>();

	private ExecutorService callers;

	@BeforeEach
	void startServer() throws IOException {
		this.server = new CountingChatServer();
	}

	@AfterEach
	void stop() throws IOException {
		if (this.callers != null) {
			this.callers.shutdownNow();
		}
		this.server.close();
		this.clients.forEach(LlmClient::close);
	}

	private LlmClientBuilder builder(int maxConcurrent) {
		return TestClients.lazy(this.server.endpoint())
			.limits((limits) -> limits.withMaxConcurrent(maxConcurrent))
			.retry(TestClients::fastBackoff);
	}

	private LlmClient client(LlmClientBuilder builder) {
		LlmClient client = builder.build();
		this.clients.add(client);
		return client;
	}

	private static List<String> prompts(String prefix, int count) {
		return IntStream.range(0, count).mapToObj((i) -> prefix + i).toList();
	}

	private static String text(BatchItem item) {
		assertThat(item).isInstanceOf(BatchItem.Success.class);
		return ((BatchItem.Success) item).response().content();
	}

	private static Throwable error(BatchItem item) {
		assertThat(item).isInstanceOf(BatchItem.Failure.class);
		return ((BatchItem.Failure) item).error();
	}

	@Test
	void batchAnswersEveryPromptInInputOrder() {
		LlmBatchService batch = new LlmBatchService(client(builder(4)));
		List<String> prompts = prompts("p", 50);
		BatchResult result = batch.generateAll(prompts);
		assertThat(result.size()).isEqualTo(50);
		assertThat(result.succeeded()).isEqualTo(50);
		assertThat(result.failed()).isZero();
		assertThat(result.allSucceeded()).isTrue();
		for (int i = 0; i < 50; i++) {
			BatchItem item = result.items().get(i);
			assertThat(item.index()).isEqualTo(i);
			assertThat(item.request().messages().get(0).content()).isEqualTo("p" + i);
			assertThat(text(item)).isEqualTo("echo: p" + i);
		}
		assertThat(result.elapsed()).isPositive();
		assertThat(this.server.requests()).isEqualTo(50);
	}

	@Test
	void batchKeepsOrderAndReportsEachFailure() {
		LlmBatchService batch = new LlmBatchService(client(builder(3).retry((retry) -> retry.withMaxAttempts(2))));
		List<String> prompts = new ArrayList<>();
		for (int round = 0; round < 5; round++) {
			prompts.addAll(List.of("ok-" + round, "fail-400", "fail-500", "malformed", "reset"));
		}
		BatchResult result = batch.generateAll(prompts);
		assertThat(result.size()).isEqualTo(prompts.size());
		assertThat(result.succeeded()).isEqualTo(5);
		assertThat(result.failed()).isEqualTo(20);
		for (int i = 0; i < prompts.size(); i++) {
			BatchItem item = result.items().get(i);
			assertThat(item.index()).isEqualTo(i);
			assertThat(item.request().messages().get(0).content()).isEqualTo(prompts.get(i));
			switch (prompts.get(i)) {
				case "fail-400" -> assertThat(error(item)).isInstanceOfSatisfying(LlmHttpException.class,
						(ex) -> assertThat(ex.statusCode()).isEqualTo(400));
				case "fail-500" -> assertThat(error(item)).isInstanceOfSatisfying(LlmHttpException.class,
						(ex) -> assertThat(ex.statusCode()).isEqualTo(500));
				case "malformed" -> assertThat(error(item)).isInstanceOf(LlmMalformedResponseException.class);
				case "reset" -> assertThat(error(item)).isInstanceOf(LlmConnectionException.class);
				default -> assertThat(text(item)).isEqualTo("echo: " + prompts.get(i));
			}
		}
	}

	@Test
	void inFlightNeverExceedsMaxConcurrentAcrossTwoBatchesAndSingleCallsAndReachesIt() throws Exception {
		int maxConcurrent = 4;
		this.server.gateFirst(maxConcurrent).latency(Duration.ofMillis(2));
		LlmClient client = client(builder(maxConcurrent));
		LlmBatchService batch = new LlmBatchService(client);
		this.callers = Executors.newFixedThreadPool(5);
		Future<BatchResult> first = this.callers.submit(() -> batch.generateAll(prompts("a", 60)));
		Future<BatchResult> second = this.callers.submit(() -> batch.generateAll(prompts("b", 60)));
		List<Future<String>> singles = new ArrayList<>();
		for (int caller = 0; caller < 3; caller++) {
			String name = "s" + caller + "-";
			singles.add(this.callers.submit(() -> {
				StringBuilder answers = new StringBuilder();
				for (int i = 0; i < 15; i++) {
					answers.append(client.generate(name + i)).append(',');
				}
				return answers.toString();
			}));
		}
		List<CompletableFuture<ChatResponse>> asyncCalls = prompts("c", 20).stream()
			.map((prompt) -> client.chatAsync(ChatRequest.of(prompt)))
			.toList();
		assertThat(first.get(30, TimeUnit.SECONDS).succeeded()).isEqualTo(60);
		assertThat(second.get(30, TimeUnit.SECONDS).succeeded()).isEqualTo(60);
		for (Future<String> single : singles) {
			assertThat(single.get(30, TimeUnit.SECONDS).split(",")).hasSize(15);
		}
		for (CompletableFuture<ChatResponse> call : asyncCalls) {
			assertThat(call.get(30, TimeUnit.SECONDS).content()).startsWith("echo: c");
		}
		assertThat(this.server.requests()).isEqualTo(60 + 60 + 45 + 20);
		assertThat(this.server.maxInFlight()).isEqualTo(maxConcurrent);
		assertThat(client.health().bulkhead().inFlight()).isZero();
	}

	@Test
	void batchKeepsAtMostMaxConcurrentItemsOutstandingWhenSetBelowTheClientLimit() {
		this.server.latency(Duration.ofMillis(2));
		LlmBatchService batch = new LlmBatchService(client(builder(8)), 2, null);
		BatchResult result = batch.generateAll(prompts("p", 40));
		assertThat(result.succeeded()).isEqualTo(40);
		assertThat(this.server.maxInFlight()).isLessThanOrEqualTo(2);
		assertThat(batch.maxConcurrent()).isEqualTo(2);
	}

	@Test
	void batchServiceTakesItsLimitFromTheClientUnlessGivenOne() {
		assertThat(new LlmBatchService(client(builder(6))).maxConcurrent()).isEqualTo(6);
		assertThatIllegalArgumentException().isThrownBy(() -> new LlmBatchService(new InstantClient()))
			.withMessageContaining("pass maxConcurrent");
		assertThatIllegalArgumentException().isThrownBy(() -> new LlmBatchService(new InstantClient(), 0, null))
			.withMessageContaining("maxConcurrent must be at least 1");
	}

	@Test
	void deadlineFailsItemsNotStartedAndCancelsThoseInFlight() throws Exception {
		LlmClient client = client(builder(2));
		LlmBatchService batch = new LlmBatchService(client);
		List<String> prompts = List.of("quick", "hold-1", "hold-2", "later-3", "later-4", "later-5");
		BatchResult result = batch.generateAll(prompts, BatchOptions.defaults().withDeadline(Duration.ofMillis(300)));
		assertThat(result.size()).isEqualTo(6);
		assertThat(result.succeeded()).isEqualTo(1);
		assertThat(result.failed()).isEqualTo(5);
		assertThat(text(result.items().get(0))).isEqualTo("echo: quick");
		for (int i = 1; i <= 2; i++) {
			int index = i;
			assertThat(error(result.items().get(i))).isInstanceOfSatisfying(LlmBatchDeadlineException.class, (ex) -> {
				assertThat(ex.started()).isTrue();
				assertThat(ex.kind()).isEqualTo(LlmTimeoutException.Kind.BATCH_DEADLINE);
				assertThat(ex).hasMessageContaining("Batch item " + index + " was cancelled in flight")
					.hasMessageContaining("PT0.3S");
			});
		}
		for (int i = 3; i <= 5; i++) {
			assertThat(error(result.items().get(i))).isInstanceOfSatisfying(LlmBatchDeadlineException.class,
					(ex) -> assertThat(ex.started()).isFalse());
			assertThat(error(result.items().get(i))).hasMessageContaining("was not started");
		}
		assertThat(result.elapsed()).isGreaterThanOrEqualTo(Duration.ofMillis(300)).isLessThan(Duration.ofSeconds(10));
		assertThat(this.server.requests()).isEqualTo(3);
		// cancelling aborts the requests the server still holds: their slots are free
		// before it answers
		awaitNoCallInFlight(client);
		assertThat(client.health().pool().leased()).isZero();
		this.server.release();
		assertThat(this.server.requests()).isEqualTo(3);
	}

	@Test
	void progressIsReportedOnTheCallingThreadOncePerItemInOrder() {
		LlmBatchService batch = new LlmBatchService(client(builder(4)));
		List<int[]> reports = new CopyOnWriteArrayList<>();
		List<Thread> reportingThreads = new CopyOnWriteArrayList<>();
		BatchResult result = batch.generateAll(prompts("p", 30), BatchOptions.defaults().withProgress((done, total) -> {
			reports.add(new int[] { done, total });
			reportingThreads.add(Thread.currentThread());
		}));
		assertThat(result.succeeded()).isEqualTo(30);
		assertThat(reports).hasSize(30);
		for (int i = 0; i < 30; i++) {
			assertThat(reports.get(i)).containsExactly(i + 1, 30);
		}
		assertThat(reportingThreads).containsOnly(Thread.currentThread());
	}

	@Test
	void progressReachesTheTotalWhenTheDeadlineEndsTheBatch() {
		LlmBatchService batch = new LlmBatchService(client(builder(1)));
		List<int[]> reports = new CopyOnWriteArrayList<>();
		BatchResult result = batch.generateAll(List.of("quick", "hold", "later"),
				BatchOptions.defaults()
					.withDeadline(Duration.ofMillis(200))
					.withProgress((done, total) -> reports.add(new int[] { done, total })));
		assertThat(result.failed()).isEqualTo(2);
		assertThat(reports).hasSize(2);
		assertThat(reports.get(0)).containsExactly(1, 3);
		assertThat(reports.get(1)).containsExactly(3, 3);
	}

	@Test
	void eachItemIsToldAsItEndsBeforeProgressCountsIt() {
		LlmBatchService batch = new LlmBatchService(client(builder(4)));
		List<String> told = new CopyOnWriteArrayList<>();
		List<BatchItem> items = new CopyOnWriteArrayList<>();
		BatchResult result = batch.generateAll(prompts("p", 30),
				BatchOptions.defaults().withProgress(new BatchProgress() {

					@Override
					public void onProgress(int completed, int total) {
						told.add("progress " + completed);
					}

					@Override
					public void onItem(BatchItem item) {
						items.add(item);
						told.add("item");
					}

				}));
		assertThat(result.succeeded()).isEqualTo(30);
		List<String> expected = new ArrayList<>();
		for (int i = 1; i <= 30; i++) {
			expected.add("item");
			expected.add("progress " + i);
		}
		assertThat(told).containsExactlyElementsOf(expected);
		assertThat(items).extracting(BatchItem::index)
			.containsExactlyInAnyOrderElementsOf(IntStream.range(0, 30).boxed().toList());
		for (BatchItem item : items) {
			assertThat(item).isSameAs(result.items().get(item.index()));
		}
	}

	@Test
	void invalidInputFailsFastNamingTheIndexBeforeAnyCall() {
		LlmBatchService batch = new LlmBatchService(client(builder(2)));
		assertThatIllegalArgumentException().isThrownBy(() -> batch.generateAll(null))
			.withMessage("prompts must not be null");
		assertThatIllegalArgumentException().isThrownBy(() -> batch.generateAll(Arrays.asList("a", "b", null)))
			.withMessageContaining("prompts[2] must not be null");
		assertThatIllegalArgumentException().isThrownBy(() -> batch.generateAll(List.of("a", " ", "c")))
			.withMessageContaining("prompts[1] must not be blank");
		assertThatIllegalArgumentException().isThrownBy(() -> batch.generateAll(List.of("a", "")))
			.withMessageContaining("prompts[1] must not be blank");
		assertThatIllegalArgumentException().isThrownBy(() -> batch.chatAll(null))
			.withMessage("requests must not be null");
		assertThatIllegalArgumentException().isThrownBy(() -> batch.chatAll(Arrays.asList(ChatRequest.of("a"), null)))
			.withMessageContaining("requests[1] must not be null");
		assertThatIllegalArgumentException().isThrownBy(() -> BatchOptions.defaults().withDeadline(Duration.ZERO))
			.withMessageContaining("BatchOptions.deadline must be a positive duration");
		assertThat(this.server.requests()).isZero();
	}

	@Test
	void emptyBatchReturnsAnEmptyResultWithoutCalls() {
		LlmBatchService batch = new LlmBatchService(client(builder(2)));
		BatchResult result = batch.chatAll(List.of());
		assertThat(result.items()).isEmpty();
		assertThat(result.allSucceeded()).isTrue();
		assertThat(this.server.requests()).isZero();
	}

	@Test
	void chatAllSendsEachRequestAsItIs() {
		LlmBatchService batch = new LlmBatchService(client(builder(2)));
		List<ChatRequest> requests = List.of(ChatRequest.builder().system("Be brief").user("one").maxTokens(5).build(),
				ChatRequest.builder().model("other").user("two").build());
		BatchResult result = batch.chatAll(requests);
		assertThat(result.items()).extracting(BatchItem::request).containsExactlyElementsOf(requests);
		assertThat(result.items()).extracting(LlmBatchServiceTests::text).containsExactly("echo: one", "echo: two");
	}

	@Test
	void permitsAreReleasedOnEveryFailurePath() throws Exception {
		int maxConcurrent = 3;
		LlmClient client = client(builder(maxConcurrent).retry((retry) -> retry.withMaxAttempts(2))
			.connection((connection) -> connection.withReadTimeout(Duration.ofMillis(300))));
		LlmBatchService batch = new LlmBatchService(client);
		BatchResult failures = batch.generateAll(List.of("fail-400", "fail-500", "malformed", "reset", "hold-timeout"));
		assertThat(failures.failed()).isEqualTo(5);
		assertThat(error(failures.items().get(4))).isInstanceOf(LlmTimeoutException.class);
		assertThat(client.health().bulkhead().inFlight()).isZero();

		LlmClient deadlineClient = client(
				builder(maxConcurrent).limits((limits) -> limits.withTimeout(Duration.ofMillis(300))));
		BatchResult timedOut = new LlmBatchService(deadlineClient).generateAll(List.of("hold-a", "hold-b"));
		assertThat(timedOut.items())
			.allSatisfy((item) -> assertThat(error(item)).isInstanceOf(LlmTimeoutException.class));
		assertThat(deadlineClient.health().bulkhead().inFlight()).isZero();

		this.server.release();
		awaitNoCallInFlight(client);
		awaitNoCallInFlight(deadlineClient);
		awaitServerIdle();
		this.server.resetMaxInFlight();
		this.server.gateFirst(maxConcurrent);
		BatchResult after = batch.generateAll(prompts("after", 6));
		assertThat(after.succeeded()).isEqualTo(6);
		assertThat(this.server.maxInFlight()).isEqualTo(maxConcurrent);
		assertThat(client.health().bulkhead().inFlight()).isZero();
	}

	@Test
	void itemsFailWithoutFailingTheBatchWhenTheClientIsClosed() {
		LlmClient client = client(builder(2));
		LlmBatchService batch = new LlmBatchService(client);
		client.close();
		BatchResult result = batch.generateAll(prompts("p", 3));
		assertThat(result.failed()).isEqualTo(3);
		assertThat(result.items())
			.allSatisfy((item) -> assertThat(error(item)).isInstanceOf(IllegalStateException.class));
		assertThat(this.server.requests()).isZero();
	}

	@Test
	void batchCallsAreOfTheBatchClassUnlessTheirRequestSaysOtherwise() {
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		LlmClient client = client(builder(2).meterRegistry(registry));
		LlmBatchService batch = new LlmBatchService(client);
		batch.generateAll(List.of("a", "b", "c"));
		List<ChatRequest> requests = List.of(ChatRequest.of("d"),
				ChatRequest.builder().user("e").requestClass(RequestClass.INTERACTIVE).build());
		assertThat(batch.chatAll(requests).items()).extracting(BatchItem::request)
			.as("the items keep the requests as given")
			.containsExactlyElementsOf(requests);
		batch.chatAll(List.of(ChatRequest.of("f")), Answer.class);
		client.chat(ChatRequest.of("g"));
		// admission saw them so: every call's wait for a permit is timed under its class
		assertThat(registry.get("llm.client.bulkhead.wait").tag("class", "batch").timer().count()).isEqualTo(5);
		assertThat(registry.get("llm.client.bulkhead.wait").tag("class", "interactive").timer().count()).isEqualTo(2);
	}

	record Answer(String text) {
	}

	@Test
	void itemsAreCountedByOutcome() {
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		LlmBatchService batch = new LlmBatchService(client(builder(2).retry((retry) -> retry.withEnabled(false))),
				registry);
		batch.generateAll(List.of("a", "fail-400", "b"));
		assertThat(registry.get("llm.client.batch.items").tag("outcome", "success").counter().count()).isEqualTo(2);
		assertThat(registry.get("llm.client.batch.items").tag("outcome", "failure").counter().count()).isEqualTo(1);
		batch.generateAll(List.of("hold", "c"), BatchOptions.defaults().withDeadline(Duration.ofMillis(100)));
		assertThat(registry.get("llm.client.batch.items").tag("outcome", "success").counter().count()).isEqualTo(3);
		assertThat(registry.get("llm.client.batch.items").tag("outcome", "failure").counter().count()).isEqualTo(2);
	}

	@Test
	void interruptingTheCallingThreadEndsTheBatchWithEveryItemAccountedFor() throws Exception {
		LlmBatchService batch = new LlmBatchService(client(builder(1)));
		this.callers = Executors.newSingleThreadExecutor();
		Future<BatchResult> running = this.callers.submit(() -> batch.generateAll(List.of("hold", "later")));
		this.server.awaitHeld(1);
		this.callers.shutdownNow();
		BatchResult result = running.get(10, TimeUnit.SECONDS);
		assertThat(result.failed()).isEqualTo(2);
		assertThat(error(result.items().get(0))).hasMessageContaining("item 0 was cancelled in flight")
			.hasMessageContaining("interrupted");
		assertThat(error(result.items().get(1))).hasMessageContaining("item 1 was not started");
	}

	private void awaitServerIdle() {
		await().atMost(WAIT).alias("server still answering").until(() -> this.server.inFlight() == 0);
	}

	@Test
	void clientThatAnswersAtOnceNeitherOverflowsTheStackNorReordersItems() {
		LlmClient instant = new InstantClient();
		LlmBatchService batch = new LlmBatchService(instant, 3, null);
		BatchResult result = batch.generateAll(prompts("p", 100_000));
		assertThat(result.size()).isEqualTo(100_000);
		assertThat(result.failed()).isEqualTo(10_000);
		for (int i = 0; i < 100_000; i += 997) {
			BatchItem item = result.items().get(i);
			assertThat(item.index()).isEqualTo(i);
			if (i % 10 == 9) {
				assertThat(error(item)).hasMessage("no p" + i);
			}
			else {
				assertThat(text(item)).isEqualTo("p" + i);
			}
		}
	}

	/** A client that completes every call before chatAsync returns; every tenth fails. */
	private static final class InstantClient implements LlmClient {

		private int calls;

		@Override
		public CompletableFuture<ChatResponse> chatAsync(ChatRequest request) {
			String prompt = request.messages().get(0).content();
			if (this.calls++ % 10 == 9) {
				return CompletableFuture.failedFuture(new IllegalStateException("no " + prompt));
			}
			return CompletableFuture.completedFuture(new ChatResponse(null, "m", prompt, "stop", null, Duration.ZERO));
		}

		@Override
		public ChatResponse chat(ChatRequest request) {
			return chatAsync(request).join();
		}

		@Override
		public String generate(String prompt) {
			return chat(ChatRequest.of(prompt)).content();
		}

		@Override
		public ChatResponse stream(ChatRequest request, java.util.function.Consumer<dev.llmclient.ChatChunk> onChunk) {
			throw new UnsupportedOperationException();
		}

		@Override
		public CompletableFuture<ChatResponse> streamAsync(ChatRequest request,
				java.util.function.Consumer<dev.llmclient.ChatChunk> onChunk) {
			throw new UnsupportedOperationException();
		}

		@Override
		public dev.llmclient.LlmClientHealth health() {
			return null;
		}

		@Override
		public String name() {
			return "instant";
		}

		/** A client that cannot tell its limit. */
		@Override
		public int maxConcurrent() {
			return 0;
		}

		@Override
		public dev.llmclient.EmbeddingResponse embed(dev.llmclient.EmbeddingRequest request) {
			throw new UnsupportedOperationException();
		}

		@Override
		public CompletableFuture<dev.llmclient.EmbeddingResponse> embedAsync(dev.llmclient.EmbeddingRequest request) {
			throw new UnsupportedOperationException();
		}

		@Override
		public int embeddingBatchSize() {
			return 1;
		}

		@Override
		public void close() {
		}

	}

	private static void awaitNoCallInFlight(LlmClient client) {
		await().atMost(WAIT).alias("calls still in flight").until(() -> client.health().bulkhead().inFlight() == 0);
	}

}
