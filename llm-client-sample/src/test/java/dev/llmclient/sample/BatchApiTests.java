package dev.llmclient.sample;

import java.util.stream.Collectors;
import java.util.stream.IntStream;

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

/**
 * {@code POST /api/batch} against the demo backend: one result per prompt in order, and
 * the request refused with 400 above {@code sample.batch.max-prompts} or with a bad
 * prompt.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "sample.batch.max-prompts=5" })
@AutoConfigureRestTestClient
class BatchApiTests {

	@Autowired
	private RestTestClient client;

	@Test
	void batchAnswersEveryPromptInOrder() {
		batch("{\"prompts\": [\"one\", \"two words\", \"three\"]}").expectStatus()
			.isOk()
			.expectBody()
			.json("""
					{"results": [{"index": 0, "ok": true, "text": "echo: one"},
					             {"index": 1, "ok": true, "text": "echo: two words"},
					             {"index": 2, "ok": true, "text": "echo: three"}],
					 "succeeded": 3, "failed": 0}
					""")
			.jsonPath("$.results[0].error")
			.doesNotExist()
			.jsonPath("$.elapsedMs")
			.isNumber()
			.jsonPath("$.usage.inputTokens")
			.isEqualTo(4)
			.jsonPath("$.usage.outputTokens")
			.isEqualTo(7)
			.jsonPath("$.cost.amount")
			.isEqualTo(0.00008);
	}

	@Test
	void batchAtTheLimitIsAccepted() {
		batch(prompts(5)).expectStatus().isOk().expectBody().jsonPath("$.succeeded").isEqualTo(5);
	}

	@Test
	void batchAboveTheLimitIsAnswered400NamingTheProperty() {
		batch(prompts(6)).expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("bad_request")
			.jsonPath("$.error")
			.value(String.class,
					(error) -> assertThat(error).contains("holds 6 prompts")
						.contains("at most 5")
						.contains("sample.batch.max-prompts"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "{}", "{\"prompts\": []}", "{\"prompts\": null}" })
	void missingOrEmptyPromptsAreAnswered400NamingTheField(String body) {
		batch(body).expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.error")
			.value(String.class, (error) -> assertThat(error).contains("'prompts'"))
			.jsonPath("$.type")
			.isEqualTo("bad_request");
	}

	@Test
	void blankPromptIsAnswered400NamingItsIndex() {
		batch("{\"prompts\": [\"fine\", \"  \"]}").expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.error")
			.value(String.class, (error) -> assertThat(error).contains("prompts[1]"));
	}

	@Test
	void batchItemsAreCountedInTheMetrics() {
		batch("{\"prompts\": [\"count\", \"me\"]}").expectStatus().isOk();
		this.client.get()
			.uri("/actuator/prometheus")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.value((scrape) -> assertThat(scrape)
				.contains("llm_client_batch_items_total{llm_client_name=\"llmClient\",outcome=\"success\"}")
				.contains("llm_client_bulkhead_max{llm_client_name=\"llmClient\","));
	}

	private static String prompts(int count) {
		return IntStream.range(0, count)
			.mapToObj((i) -> "\"p" + i + "\"")
			.collect(Collectors.joining(", ", "{\"prompts\": [", "]}"));
	}

	private RestTestClient.ResponseSpec batch(String json) {
		return this.client.post().uri("/api/batch").contentType(MediaType.APPLICATION_JSON).body(json).exchange();
	}

}
