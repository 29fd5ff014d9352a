package dev.llmclient.health;

import java.util.List;

import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import dev.llmclient.LlmClient;
import dev.llmclient.LlmClientHealth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

class LlmClientHealthIndicatorTests {

	private final LlmClient client = mock(LlmClient.class);

	private final LlmClientHealthIndicator indicator = new LlmClientHealthIndicator(this.client);

	@Test
	void upClientShowsEveryDetail() {
		given(this.client.health()).willReturn(health(true, null, null));
		Health health = this.indicator.health(true);
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails()).containsOnlyKeys("endpoint", "model", "pool", "bulkhead", "latency", "calls",
				"rateLimit");
		assertThat(health.getDetails()).containsEntry("endpoint", "http://localhost:11434/v1");
		assertThat(health.getDetails().get("pool"))
			.isEqualTo(Map.of("available", 2, "leased", 1, "pending", 0, "max", 10));
		assertThat(health.getDetails().get("bulkhead"))
			.isEqualTo(Map.of("maxConcurrent", 10, "limit", 10, "inFlight", 1, "waiting", 0));
		assertThat(health.getDetails().get("rateLimit"))
			.as("no token budget: no tokensRemaining; paused by the server for 1.5s more")
			.isEqualTo(Map.of("requestsRemaining", 499L, "pausedByServer", true, "pauseRemainingMs", 1500L));
		assertThat(health.getDetails().get("latency")).isEqualTo(
				Map.of("count", 3, "capacity", 1000, "p50Ms", 12.5, "p95Ms", 30.0, "p99Ms", 30.0, "maxMs", 30.0));
		assertThat(health.getDetails().get("calls"))
			.isEqualTo(Map.of("total", 4L, "succeeded", 3L, "failed", 1L, "cancelled", 0L));
	}

	@Test
	void bulkheadShowsEachRequestClass() {
		LlmClientHealth up = health(true, null, null);
		given(this.client.health()).willReturn(new LlmClientHealth(true, null, up.endpoint(), up.model(), up.pool(),
				new LlmClientHealth.Bulkhead(16, 16, 16, 3,
						Map.of("interactive", new LlmClientHealth.ClassShare(4, 1, 1.0), "batch",
								new LlmClientHealth.ClassShare(12, 2, 0.75))),
				up.latency(), up.calls(), null, up.rateLimit(), List.of()));
		Health health = this.indicator.health(true);
		assertThat(health.getDetails().get("bulkhead")).isEqualTo(Map.of("maxConcurrent", 16, "limit", 16, "inFlight",
				16, "waiting", 3, "byClass", Map.of("interactive", Map.of("inFlight", 4, "waiting", 1, "share", 1.0),
						"batch", Map.of("inFlight", 12, "waiting", 2, "share", 0.75))));
	}

	@Test
	void downClientSaysWhyAndShowsTheLastError() {
		var lastError = new LlmClientHealth.LastError("io", "LlmConnectionException", "Could not connect",
				Instant.parse("2026-01-01T00:00:00Z"));
		given(this.client.health())
			.willReturn(health(false, "the last 5 calls failed on the server's side", lastError));
		Health health = this.indicator.health(true);
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails()).containsEntry("reason", "the last 5 calls failed on the server's side");
		assertThat(health.getDetails().get("lastError")).isEqualTo(Map.of("type", "io", "exception",
				"LlmConnectionException", "message", "Could not connect", "at", "2026-01-01T00:00:00Z"));
	}

	private static LlmClientHealth health(boolean up, String reason, LlmClientHealth.LastError lastError) {
		return new LlmClientHealth(up, reason, "http://localhost:11434/v1", "llama3.2",
				new LlmClientHealth.Pool(2, 1, 0, 10), new LlmClientHealth.Bulkhead(10, 10, 1, 0),
				new LlmClientHealth.Latency(3, 1000, 12.5, 30.0, 30.0, 30.0), new LlmClientHealth.Calls(4, 3, 1),
				lastError, new LlmClientHealth.RateLimit(499L, null, true, 1500), List.of());
	}

}
