package dev.llmclient.sample.demo;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ProviderLimitsTests {

	private static final String CHAT = "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}";

	private final HttpClient http = HttpClient.newHttpClient();

	@Test
	void requestsBeyondTheMinutesBudgetAreRefusedWithTheHeadersOpenAiSends() throws Exception {
		try (DemoBackend backend = DemoBackend.start(new ProviderLimits(0, 2, Duration.ZERO))) {
			HttpResponse<String> first = post(backend);
			assertThat(first.statusCode()).isEqualTo(200);
			assertThat(first.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("1");
			assertThat(first.headers().firstValue("x-ratelimit-reset-requests"))
				.hasValueSatisfying((reset) -> assertThat(reset).matches("\\d+ms"));
			assertThat(post(backend).headers().firstValue("x-ratelimit-remaining-requests")).hasValue("0");
			HttpResponse<String> third = post(backend);
			assertThat(third.statusCode()).isEqualTo(429);
			assertThat(third.headers().firstValue("Retry-After"))
				.hasValueSatisfying((seconds) -> assertThat(Integer.parseInt(seconds)).isBetween(1, 60));
			assertThat(third.body()).contains("2 requests per minute");
			HttpResponse<String> models = this.http.send(
					HttpRequest.newBuilder(URI.create(backend.baseUrl() + "/models")).build(), BodyHandlers.ofString());
			assertThat(models.statusCode()).as("only POSTs count").isEqualTo(200);
		}
	}

	@Test
	void negativeLimitsAreRefusedNamingTheProperties() {
		assertThatIllegalArgumentException().isThrownBy(() -> new ProviderLimits(-1, 0, Duration.ZERO))
			.withMessageContaining("sample.demo.capacity");
	}

	private HttpResponse<String> post(DemoBackend backend) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create(backend.baseUrl() + "/chat/completions"))
			.header("Content-Type", "application/json")
			.POST(BodyPublishers.ofString(CHAT))
			.build(), BodyHandlers.ofString());
	}

}
