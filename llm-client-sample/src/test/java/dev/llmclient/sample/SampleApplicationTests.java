package dev.llmclient.sample;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.client.RestTestClient;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "server.address=127.0.0.1")
@AutoConfigureRestTestClient
class SampleApplicationTests {

	@Autowired
	private RestTestClient client;

	@Test
	void generateAnswersFromTheDemoBackendWithoutAnLlmServer() {
		generate("{\"prompt\": \"hello big world\"}").expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.text")
			.isEqualTo("echo: hello big world")
			.jsonPath("$.model")
			.isEqualTo("echo")
			.jsonPath("$.usage.inputTokens")
			.isEqualTo(3)
			.jsonPath("$.usage.outputTokens")
			.isEqualTo(4)
			.jsonPath("$.usage.totalTokens")
			.isEqualTo(7)
			.jsonPath("$.latencyMs")
			.isNumber()
			.jsonPath("$.cost.amount")
			.isEqualTo(0.0000475)
			.jsonPath("$.cost.currency")
			.isEqualTo("USD");
	}

	@Test
	void generatePassesTheRequestedModelThrough() {
		generate("{\"prompt\": \"hi\", \"model\": \"llama3.2\", \"maxTokens\": 50, \"temperature\": 0.2}")
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.text")
			.isEqualTo("echo: hi")
			.jsonPath("$.model")
			.isEqualTo("llama3.2");
	}

	@ParameterizedTest
	@ValueSource(strings = { "{}", "{\"prompt\": \"\"}", "{\"prompt\": \"   \"}", "{\"prompt\": null}" })
	void missingOrBlankPromptIsAnswered400WithAJsonErrorNamingTheField(String body) {
		generate(body).expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.error")
			.value(String.class, (error) -> assertThat(error).contains("'prompt'"))
			.json("{\"type\": \"bad_request\", \"status\": null}");
	}

	@Test
	void invalidOptionIsAnswered400NamingTheField() {
		generate("{\"prompt\": \"hi\", \"maxTokens\": 0}").expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.error")
			.value(String.class, (error) -> assertThat(error).contains("maxTokens"))
			.jsonPath("$.type")
			.isEqualTo("bad_request");
	}

	@Test
	void bodyThatIsNotJsonIsAnswered400WithTheJsonErrorShape() {
		generate("prompt=hello").expectStatus()
			.isBadRequest()
			.expectBody()
			.json("{\"type\": \"bad_request\", \"status\": null}");
	}

	@Test
	void healthShowsTheLlmClientUpWithItsDetailsAndNoRedisOutsideClusterMode() {
		generate("{\"prompt\": \"warm\"}").expectStatus().isOk();
		this.client.get()
			.uri("/actuator/health")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.components.llmClient.status")
			.isEqualTo("UP")
			.jsonPath("$.components.llmClient.details.endpoint")
			.value(String.class,
					(endpoint) -> assertThat(endpoint).startsWith("http://127.0.0.1:").endsWith("/demo/v1"))
			.jsonPath("$.components.llmClient.details.pool.max")
			.isNumber()
			.jsonPath("$.components.llmClient.details.bulkhead.maxConcurrent")
			.isNumber()
			.jsonPath("$.components.llmClient.details.latency.p50Ms")
			.isNumber()
			.jsonPath("$.components.llmClient.details.calls.succeeded")
			.value(Integer.class, (succeeded) -> assertThat(succeeded).isPositive())
			.jsonPath("$.components.llmClient.details.cluster")
			.doesNotExist()
			.jsonPath("$.components.redis")
			.doesNotExist();
	}

	@Test
	void prometheusExposesTheGenAiOperationDurationAfterACall() {
		generate("{\"prompt\": \"count me\"}").expectStatus().isOk();
		this.client.get()
			.uri("/actuator/prometheus")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.value((scrape) -> assertThat(scrape).contains("gen_ai_client_operation_duration_seconds_count{")
				.contains("error_type=\"none\"")
				.contains("gen_ai_client_operation_duration_seconds_bucket{")
				.contains("le=\"0.01\"")
				.contains("le=\"81.92\"")
				.contains("gen_ai_client_token_usage_bucket{")
				.contains("llm_client_pool_max{"));
	}

	private RestTestClient.ResponseSpec generate(String json) {
		return this.client.post().uri("/api/generate").contentType(MediaType.APPLICATION_JSON).body(json).exchange();
	}

}
