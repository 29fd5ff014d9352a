package dev.llmclient.batch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.llmclient.BatchJobSettings;
import dev.llmclient.ChatRequest;
import dev.llmclient.EmbeddingRequest;
import dev.llmclient.EndpointSettings;
import dev.llmclient.LlmClient;
import dev.llmclient.LlmClientBuilder;
import dev.llmclient.LlmClientException;
import dev.llmclient.batch.FakeBatchProvider.Outcome;
import dev.llmclient.testsupport.TestClients;
import dev.llmclient.testsupport.WireSchemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Batch jobs against a loopback provider of the Files and Batches API
 * ({@link FakeBatchProvider}): every terminal status, results out of order and split
 * across the output and error files, resuming by id in a new client, cancelling, split
 * jobs, retried uploads, malformed output, and servers without the Batch API. Every body
 * and multipart part the client sends is checked against schemas written from the OpenAI
 * API definition.
 */
class BatchJobTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final FakeBatchProvider provider = start();

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final List<LlmClient> clients = new ArrayList<>();

	@AfterEach
	void close() {
		this.clients.forEach(LlmClient::close);
		this.provider.close();
		checkWire(this.provider);
	}

	private static FakeBatchProvider start() {
		try {
			return new FakeBatchProvider();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Checks every upload, input line and create body against the wire schemas. */
	private static void checkWire(FakeBatchProvider provider) {
		for (Map<String, FakeBatchProvider.Part> upload : provider.uploads) {
			FakeBatchProvider.Part file = upload.get("file");
			Map<String, Object> parts = new LinkedHashMap<>();
			upload.forEach((name, part) -> parts.put(name,
					(part.filename() == null) ? new String(part.content(), StandardCharsets.UTF_8) : null));
			parts.put("file", Map.of("filename", file.filename(), "content_type", file.contentType(), "size",
					file.content().length));
			assertThat(WireSchemas.violations("create-file-request.schema.json",
					FakeBatchProvider.JSON.writeValueAsString(parts)))
				.isEmpty();
			assertThat(parts.get("purpose")).isEqualTo("batch");
			for (String line : new String(file.content(), StandardCharsets.UTF_8).lines().toList()) {
				assertThat(WireSchemas.violations("batch-request-input.schema.json", line)).as(line).isEmpty();
				JsonNode node = FakeBatchProvider.JSON.readTree(line);
				String body = node.path("body").toString();
				if (node.path("url").asString().equals("/v1/embeddings")) {
					WireSchemas.assertValidEmbeddingRequest(body);
				}
				else {
					WireSchemas.assertValidChatRequest(body);
				}
			}
		}
		for (FakeBatchProvider.Request create : provider.requests("POST", "/v1/batches")) {
			if (create.path().equals("/v1/batches")) {
				assertThat(WireSchemas.violations("create-batch-request.schema.json", create.body())).as(create.body())
					.isEmpty();
			}
		}
	}

	private LlmBatchService service(UnaryOperator<BatchJobSettings> jobs) {
		return service(TestClients.lazy(this.provider.endpoint()), jobs);
	}

	private LlmBatchService service(LlmClientBuilder builder, UnaryOperator<BatchJobSettings> jobs) {
		LlmClient client = builder.name("client-" + this.clients.size())
			.model("gpt-test")
			.embeddings((embeddings) -> embeddings.withModel("embed-test"))
			.retry(TestClients::fastBackoff)
			.batchJobs((settings) -> jobs
				.apply(settings.withPollInterval(Duration.ofMillis(5)).withMaxPollInterval(Duration.ofMillis(20))))
			.meterRegistry(this.registry)
			.build();
		this.clients.add(client);
		return new LlmBatchService(client, this.registry);
	}

	private LlmBatchService service() {
		return service(UnaryOperator.identity());
	}

	private static List<ChatRequest> prompts(int count) {
		List<ChatRequest> requests = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			requests.add(ChatRequest.builder().system("Classify").user("prompt " + i).build());
		}
		return requests;
	}

	private static LlmBatchItemException failure(BatchItem item) {
		assertThat(item.ok()).as("item %d failed", item.index()).isFalse();
		return (LlmBatchItemException) ((BatchItem.Failure) item).error();
	}

	private static String content(BatchItem item) {
		assertThat(item.ok()).as("item %d succeeded", item.index()).isTrue();
		return ((BatchItem.Success) item).response().content();
	}

	@Test
	void completedJobMatchesAnswersOutOfOrderAcrossOutputAndErrorFiles() {
		this.provider.answer = (index, body) -> (index == 1) ? Outcome.ERROR
				: (index == 3) ? Outcome.SKIP : Outcome.SUCCESS;
		BatchJob<BatchResult> job = service().submit(prompts(5));
		assertThat(job.id()).startsWith("batch_");
		assertThat(job.mode()).isEqualTo(BatchJob.Mode.PROVIDER);
		assertThat(job.await(WAIT)).isEqualTo(BatchJob.Status.COMPLETED);
		BatchResult result = job.result();
		assertThat(result.size()).isEqualTo(5);
		assertThat(result.items()).extracting(BatchItem::index).containsExactly(0, 1, 2, 3, 4);
		assertThat(content(result.items().get(0))).isEqualTo("echo: prompt 0");
		assertThat(content(result.items().get(4))).isEqualTo("echo: prompt 4");
		assertThat(((BatchItem.Success) result.items().get(2)).response().usage().totalTokens()).isEqualTo(10);
		LlmBatchItemException error = failure(result.items().get(1));
		assertThat(error.status()).isEqualTo(400);
		assertThat(error.type()).isEqualTo("invalid_request_error");
		assertThat(error.code()).isEqualTo("invalid_value");
		assertThat(error.getMessage()).contains("Invalid value for 'temperature'");
		assertThat(failure(result.items().get(3)).code()).isEqualTo(LlmBatchItemException.MISSING);
		assertThat(result.succeeded()).isEqualTo(3);
		assertThat(job.counts()).isEqualTo(new BatchJob.Counts(5, 3, 2));
		assertThat(job.result()).as("read once").isSameAs(result);
		assertThat(this.provider.requests("GET", "/v1/files/")).hasSize(2);
		assertThat(this.provider.deleted).as("input, output and error files").hasSize(3);
		assertThat(this.provider.files).isEmpty();
		assertThat(this.registry.get("llm.client.batch.jobs")
			.tags("status", "completed", "mode", "provider")
			.counter()
			.count()).isEqualTo(1);
		assertThat(this.registry.get("llm.client.batch.items").tags("outcome", "failure").counter().count())
			.isEqualTo(2);
		assertThat(
				this.registry.get("gen_ai.client.operation.duration").tags("gen_ai.operation.name", "batches").timers())
			.isNotEmpty();
	}

	@Test
	void filesAreKeptWhenAsked() {
		BatchJob<BatchResult> job = service((jobs) -> jobs.withKeepFiles(true)).submit(prompts(2));
		job.await(WAIT);
		assertThat(job.result().allSucceeded()).isTrue();
		assertThat(this.provider.deleted).isEmpty();
	}

	@Test
	void resultBeforeTheEndNamesTheStatus() {
		this.provider.pollsToFinish = 1000;
		BatchJob<BatchResult> job = service().submit(prompts(2));
		assertThat(job.status()).isIn(BatchJob.Status.VALIDATING, BatchJob.Status.IN_PROGRESS);
		assertThatIllegalStateException().isThrownBy(job::result)
			.withMessageContaining(job.id())
			.withMessageContaining("IN_PROGRESS")
			.withMessageContaining("await");
		assertThat(job.await(Duration.ofMillis(50))).isEqualTo(BatchJob.Status.IN_PROGRESS);
	}

	@Test
	void awaitEndsWhenItsThreadIsInterrupted() {
		this.provider.pollsToFinish = 1000;
		BatchJob<BatchResult> job = service().submit(prompts(1));
		Thread.currentThread().interrupt();
		try {
			assertThatExceptionOfType(LlmClientException.class).isThrownBy(() -> job.await(WAIT));
			assertThat(Thread.currentThread().isInterrupted()).as("the interrupt is kept").isTrue();
		}
		finally {
			Thread.interrupted();
		}
		assertThat(job.await(Duration.ofMillis(30))).as("the job goes on").isEqualTo(BatchJob.Status.IN_PROGRESS);
	}

	@Test
	void failedValidationNamesTheLine() {
		this.provider.endAs = "failed";
		BatchJob<BatchResult> job = service().submit(prompts(3));
		assertThat(job.await(WAIT)).isEqualTo(BatchJob.Status.FAILED);
		assertThatExceptionOfType(LlmBatchJobValidationException.class).isThrownBy(job::result)
			.withMessageContaining("request 1 (line 2)")
			.withMessageContaining("The model 'nope' does not exist")
			.satisfies((ex) -> {
				assertThat(ex.jobId()).isEqualTo(job.id());
				assertThat(ex.errors()).singleElement()
					.isEqualTo(new LlmBatchJobValidationException.LineError(2, 1, "invalid_request",
							"The model 'nope' does not exist", "body.model"));
			});
	}

	@Test
	void expiredJobKeepsTheAnsweredPart() {
		this.provider.endAs = "expired";
		BatchJob<BatchResult> job = service().submit(prompts(6));
		assertThat(job.await(WAIT)).isEqualTo(BatchJob.Status.EXPIRED);
		BatchResult result = job.result();
		assertThat(result.items().subList(0, 3)).allMatch(BatchItem::ok);
		assertThat(failure(result.items().get(3)).code()).isEqualTo(LlmBatchItemException.EXPIRED);
		assertThat(failure(result.items().get(4)).code()).as("listed in the error file").isEqualTo("batch_expired");
		assertThat(failure(result.items().get(5)).code()).isEqualTo(LlmBatchItemException.EXPIRED);
	}

	@Test
	void cancelledJobKeepsTheAnsweredPart() {
		this.provider.pollsToFinish = 1000;
		BatchJob<BatchResult> job = service().submit(prompts(4));
		job.cancel();
		assertThat(job.status()).isIn(BatchJob.Status.CANCELLING, BatchJob.Status.CANCELLED);
		assertThat(job.await(WAIT)).isEqualTo(BatchJob.Status.CANCELLED);
		BatchResult result = job.result();
		assertThat(result.items().subList(0, 2)).allMatch(BatchItem::ok);
		assertThat(failure(result.items().get(2)).code()).isEqualTo(LlmBatchItemException.CANCELLED);
		assertThat(this.provider.requests("POST", "/v1/batches/")).extracting(FakeBatchProvider.Request::path)
			.containsExactly("/v1/batches/" + job.id() + "/cancel");
		job.cancel();
		assertThat(this.provider.requests("POST", "/v1/batches/")).as("an ended job is not cancelled again").hasSize(1);
	}

	@Test
	void jobIsResumedByIdInANewClient() {
		this.provider.answer = (index, body) -> (index == 2) ? Outcome.ERROR : Outcome.SUCCESS;
		this.provider.pollsToFinish = 2;
		List<ChatRequest> requests = prompts(3);
		LlmBatchService first = service();
		String id = first.submit(requests).id();
		this.clients.get(0).close();
		BatchJob<BatchResult> resumed = service().job(id);
		assertThat(resumed.id()).isEqualTo(id);
		assertThat(resumed.await(WAIT)).isEqualTo(BatchJob.Status.COMPLETED);
		BatchResult result = resumed.result();
		assertThat(content(result.items().get(1))).isEqualTo("echo: prompt 1");
		assertThat(result.items().get(1).request().messages()).extracting((message) -> message.content())
			.containsExactly("Classify", "prompt 1");
		assertThat(result.items().get(1).request().model()).isEqualTo("gpt-test");
		assertThat(failure(result.items().get(2)).status()).isEqualTo(400);
	}

	@Test
	void unknownIdsAreRefused() {
		LlmBatchService service = service();
		assertThatExceptionOfType(LlmClientException.class).isThrownBy(() -> service.job("batch_nope"))
			.withMessageContaining("404");
		assertThatIllegalArgumentException().isThrownBy(() -> service.job(" "));
		String chat = service.submit(prompts(1)).id();
		assertThatIllegalArgumentException().isThrownBy(() -> service.embeddingsJob(chat))
			.withMessageContaining("holds chat requests: resume it with job(id)");
	}

	@Test
	void largeJobIsSplitIntoSeveralBatchesBehindOneId() {
		this.provider.answer = (index, body) -> (index == 3) ? Outcome.ERROR : Outcome.SUCCESS;
		LlmBatchService service = service((jobs) -> jobs.withMaxRequestsPerBatch(2));
		BatchJob<BatchResult> job = service.submit(prompts(5));
		assertThat(this.provider.batches).hasSize(3);
		assertThat(this.provider.uploads).extracting((upload) -> upload.get("file").content().length)
			.allMatch((size) -> size > 0);
		assertThat(this.provider.batches.get(job.id()).get("metadata"))
			.asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
			.containsEntry("llm_client_job", "chat:0:2")
			.containsKey("llm_client_parts");
		assertThat(job.await(WAIT)).isEqualTo(BatchJob.Status.COMPLETED);
		assertThat(job.counts().total()).isEqualTo(5);
		BatchJob<BatchResult> resumed = service((jobs) -> jobs.withMaxRequestsPerBatch(2)).job(job.id());
		assertThat(resumed.await(WAIT)).isEqualTo(BatchJob.Status.COMPLETED);
		BatchResult result = resumed.result();
		assertThat(result.items()).extracting(BatchItem::index).containsExactly(0, 1, 2, 3, 4);
		assertThat(content(result.items().get(4))).isEqualTo("echo: prompt 4");
		assertThat(failure(result.items().get(3)).status()).isEqualTo(400);
	}

	@Test
	void splitByBytes() {
		LlmBatchService service = service((jobs) -> jobs.withMaxBytesPerBatch(1024));
		List<ChatRequest> requests = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			requests.add(ChatRequest.of("x".repeat(400) + i));
		}
		BatchJob<BatchResult> job = service.submit(requests);
		assertThat(this.provider.batches).hasSize(4);
		for (Map<String, FakeBatchProvider.Part> upload : this.provider.uploads) {
			assertThat(upload.get("file").content().length).isLessThanOrEqualTo(1024);
		}
		job.await(WAIT);
		assertThat(job.result().allSucceeded()).isTrue();
		assertThatIllegalArgumentException().isThrownBy(() -> service.submit(List.of(ChatRequest.of("y".repeat(2000)))))
			.withMessageContaining("requests[0] does not fit in one provider batch")
			.withMessageContaining("llm.client.batch-jobs.max-bytes-per-batch");
	}

	@Test
	void jobCallsShareTheClientsLimitsAndGiveEverythingBack() {
		this.provider.uploadFailures.set(1);
		LlmBatchService service = service(TestClients.lazy(this.provider.endpoint())
			.limits((limits) -> limits.withMaxConcurrent(1))
			.adaptive((adaptive) -> adaptive.withEnabled(true)), UnaryOperator.identity());
		BatchJob<BatchResult> job = service.submit(prompts(3));
		assertThat(job.await(WAIT)).isEqualTo(BatchJob.Status.COMPLETED);
		assertThat(job.result().allSucceeded()).isTrue();
		LlmClient client = this.clients.get(0);
		assertThat(client.health().bulkhead().inFlight()).isZero();
		assertThat(client.health().up()).isTrue();
		assertThat(client.chat(ChatRequest.of("live")).content()).isEqualTo("echo: live");
	}

	@Test
	void uploadIsRetriedAfter503() {
		this.provider.uploadFailures.set(1);
		BatchJob<BatchResult> job = service().submit(prompts(2));
		assertThat(this.provider.requests("POST", "/v1/files")).hasSize(2);
		assertThat(this.provider.uploads).hasSize(1);
		job.await(WAIT);
		assertThat(job.result().allSucceeded()).isTrue();
	}

	@Test
	void malformedOutputLinesFailTheirItemsOnly() {
		this.provider.malformedLines = true;
		BatchJob<BatchResult> job = service().submit(prompts(3));
		job.await(WAIT);
		BatchResult result = job.result();
		assertThat(failure(result.items().get(0)).code()).isEqualTo(LlmBatchItemException.MALFORMED);
		assertThat(content(result.items().get(1))).isEqualTo("echo: prompt 1");
		assertThat(content(result.items().get(2))).isEqualTo("echo: prompt 2");
	}

	@Test
	void embeddingsJobHasOneItemPerTextInOrder() {
		this.provider.pollsToFinish = 2;
		LlmBatchService service = service();
		BatchJob<EmbeddingBatchResult> job = service
			.submitEmbeddings(List.of(EmbeddingRequest.of("a", "bb"), EmbeddingRequest.of("ccc")));
		assertThat(job.await(WAIT)).isEqualTo(BatchJob.Status.COMPLETED);
		EmbeddingBatchResult result = job.result();
		assertThat(result.items()).extracting(EmbeddingItem::text).containsExactly("a", "bb", "ccc");
		assertThat(((EmbeddingItem.Success) result.items().get(1)).vector()).containsExactly(2f, 1f, 0.5f);
		assertThat(((EmbeddingItem.Success) result.items().get(2)).vector()).containsExactly(3f, 0f, 0.5f);
		assertThatIllegalArgumentException().isThrownBy(() -> service.job(job.id()))
			.withMessageContaining("embeddingsJob(id)");
	}

	@Test
	void embeddingsJobIsResumedByIdInANewClient() {
		this.provider.pollsToFinish = 3;
		String id = service().submitEmbeddings(List.of(EmbeddingRequest.of("a", "bb"), EmbeddingRequest.of("ccc")))
			.id();
		BatchJob<EmbeddingBatchResult> resumed = service().embeddingsJob(id);
		assertThat(resumed.await(WAIT)).isEqualTo(BatchJob.Status.COMPLETED);
		EmbeddingBatchResult result = resumed.result();
		assertThat(result.items()).extracting(EmbeddingItem::text).containsExactly("a", "bb", "ccc");
		assertThat(((EmbeddingItem.Success) result.items().get(2)).model()).isEqualTo("embed-test");
	}

	@Test
	void serverWithoutBatchApiRunsTheJobLiveInAutoMode() {
		this.provider.noBatchApi = true;
		LlmBatchService service = service();
		BatchJob<BatchResult> job = service.submit(prompts(3));
		assertThat(job.mode()).isEqualTo(BatchJob.Mode.LIVE);
		assertThat(job.await(WAIT)).isEqualTo(BatchJob.Status.COMPLETED);
		assertThat(content(job.result().items().get(2))).isEqualTo("echo: prompt 2");
		assertThat(job.counts()).isEqualTo(new BatchJob.Counts(3, 3, 0));
		assertThat(this.provider.requests("POST", "/v1/chat/completions")).hasSize(3);
		assertThat(service.job(job.id())).isSameAs(job);
		assertThatIllegalArgumentException().isThrownBy(() -> service().job(job.id()))
			.withMessageContaining("cannot be resumed by id");
		assertThat(this.registry.get("llm.client.batch.jobs").tags("mode", "live").counter().count()).isEqualTo(1);
	}

	@Test
	void liveJobIsCancelledLikeAnInterruptedBatch() {
		this.provider.noBatchApi = true;
		this.provider.liveLatencyMillis = 500;
		BatchJob<BatchResult> job = service((jobs) -> jobs.withMode(BatchJobSettings.Mode.LIVE)).submit(prompts(40));
		job.cancel();
		assertThat(job.await(WAIT)).isEqualTo(BatchJob.Status.CANCELLED);
		BatchResult result = job.result();
		assertThat(result.size()).isEqualTo(40);
		assertThat(result.failed()).as("items not started when it was cancelled").isGreaterThanOrEqualTo(30);
		assertThat(this.registry.get("llm.client.batch.jobs")
			.tags("mode", "live", "status", "cancelled")
			.counter()
			.count()).isEqualTo(1);
	}

	@Test
	void serverWithoutBatchApiIsRefusedInProviderMode() {
		this.provider.noBatchApi = true;
		LlmBatchService service = service((jobs) -> jobs.withMode(BatchJobSettings.Mode.PROVIDER));
		assertThatExceptionOfType(LlmClientException.class).isThrownBy(() -> service.submit(prompts(1)))
			.withMessageContaining("404 on /files")
			.withMessageContaining("llm.client.batch-jobs.mode");
		assertThat(this.provider.requests("POST", "/v1/chat/completions")).isEmpty();
	}

	@Test
	void optionsOverrideTheSettings() {
		LlmBatchService service = service();
		BatchJob<BatchResult> live = service.submit(prompts(1),
				BatchJobOptions.defaults().withMode(BatchJobSettings.Mode.LIVE));
		assertThat(live.mode()).isEqualTo(BatchJob.Mode.LIVE);
		BatchJob<BatchResult> job = service.submit(prompts(1),
				BatchJobOptions.defaults().withMetadata(Map.of("run", "nightly")));
		assertThat(this.provider.batches.get(job.id()).get("metadata"))
			.asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
			.containsEntry("run", "nightly");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> BatchJobOptions.defaults().withMetadata(Map.of("llm_client_job", "x")))
			.withMessageContaining("reserved");
	}

	@Test
	void jobLivesOnTheFirstEndpointAndIsFoundWhereverItIsListed() throws IOException {
		try (FakeBatchProvider other = new FakeBatchProvider()) {
			LlmClientBuilder two = TestClients.builder()
				.lifecycle((lifecycle) -> lifecycle.withEagerInit(false))
				.endpoints(
						List.of(EndpointSettings.of(this.provider.endpoint()), EndpointSettings.of(other.endpoint())));
			BatchJob<BatchResult> job = service(two, UnaryOperator.identity()).submit(prompts(2));
			assertThat(other.requests).isEmpty();
			LlmClientBuilder swapped = TestClients.builder()
				.lifecycle((lifecycle) -> lifecycle.withEagerInit(false))
				.endpoints(
						List.of(EndpointSettings.of(other.endpoint()), EndpointSettings.of(this.provider.endpoint())));
			BatchJob<BatchResult> resumed = service(swapped, UnaryOperator.identity()).job(job.id());
			assertThat(resumed.await(WAIT)).isEqualTo(BatchJob.Status.COMPLETED);
			assertThat(resumed.result().allSucceeded()).isTrue();
			assertThat(other.requests).extracting(FakeBatchProvider.Request::path)
				.containsExactly("/v1/batches/" + job.id());
		}
	}

}
