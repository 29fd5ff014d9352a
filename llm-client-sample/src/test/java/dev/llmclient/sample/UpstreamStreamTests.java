package dev.llmclient.sample;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.stream.Stream;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.client.RestTestClient;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /api/stream} pointed at a (stubbed) LLM server that streams: deltas are
 * forwarded as they arrive and byte for byte, and a failure, before or during the stream,
 * ends it with {@code event: error}.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "llm.client.retry.initial-backoff=5ms",
				"llm.client.retry.max-backoff=10ms" })
@AutoConfigureRestTestClient
@DirtiesContext
class UpstreamStreamTests {

	private static final String PATH = "/v1/chat/completions";

	private static final String DONE = "data: [DONE]\n\n";

	@RegisterExtension
	static WireMockExtension llmServer = WireMockExtension.newInstance()
		.options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
		.build();

	@DynamicPropertySource
	static void llmEndpoint(DynamicPropertyRegistry registry) {
		registry.add("llm.client.endpoint", () -> "http://127.0.0.1:" + llmServer.getPort() + "/v1");
	}

	@Autowired
	private RestTestClient client;

	@LocalServerPort
	private int port;

	private static String chunk(String content) {
		return "data: {\"id\":\"c1\",\"model\":\"gpt-test\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\""
				+ content + "\"},\"finish_reason\":null}]}\n\n";
	}

	private static String finish() {
		return "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n";
	}

	private static ResponseDefinitionBuilder sse(String body) {
		return aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream").withBody(body);
	}

	@Test
	void deltasKeepTheirLeadingSpacesAndLineBreaks() {
		llmServer.stubFor(post(PATH)
			.willReturn(sse(chunk("Hello") + chunk(" world") + chunk(",\\n  indented") + finish() + DONE)));
		SseEvents events = stream();
		assertThat(events.deltas()).containsExactly("Hello", " world", ",\n  indented");
		assertThat(events.last().name()).isEqualTo("done");
	}

	@Test
	void upstreamErrorMidStreamEndsWithAnErrorEvent() {
		llmServer.stubFor(post(PATH).willReturn(sse(chunk("Hel")
				+ "data: {\"error\":{\"message\":\"model overloaded\",\"type\":\"server_error\",\"code\":null}}\n\n")));
		SseEvents events = stream();
		assertThat(events.deltas()).containsExactly("Hel");
		SseEvents.Event error = events.last();
		assertThat(error.name()).isEqualTo("error");
		assertThat(error.data()).contains("\"status\":502")
			.contains("\"errorType\":\"stream_error\"")
			.contains("\"serverErrorType\":\"server_error\"")
			.doesNotContain("model overloaded", "127.0.0.1");
	}

	@Test
	void upstreamStreamCutMidWayEndsWithAnErrorEvent() {
		llmServer.stubFor(post(PATH).willReturn(sse(chunk("Hel") + chunk("lo"))));
		SseEvents events = stream();
		assertThat(events.deltas()).containsExactly("Hel", "lo");
		assertThat(events.last().name()).isEqualTo("error");
		assertThat(events.last().data()).contains("\"errorType\":\"stream_cut\"").contains("before it was complete");
	}

	@Test
	void upstreamErrorStatusBeforeTheStreamEndsWithAnErrorEventCarryingTheStatus() {
		llmServer.stubFor(post(PATH).willReturn(aResponse().withStatus(401)
			.withHeader("Content-Type", "application/json")
			.withBody(
					"{\"error\":{\"message\":\"Incorrect API key\",\"type\":\"invalid_request_error\",\"code\":null}}")));
		SseEvents events = stream();
		assertThat(events.deltas()).isEmpty();
		assertThat(events.events()).singleElement().satisfies((error) -> {
			assertThat(error.name()).isEqualTo("error");
			assertThat(error.data()).contains("\"status\":502")
				.contains("\"errorType\":\"401\"")
				.contains("\"serverStatus\":401")
				.contains("\"serverErrorType\":\"invalid_request_error\"")
				.doesNotContain("Incorrect API key", "llm.client");
		});
	}

	@Test
	void deltasReachTheCallerWhileTheUpstreamIsStillStreaming() throws IOException, InterruptedException {
		StringBuilder body = new StringBuilder();
		for (int i = 0; i < 10; i++) {
			body.append(chunk("w" + i + " "));
		}
		llmServer.stubFor(post(PATH)
			.willReturn(sse(body.append(finish()).append(DONE).toString()).withChunkedDribbleDelay(10, 1000)));
		HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
		HttpRequest request = HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/api/stream?prompt=hi"))
			.header("Accept", "text/event-stream")
			.timeout(Duration.ofSeconds(20))
			.build();
		long firstDelta = 0;
		long lastLine = 0;
		try (Stream<String> lines = http.send(request, HttpResponse.BodyHandlers.ofLines()).body()) {
			Iterator<String> iterator = lines.iterator();
			while (iterator.hasNext()) {
				String line = iterator.next();
				if (firstDelta == 0 && line.startsWith("data:{\"content\":\"w0")) {
					firstDelta = System.nanoTime();
				}
				lastLine = System.nanoTime();
			}
		}
		assertThat(firstDelta).isPositive();
		assertThat(Duration.ofNanos(lastLine - firstDelta)).as("first delta forwarded before the upstream ended")
			.isGreaterThan(Duration.ofMillis(400));
	}

	private SseEvents stream() {
		String body = this.client.get()
			.uri("/api/stream?prompt=hi")
			.accept(MediaType.TEXT_EVENT_STREAM)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		return SseEvents.parse(body);
	}

}
