package dev.llmclient.sample;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.client.RestTestClient;

import dev.llmclient.ChatRequest;
import dev.llmclient.batch.LlmBatchService;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /api/batch/jobs} against the demo backend's Batch API: a job submitted and
 * answered {@code 202} at once, polled to its end, its results in the order of the
 * prompts with the failed ones carrying the provider's status and code; a job resumed
 * from its id alone; cancel; and the errors of the sample's other endpoints.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "sample.batch.max-prompts=5", "sample.demo.batch-phase=0ms",
				"llm.client.batch-jobs.poll-interval=20ms", "llm.client.batch-jobs.max-poll-interval=100ms" })
@AutoConfigureRestTestClient
class BatchJobApiTests {

	private static final Duration END_WAIT = Duration.ofSeconds(30);

	@Autowired
	private RestTestClient client;

	/**
	 * The application's batch service, to submit a job the sample's endpoint has not
	 * seen.
	 */
	@Autowired
	private LlmBatchService batchService;

	@AfterEach
	void answerAtOnce() {
		this.client.put()
			.uri("/api/demo")
			.contentType(MediaType.APPLICATION_JSON)
			.body("{\"batchPhaseMs\": 0, \"failStatus\": 0}")
			.exchange()
			.expectStatus()
			.isOk();
	}

	@Test
	void submittedJobIsAnswered202AtOnceAndEndsWithOneResultPerPromptInOrder() throws Exception {
		DocumentContext submitted = submit("{\"prompts\": [\"one\", \"please fail\", \"three words here\"]}");
		String id = submitted.read("$.id");
		assertThat(id).startsWith("batch_");
		assertThat(submitted.read("$.mode", String.class)).isEqualTo("provider");
		assertThat(submitted.read("$.status", String.class)).isIn("validating", "in_progress", "finalizing",
				"completed");
		assertThat(submitted.read("$", Map.class)).doesNotContainKey("results");

		DocumentContext job = awaitEnd(id);
		assertThat(job.read("$.status", String.class)).isEqualTo("completed");
		assertThat(job.read("$.counts.total", Integer.class)).isEqualTo(3);
		assertThat(job.read("$.counts.completed", Integer.class)).isEqualTo(2);
		assertThat(job.read("$.counts.failed", Integer.class)).isEqualTo(1);
		assertThat(job.read("$.results[*].index", List.class)).containsExactly(0, 1, 2);
		assertThat(job.read("$.results[*].ok", List.class)).containsExactly(true, false, true);
		assertThat(job.read("$.results[0].text", String.class)).isEqualTo("echo: one");
		assertThat(job.read("$.results[2].text", String.class)).isEqualTo("echo: three words here");
		assertThat(job.read("$.results[1].status", Integer.class)).isEqualTo(400);
		assertThat(job.read("$.results[1].code", String.class)).isEqualTo("demo_failure");
		assertThat(job.read("$.results[1].error", String.class)).contains("fail");
	}

	@Test
	void jobWhoseEveryRequestFailedEndsCompletedWithEveryResultAFailure() throws Exception {
		this.client.put()
			.uri("/api/demo")
			.contentType(MediaType.APPLICATION_JSON)
			.body("{\"failStatus\": 503}")
			.exchange()
			.expectStatus()
			.isOk();
		DocumentContext job = awaitEnd(submit("{\"prompts\": [\"one\", \"two\"]}").read("$.id"));
		assertThat(job.read("$.status", String.class)).isEqualTo("completed");
		assertThat(job.read("$.counts.failed", Integer.class)).isEqualTo(2);
		assertThat(job.read("$.results[*].ok", List.class)).containsExactly(false, false);
		assertThat(job.read("$.results[*].status", List.class)).containsExactly(503, 503);
	}

	@Test
	void cancelledJobEndsCancelledWithItsUnansweredPromptsFailedAsCancelled() throws Exception {
		this.client.put()
			.uri("/api/demo")
			.contentType(MediaType.APPLICATION_JSON)
			.body("{\"batchPhaseMs\": 60000}")
			.exchange()
			.expectStatus()
			.isOk();
		String id = submit("{\"prompts\": [\"one\", \"two\"]}").read("$.id");
		this.client.post().uri("/api/batch/jobs/{id}/cancel", id).exchange().expectStatus().isOk();
		DocumentContext job = awaitEnd(id);
		assertThat(job.read("$.status", String.class)).isEqualTo("cancelled");
		assertThat(job.read("$.results[*].ok", List.class)).containsExactly(false, false);
		assertThat(job.read("$.results[*].code", List.class)).containsExactly("cancelled", "cancelled");
	}

	@Test
	void jobTheSampleHasNotSeenIsResumedFromItsIdAlone() throws Exception {
		String id = this.batchService.submit(List.of(ChatRequest.of("resumed one"), ChatRequest.of("resumed two")))
			.id();
		DocumentContext job = awaitEnd(id);
		assertThat(job.read("$.mode", String.class)).isEqualTo("provider");
		assertThat(job.read("$.status", String.class)).isEqualTo("completed");
		assertThat(job.read("$.results[*].text", List.class)).containsExactly("echo: resumed one", "echo: resumed two");
	}

	@Test
	void unknownJobIsAnswered404() {
		this.client.get()
			.uri("/api/batch/jobs/{id}", "batch_0123456789abcdef01234567")
			.exchange()
			.expectStatus()
			.isNotFound()
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("not_found")
			.jsonPath("$.error")
			.value(String.class, (error) -> assertThat(error).contains("batch_0123456789abcdef01234567"));
	}

	@Test
	void badPromptsAreAnswered400AsForALiveBatch() {
		this.client.post()
			.uri("/api/batch/jobs")
			.contentType(MediaType.APPLICATION_JSON)
			.body("{\"prompts\": [\"fine\", \" \"]}")
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("bad_request")
			.jsonPath("$.error")
			.value(String.class, (error) -> assertThat(error).contains("prompts[1]"));
		this.client.post()
			.uri("/api/batch/jobs")
			.contentType(MediaType.APPLICATION_JSON)
			.body("{\"prompts\": [\"1\", \"2\", \"3\", \"4\", \"5\", \"6\"]}")
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.error")
			.value(String.class, (error) -> assertThat(error).contains("sample.batch.max-prompts"));
	}

	private DocumentContext submit(String body) {
		byte[] answer = this.client.post()
			.uri("/api/batch/jobs")
			.contentType(MediaType.APPLICATION_JSON)
			.body(body)
			.exchange()
			.expectStatus()
			.isAccepted()
			.expectHeader()
			.value("Location", (location) -> assertThat(location).startsWith("/api/batch/jobs/batch_"))
			.expectBody()
			.returnResult()
			.getResponseBody();
		return JsonPath.parse(new String(answer, StandardCharsets.UTF_8));
	}

	private DocumentContext awaitEnd(String id) throws InterruptedException {
		long deadline = System.nanoTime() + END_WAIT.toNanos();
		while (true) {
			byte[] answer = this.client.get()
				.uri("/api/batch/jobs/{id}", id)
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody()
				.returnResult()
				.getResponseBody();
			DocumentContext job = JsonPath.parse(new String(answer, StandardCharsets.UTF_8));
			String status = job.read("$.status");
			if (List.of("completed", "failed", "expired", "cancelled").contains(status)) {
				return job;
			}
			assertThat(System.nanoTime()).as("job %s still %s", id, status).isLessThan(deadline);
			Thread.sleep(20);
		}
	}

}
