package dev.llmclient.internal.wire;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import org.springframework.http.HttpHeaders;

import static org.assertj.core.api.Assertions.assertThat;

class RetryAfterTests {

	private final Clock clock = Clock.fixed(Instant.parse("2026-11-29T10:00:00Z"), ZoneOffset.UTC);

	private Duration parse(String name, String value) {
		HttpHeaders headers = new HttpHeaders();
		headers.add(name, value);
		return RetryAfter.parse(headers, this.clock);
	}

	@Test
	void readsSecondsMillisecondsAndHttpDates() {
		assertThat(parse("Retry-After", "2")).isEqualTo(Duration.ofSeconds(2));
		assertThat(parse("Retry-After", "1.5")).isEqualTo(Duration.ofMillis(1500));
		assertThat(parse("retry-after-ms", "250")).isEqualTo(Duration.ofMillis(250));
		assertThat(parse("Retry-After", "Sun, 29 Nov 2026 10:00:30 GMT")).isEqualTo(Duration.ofSeconds(30));
	}

	@Test
	void pastDatesMeanNoWaitAndGarbageMeansNoHint() {
		assertThat(parse("Retry-After", "Sun, 29 Nov 2026 09:00:00 GMT")).isZero();
		assertThat(parse("Retry-After", "soon")).isNull();
		assertThat(RetryAfter.parse(new HttpHeaders(), this.clock)).isNull();
	}

	@Test
	void valuesOutsideRfc9110AreIgnoredSoTheComputedBackoffApplies() {
		for (String value : new String[] { "NaN", "-1", "-0.5", "Infinity", "-Infinity", "1e3", "0x10", "+5", "2s",
				"1.", ".5", "1,5", "five", "" }) {
			assertThat(parse("Retry-After", value)).as("Retry-After: %s", value).isNull();
			assertThat(parse("retry-after-ms", value)).as("retry-after-ms: %s", value).isNull();
		}
	}

	@Test
	void anInvalidRetryAfterMsFallsBackToAValidRetryAfter() {
		HttpHeaders headers = new HttpHeaders();
		headers.add("retry-after-ms", "NaN");
		headers.add("Retry-After", "3");
		assertThat(RetryAfter.parse(headers, this.clock)).isEqualTo(Duration.ofSeconds(3));
	}

	@Test
	void zeroAndSurroundingWhitespaceAreValid() {
		assertThat(parse("Retry-After", "0")).isZero();
		assertThat(parse("Retry-After", " 7 ")).isEqualTo(Duration.ofSeconds(7));
		assertThat(parse("retry-after-ms", "0.5")).isEqualTo(Duration.ofNanos(500_000));
	}

}
