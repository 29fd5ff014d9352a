package dev.llmclient.internal.call;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.llmclient.LlmClientSettings;
import dev.llmclient.RetrySettings;
import dev.llmclient.testsupport.TestClients;
import dev.llmclient.internal.recording.CallMetrics;

import static org.assertj.core.api.Assertions.assertThat;

class RetrierTests {

	@Test
	void backoffGrowsByTheMultiplierUpToTheMaximum() {
		Retrier retrier = retrier(new RetrySettings(true, 10, Duration.ofMillis(100), Duration.ofMillis(500), 2.0, 0,
				Duration.ofSeconds(60)));
		assertThat(retrier.backoff(1)).isEqualTo(Duration.ofMillis(100));
		assertThat(retrier.backoff(2)).isEqualTo(Duration.ofMillis(200));
		assertThat(retrier.backoff(3)).isEqualTo(Duration.ofMillis(400));
		assertThat(retrier.backoff(4)).isEqualTo(Duration.ofMillis(500));
		assertThat(retrier.backoff(40)).isEqualTo(Duration.ofMillis(500));
	}

	@Test
	void jitterSpreadsTheWaitAroundTheComputedBackoff() {
		Retrier retrier = retrier(new RetrySettings(true, 3, Duration.ofMillis(1000), Duration.ofSeconds(8), 2.0, 0.25,
				Duration.ofSeconds(60)));
		for (int i = 0; i < 1000; i++) {
			assertThat(retrier.backoff(1)).isBetween(Duration.ofMillis(750), Duration.ofMillis(1250));
		}
	}

	private static Retrier retrier(RetrySettings retry) {
		LlmClientSettings settings = TestClients.builder()
			.endpoint("http://127.0.0.1:1/v1")
			.retry((defaults) -> retry)
			.lifecycle((lifecycle) -> lifecycle.withShutdownTimeout(Duration.ZERO))
			.settings();
		return new Retrier(settings, CallMetrics.NONE, new CallGate(settings), () -> Duration.ZERO, null);
	}

}
