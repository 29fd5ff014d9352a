package dev.llmclient.sample.demo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo backend's flex tier: while the console says flex has no capacity, a request
 * for {@code service_tier: flex} is refused as OpenAI refuses it (429, code
 * {@code resource_unavailable}); any other request, with or without a priority, is
 * served.
 */
class DemoServiceTierTests {

	private static final String CHAT = "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]%s}";

	private static final DemoControls controls = new DemoControls(Duration.ZERO, PrefixCache.DEFAULT_SIZE, 2);

	private static DemoBackend backend;

	private final HttpClient http = HttpClient.newHttpClient();

	@BeforeAll
	static void start() throws IOException {
		controls.setFlexUnavailable(true);
		backend = DemoBackend.start(controls, ProviderLimits.NONE);
	}

	@AfterAll
	static void stop() {
		backend.close();
	}

	@Test
	void flexIsRefusedAsOpenAiRefusesItWhenItHasNoCapacity() throws Exception {
		HttpResponse<String> response = postChat(CHAT.formatted(", \"service_tier\": \"flex\""));
		assertThat(response.statusCode()).isEqualTo(429);
		DocumentContext error = JsonPath.parse(response.body());
		assertThat(error.read("$.error.code", String.class)).isEqualTo("resource_unavailable");
		assertThat(error.read("$.error.message", String.class)).startsWith("Resource unavailable");
	}

	@Test
	void theDefaultTierAndPrioritiesAreServed() throws Exception {
		assertThat(postChat(CHAT.formatted("")).statusCode()).isEqualTo(200);
		assertThat(postChat(CHAT.formatted(", \"service_tier\": \"default\", \"priority\": 10")).statusCode())
			.isEqualTo(200);
	}

	private HttpResponse<String> postChat(String body) throws IOException, InterruptedException {
		return this.http.send(HttpRequest.newBuilder(URI.create(backend.baseUrl() + "/chat/completions"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

}
