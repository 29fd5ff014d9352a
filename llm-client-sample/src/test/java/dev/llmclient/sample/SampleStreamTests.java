package dev.llmclient.sample;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.client.RestTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /api/stream} against the offline demo backend, which streams its echo answer
 * word by word.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "server.address=127.0.0.1")
@AutoConfigureRestTestClient
class SampleStreamTests {

	@Autowired
	private RestTestClient client;

	@Test
	void streamForwardsEachDeltaAsADataEventAndEndsWithDone() {
		SseEvents events = stream("hello big world");
		assertThat(events.deltas()).containsExactly("echo: ", "hello ", "big ", "world");
		assertThat(String.join("", events.deltas())).isEqualTo("echo: hello big world");
		assertThat(events.named("usage").data()).contains("\"outputTokens\":4");
		SseEvents.Event done = events.last();
		assertThat(done.name()).isEqualTo("done");
		assertThat(done.data()).contains("\"finishReason\":\"stop\"")
			.contains("\"model\":\"echo\"")
			.contains("\"latencyMs\":");
	}

	@ParameterizedTest
	@NullAndEmptySource
	@ValueSource(strings = "   ")
	void missingOrBlankPromptIsAnswered400WithAJsonErrorEvenToAnEventStreamClient(String prompt) {
		this.client.get()
			.uri((prompt != null) ? "/api/stream?prompt={prompt}" : "/api/stream", prompt)
			.accept(MediaType.TEXT_EVENT_STREAM)
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("bad_request")
			.jsonPath("$.error")
			.value(String.class, (error) -> assertThat(error).contains("'prompt'"));
	}

	@Test
	void postedPromptStreamsTheSameWayAndTheDoneEventTellsTheTimeToFirstChunk() {
		String body = this.client.post()
			.uri("/api/stream")
			.contentType(MediaType.APPLICATION_JSON)
			.accept(MediaType.TEXT_EVENT_STREAM)
			.body("{\"prompt\": \"posted prompt\"}")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		SseEvents events = SseEvents.parse(body);
		assertThat(String.join("", events.deltas())).isEqualTo("echo: posted prompt");
		assertThat(events.last().name()).isEqualTo("done");
		assertThat(events.last().data()).containsPattern("\"timeToFirstChunkMs\":\\d+");
	}

	@Test
	void promptLongerThanTheLimitIsAnswered400NamingThePropertyBeforeAnythingIsSent() {
		this.client.post()
			.uri("/api/stream")
			.contentType(MediaType.APPLICATION_JSON)
			.accept(MediaType.TEXT_EVENT_STREAM)
			.body("{\"prompt\": \"" + "x".repeat(100_001) + "\"}")
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("bad_request")
			.jsonPath("$.error")
			.value(String.class,
					(error) -> assertThat(error).contains("Field 'prompt' holds 100001 characters")
						.contains("at most 100000")
						.contains("sample.prompt.max-chars"));
	}

	@Test
	void streamsAreMeasuredWithTimeToFirstChunk() {
		stream("measure me");
		this.client.get()
			.uri("/actuator/prometheus")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.value((scrape) -> assertThat(scrape).contains("gen_ai_client_operation_time_to_first_chunk_seconds_count{")
				.contains("gen_ai_client_token_usage"));
	}

	private SseEvents stream(String prompt) {
		String body = this.client.get()
			.uri("/api/stream?prompt={prompt}", prompt)
			.accept(MediaType.TEXT_EVENT_STREAM)
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.TEXT_EVENT_STREAM)
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		return SseEvents.parse(body);
	}

}
