package dev.llmclient.internal.limits;

import java.time.Duration;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

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

}
