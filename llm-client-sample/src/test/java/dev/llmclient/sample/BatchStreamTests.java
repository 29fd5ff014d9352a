package dev.llmclient.sample;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.client.RestTestClient;
import org.springframework.test.web.servlet.client.RestTestClient.ResponseSpec;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /api/batch/stream} against the demo backend: a progress event per prompt
 * that ends, then each result in order and the totals; a bad request refused with 400
 * before the stream starts, as {@code /api/batch} refuses it.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "sample.batch.max-prompts=5", "sample.prompt.max-chars=20" })
@AutoConfigureRestTestClient
class BatchStreamTests {

	@Autowired
	private RestTestClient client;

	@Test
	void batchStreamsEachItemAsItEndsWithItsProgressThenTotals() {
		String body = batch("{\"prompts\": [\"one\", \"two words\", \"three\"]}").expectStatus()
			.isOk()
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.TEXT_EVENT_STREAM)
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		List<SseEvents.Event> events = SseEvents.parse(body).events();
		assertThat(events).extracting(SseEvents.Event::name)
			.containsExactly("item", "progress", "item", "progress", "item", "progress", "done");
		assertThat(List.of(events.get(1), events.get(3), events.get(5))).extracting(SseEvents.Event::data)
			.allMatch((data) -> data.contains("\"total\":3"))
			.satisfiesExactly((data) -> assertThat(data).contains("\"completed\":1"),
					(data) -> assertThat(data).contains("\"completed\":2"),
					(data) -> assertThat(data).contains("\"completed\":3"));
		// prompts end in any order: each item names its index
		assertThat(List.of(events.get(0), events.get(2), events.get(4))).extracting(SseEvents.Event::data)
			.containsExactlyInAnyOrder("{\"index\":0,\"ok\":true,\"text\":\"echo: one\"}",
					"{\"index\":1,\"ok\":true,\"text\":\"echo: two words\"}",
					"{\"index\":2,\"ok\":true,\"text\":\"echo: three\"}");
		assertThat(events.get(6).data()).contains("\"succeeded\":3")
			.contains("\"failed\":0")
			.contains("\"elapsedMs\":");
	}

	@Test
	void batchAboveTheLimitIsAnswered400BeforeTheStreamStarts() {
		String prompts = IntStream.range(0, 6).mapToObj((i) -> "\"p" + i + "\"").collect(Collectors.joining(","));
		batch("{\"prompts\": [" + prompts + "]}").expectStatus()
			.isBadRequest()
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("bad_request")
			.jsonPath("$.error")
			.value(String.class,
					(error) -> assertThat(error).contains("holds 6 prompts").contains("sample.batch.max-prompts"));
	}

	@Test
	void blankPromptIsAnswered400NamingItsIndex() {
		batch("{\"prompts\": [\"fine\", \" \"]}").expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.error")
			.value(String.class, (error) -> assertThat(error).contains("prompts[1] must not be blank"));
	}

	@Test
	void promptLongerThanTheLimitIsAnswered400NamingItsIndexAndTheProperty() {
		batch("{\"prompts\": [\"fine\", \"" + "x".repeat(21) + "\"]}").expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.error")
			.value(String.class,
					(error) -> assertThat(error).contains("prompts[1] holds 21 characters")
						.contains("at most 20")
						.contains("sample.prompt.max-chars"));
	}

	private ResponseSpec batch(String body) {
		return this.client.post()
			.uri("/api/batch/stream")
			.contentType(MediaType.APPLICATION_JSON)
			.accept(MediaType.TEXT_EVENT_STREAM)
			.body(body)
			.exchange();
	}

}
