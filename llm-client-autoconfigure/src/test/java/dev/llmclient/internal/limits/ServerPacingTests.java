package dev.llmclient.internal.limits;

import java.time.Clock;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.http.HttpHeaders;

import dev.llmclient.testsupport.TestClients;

import static org.assertj.core.api.Assertions.assertThat;

class ServerPacingTests {

	@ParameterizedTest
	@CsvSource({ "1s, PT1S", "6m0s, PT6M", "12ms, PT0.012S", "1m7.5s, PT1M7.5S", "1h2m, PT1H2M", "500us, PT0.0005S",
			"2, PT2S", "0.5, PT0.5S" })
	void readsGoDurationsAndPlainSeconds(String text, Duration expected) {
		assertThat(ServerPacing.parseDuration(text)).isEqualTo(expected);
	}

	@ParameterizedTest
	@ValueSource(strings = { "soon", "", "1x", "-1s", "1 s", "s" })
	void unreadableDurationsAreNoDuration(String text) {
		assertThat(ServerPacing.parseDuration(text)).isNull();
	}

	@Test
	void retryAfterOnA429PausesEveryCallWithAFixedLimit() {
		ServerPacing pacing = pacing(false);
		pacing.observe(429, headers("Retry-After", "5"));
		assertThat(Duration.ofNanos(pacing.waitNanos(0))).isBetween(Duration.ofSeconds(4), Duration.ofSeconds(5));
	}

	@Test
	void retryAfterOnA429PausesNoOtherCallWithTheAdaptiveLimit() {
		ServerPacing pacing = pacing(true);
		pacing.observe(429, headers("Retry-After", "5"));
		pacing.observe(429, headers("retry-after-ms", "5000"));
		assertThat(pacing.waitNanos(0)).isZero();
		assertThat(pacing.isPaused()).isFalse();
	}

	@Test
	void spentRequestBudgetPausesEveryCallAlsoWithTheAdaptiveLimit() {
		ServerPacing pacing = pacing(true);
		HttpHeaders headers = headers("Retry-After", "1");
		headers.set("x-ratelimit-remaining-requests", "0");
		headers.set("x-ratelimit-reset-requests", "6s");
		pacing.observe(429, headers);
		assertThat(Duration.ofNanos(pacing.waitNanos(0))).isBetween(Duration.ofSeconds(5), Duration.ofSeconds(6));
	}

	@Test
	void budgetLeftDoesNotPause() {
		ServerPacing pacing = pacing(true);
		HttpHeaders headers = headers("x-ratelimit-remaining-requests", "9999");
		headers.set("x-ratelimit-reset-requests", "8.64s");
		pacing.observe(200, headers);
		assertThat(pacing.waitNanos(0)).isZero();
	}

	private static ServerPacing pacing(boolean adaptive) {
		return new ServerPacing(TestClients.builder()
			.endpoint("http://127.0.0.1:1/v1")
			.adaptive((settings) -> settings.withEnabled(adaptive))
			.settings(), Clock.systemUTC());
	}

	private static HttpHeaders headers(String name, String value) {
		HttpHeaders headers = new HttpHeaders();
		headers.set(name, value);
		return headers;
	}

}
