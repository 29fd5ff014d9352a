package dev.llmclient.sample;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Request classes through the sample and its demo backend: a batch's calls are batch
 * class and go to the demo on the flex tier, falling back to the default tier when the
 * demo refuses flex as OpenAI does; chat is interactive and answers while a batch runs;
 * health shows both classes.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "sample.demo.token-delay=20ms", "sample.batch.max-prompts=1000",
				"llm.client.batch.service-tier=flex", "llm.client.batch.service-tier-fallback=true",
				"llm.client.retry.enabled=false" })
class RequestClassesTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final JsonMapper json = JsonMapper.builder().build();

	@LocalServerPort
	private int port;

	@AfterEach
	void serveFlexAgain() throws Exception {
		send("PUT", "/api/demo", "{\"flexUnavailable\": false}");
	}

	@Test
	void batchCallsRefusedOnFlexFallBackOnceToTheDefaultTierAndAreCounted() throws Exception {
		send("PUT", "/api/demo", "{\"flexUnavailable\": true}");
		double before = fallbacks();
		JsonNode batch = this.json
			.readTree(send("POST", "/api/batch", "{\"prompts\": [\"one\", \"two\", \"three\"]}").body());
		assertThat(batch.path("succeeded").asInt()).isEqualTo(3);
		assertThat(batch.path("failed").asInt()).isZero();
		assertThat(fallbacks() - before).isEqualTo(3);
	}

	@Test
	void chatIsInteractiveAndNeverSentOnFlex() throws Exception {
		send("PUT", "/api/demo", "{\"flexUnavailable\": true}");
		double before = fallbacks();
		HttpResponse<String> answer = send("POST", "/api/generate", "{\"prompt\": \"hi\"}");
		assertThat(answer.statusCode()).isEqualTo(200);
		assertThat(fallbacks()).isEqualTo(before);
	}

	@Test
	void healthShowsBothClassesAndChatAnswersWhileABatchRuns() throws Exception {
		String prompts = IntStream.range(0, 400)
			.mapToObj((i) -> "\"prompt number " + i + " of a long nightly batch\"")
			.collect(Collectors.joining(",", "{\"prompts\": [", "]}"));
		CompletableFuture<HttpResponse<String>> batch = this.http.sendAsync(request("POST", "/api/batch", prompts),
				BodyHandlers.ofString());
		JsonNode byClass = awaitBatchInFlight();
		for (String requestClass : new String[] { "interactive", "batch" }) {
			assertThat(byClass.path(requestClass).path("inFlight").isNumber()).as(requestClass + ".inFlight").isTrue();
			assertThat(byClass.path(requestClass).path("waiting").isNumber()).as(requestClass + ".waiting").isTrue();
			assertThat(byClass.path(requestClass).path("share").asDouble(-1)).as(requestClass + ".share")
				.isBetween(0.0, 1.0);
		}
		HttpResponse<String> answer = send("POST", "/api/generate", "{\"prompt\": \"still there?\"}");
		assertThat(answer.statusCode()).isEqualTo(200);
		assertThat(batch).as("the batch still runs when the chat has answered").isNotDone();
		assertThat(this.json.readTree(batch.get(WAIT.toSeconds(), TimeUnit.SECONDS).body()).path("succeeded").asInt())
			.isEqualTo(400);
	}

	/** Polls health, bounded, until batch calls are in flight; returns its byClass. */
	private JsonNode awaitBatchInFlight() throws Exception {
		long deadline = System.nanoTime() + WAIT.toNanos();
		while (true) {
			JsonNode byClass = this.json.readTree(send("GET", "/actuator/health", null).body())
				.path("components")
				.path("llmClient")
				.path("details")
				.path("bulkhead")
				.path("byClass");
			if (byClass.path("batch").path("inFlight").asInt() > 0) {
				return byClass;
			}
			assertThat(System.nanoTime()).as("batch calls in flight in health's bulkhead.byClass: " + byClass)
				.isLessThan(deadline);
			Thread.sleep(20);
		}
	}

	private double fallbacks() throws IOException, InterruptedException {
		HttpResponse<String> metric = send("GET",
				"/actuator/metrics/llm.client.retries?tag=reason:service_tier_fallback", null);
		if (metric.statusCode() == 404) {
			return 0;
		}
		return this.json.readTree(metric.body()).path("measurements").path(0).path("value").asDouble();
	}

	private HttpResponse<String> send(String method, String path, String body)
			throws IOException, InterruptedException {
		return this.http.send(request(method, path, body), BodyHandlers.ofString());
	}

	private HttpRequest request(String method, String path, String body) {
		return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.header("Content-Type", "application/json")
			.method(method, (body != null) ? BodyPublishers.ofString(body) : BodyPublishers.noBody())
			.build();
	}

}
