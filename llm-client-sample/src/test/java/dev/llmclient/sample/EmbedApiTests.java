package dev.llmclient.sample;

import java.util.List;
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
 * {@code POST /api/embed} against the demo backend: one deterministic vector per text, in
 * order, also across several requests of {@code llm.client.embedding-batch-size} texts;
 * bad input answered 400 naming the field.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "sample.embed.max-texts=600", "sample.prompt.max-chars=100",
				"llm.client.embedding-batch-size=100" })
@AutoConfigureRestTestClient
class EmbedApiTests {

	@Autowired
	private RestTestClient client;

	@Test
	void textsGetOneVectorEachInOrder() {
		EmbedBody body = embed("{\"texts\": [\"red apple\", \"green pear\", \"red apple\"]}").expectStatus()
			.isOk()
			.expectBody(EmbedBody.class)
			.returnResult()
			.getResponseBody();
		assertThat(body.model()).isEqualTo("demo-embed");
		assertThat(body.dimensions()).isEqualTo(16);
		assertThat(body.vectors()).hasSize(3).allSatisfy((vector) -> assertThat(vector).hasSize(16));
		assertThat(body.vectors().get(0)).as("the same text, the same vector").isEqualTo(body.vectors().get(2));
		assertThat(body.vectors().get(0)).isNotEqualTo(body.vectors().get(1));
	}

	@Test
	void manyTextsAreSentInSeveralRequestsAndComeBackInOrder() {
		String texts = IntStream.range(0, 600)
			.mapToObj((i) -> "\"text number " + i + "\"")
			.collect(Collectors.joining(", ", "{\"texts\": [", "], \"dimensions\": 8}"));
		EmbedBody body = embed(texts).expectStatus()
			.isOk()
			.expectBody(EmbedBody.class)
			.returnResult()
			.getResponseBody();
		assertThat(body.vectors()).hasSize(600);
		assertThat(body.dimensions()).isEqualTo(8);
		EmbedBody one = embed("{\"texts\": [\"text number 437\"], \"dimensions\": 8}").expectBody(EmbedBody.class)
			.returnResult()
			.getResponseBody();
		assertThat(body.vectors().get(437)).isEqualTo(one.vectors().get(0));
	}

	@ParameterizedTest
	@ValueSource(strings = { "{}", "{\"texts\": []}", "{\"texts\": null}" })
	void missingOrEmptyTextsAreAnswered400NamingTheField(String json) {
		embed(json).expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("bad_request")
			.jsonPath("$.error")
			.value(String.class, (error) -> assertThat(error).contains("'texts'"));
	}

	@Test
	void blankTextIsAnswered400NamingItsIndex() {
		embed("{\"texts\": [\"fine\", \" \"]}").expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.error")
			.value(String.class, (error) -> assertThat(error).contains("texts[1]"));
	}

	@Test
	void tooManyTextsAreAnswered400NamingTheProperty() {
		String texts = IntStream.range(0, 601)
			.mapToObj((i) -> "\"t\"")
			.collect(Collectors.joining(", ", "{\"texts\": [", "]}"));
		embed(texts).expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.error")
			.value(String.class, (error) -> assertThat(error).contains("sample.embed.max-texts"));
	}

	@Test
	void textLongerThanThePromptLimitIsAnswered400() {
		embed("{\"texts\": [\"fine\", \"" + "x".repeat(101) + "\"]}").expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.error")
			.value(String.class, (error) -> assertThat(error).contains("texts[1]").contains("sample.prompt.max-chars"));
	}

	@Test
	void embeddingsCallsAreTaggedInTheMetrics() {
		embed("{\"texts\": [\"count me\"]}").expectStatus().isOk();
		this.client.get()
			.uri("/actuator/prometheus")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.value((scrape) -> assertThat(scrape).containsPattern(
					"gen_ai_client_operation_duration_seconds_count\\{[^}]*gen_ai_operation_name=\"embeddings\""));
	}

	private RestTestClient.ResponseSpec embed(String json) {
		return this.client.post().uri("/api/embed").contentType(MediaType.APPLICATION_JSON).body(json).exchange();
	}

	record EmbedBody(List<float[]> vectors, String model, int dimensions) {
	}

}
