package dev.llmclient.sample;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.client.RestTestClient;

import dev.llmclient.LlmClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code sample.demo.replicas=3}: three demo backends behind the client; stopping one
 * with {@code POST /demo/replicas/1/down} loses no call, health shows it cooling down,
 * and once started again it takes calls after its cooldown. A batch job runs on one of
 * them (the client pins a job's calls to its first endpoint) under the model
 * {@code echo}.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "sample.demo.replicas=3", "llm.client.routing.cooldown=3s",
				"sample.demo.batch-phase=0ms", "llm.client.batch-jobs.poll-interval=20ms" })
@AutoConfigureRestTestClient
class SampleReplicasTests {

	@Autowired
	private RestTestClient client;

	@Autowired
	private LlmClient llmClient;

	@Test
	void aStoppedReplicaLosesNoCallAndComesBackAfterItsCooldown() {
		this.client.get()
			.uri("/demo/replicas")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.length()")
			.isEqualTo(3)
			.jsonPath("$[1].up")
			.isEqualTo(true);
		this.client.post().uri("/demo/replicas/1/down").exchange().expectStatus().isOk();
		for (int i = 0; i < 20; i++) {
			generate("call " + i).expectStatus().isOk().expectBody().jsonPath("$.text").isEqualTo("echo: call " + i);
		}
		assertThat(this.llmClient.health().endpoints()).hasSize(3);
		assertThat(this.llmClient.health().endpoints().get(1).state()).isEqualTo("cooling-down");
		assertThat(this.llmClient.health().up()).isTrue();
		this.client.get()
			.uri("/actuator/health")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.components.llmClient.details.endpoints.length()")
			.isEqualTo(3);
		this.client.post().uri("/demo/replicas/1/up").exchange().expectStatus().isOk();
		await().atMost(Duration.ofSeconds(10)).until(() -> {
			generate("again").expectStatus().isOk();
			return this.llmClient.health().endpoints().get(1).state().equals("active")
					&& this.llmClient.health().endpoints().get(1).health().calls().succeeded() > 0;
		});
	}

	@Test
	void batchJobRunsOnTheReplicasUnderTheEchoModel() {
		String id = JsonPath
			.parse(new String(this.client.post()
				.uri("/api/batch/jobs")
				.contentType(MediaType.APPLICATION_JSON)
				.body("{\"prompts\": [\"one\", \"two\"]}")
				.exchange()
				.expectStatus()
				.isAccepted()
				.expectBody()
				.returnResult()
				.getResponseBody(), StandardCharsets.UTF_8))
			.read("$.id");
		await().atMost(Duration.ofSeconds(20)).until(() -> {
			DocumentContext job = JsonPath.parse(new String(this.client.get()
				.uri("/api/batch/jobs/{id}", id)
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody()
				.returnResult()
				.getResponseBody(), StandardCharsets.UTF_8));
			return "completed".equals(job.read("$.status"))
					&& List.of("echo: one", "echo: two").equals(job.read("$.results[*].text", List.class));
		});
	}

	@Test
	void anUnknownReplicaIsAnswered400() {
		this.client.post().uri("/demo/replicas/7/down").exchange().expectStatus().isBadRequest();
	}

	private RestTestClient.ResponseSpec generate(String prompt) {
		return this.client.post()
			.uri("/api/generate")
			.contentType(MediaType.APPLICATION_JSON)
			.body("{\"prompt\": \"" + prompt + "\"}")
			.exchange();
	}

}
