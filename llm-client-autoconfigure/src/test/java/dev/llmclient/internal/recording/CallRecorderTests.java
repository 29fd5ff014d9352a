package dev.llmclient.internal.recording;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.llmclient.LlmBulkheadFullException;
import dev.llmclient.LlmClientHealth;
import dev.llmclient.LlmConnectionException;
import dev.llmclient.LlmHttpException;
import dev.llmclient.LlmTimeoutException;
import dev.llmclient.Usage;

import static dev.llmclient.internal.recording.OperationName.CHAT;
import static org.assertj.core.api.Assertions.assertThat;

class CallRecorderTests {

	private final CallRecorder recorder = new CallRecorder(new LatencyWindow(100), CallMetrics.NONE, 3);

	@Test
	void serverSideFailuresInARowMakeItDownOnlyAtTheConfiguredCount() {
		this.recorder.failure(CHAT, "m", 1, http(503));
		this.recorder.failure(CHAT, "m", 1, new LlmConnectionException("refused", null));
		assertThat(health().up()).isTrue();
		this.recorder.failure(CHAT, "m", 1, timeout());
		LlmClientHealth health = health();
		assertThat(health.up()).isFalse();
		assertThat(health.reason()).isEqualTo("the last 3 calls failed on the server's side");
	}

	@Test
	void oneSuccessMakesItUpAgain() {
		for (int i = 0; i < 5; i++) {
			this.recorder.failure(CHAT, "m", 1, http(500));
		}
		assertThat(health().up()).isFalse();
		this.recorder.success(CHAT, "m", 1, new Usage(1, 1, 2));
		assertThat(health().up()).isTrue();
		assertThat(health().reason()).isNull();
	}

	@Test
	void failuresCausedByTheRequestNeverMakeItDown() {
		for (int status : new int[] { 400, 404, 409, 413, 422, 429 }) {
			this.recorder.failure(CHAT, "m", 1, http(status));
		}
		LlmClientHealth health = health();
		assertThat(health.up()).isTrue();
		assertThat(health.calls()).isEqualTo(new LlmClientHealth.Calls(6, 0, 6));
		assertThat(health.lastError().type()).isEqualTo("429");
		assertThat(health.lastError().exception()).isEqualTo("LlmHttpException");
	}

	@Test
	void oneRefusedKeyMakesItDownUntilACallSucceeds() {
		for (int status : new int[] { 401, 403 }) {
			this.recorder.failure(CHAT, "m", 1, http(status));
			LlmClientHealth health = health();
			assertThat(health.up()).isFalse();
			assertThat(health.reason()).startsWith("the LLM server refused the client's credentials on the last call")
				.contains("HTTP " + status);
			this.recorder.success(CHAT, "m", 1, null);
			assertThat(health().up()).isTrue();
		}
	}

	@Test
	void credentialsRefusedAtWarmUpKeepItDownUntilACallSucceeds() {
		this.recorder.credentialsRefused("GET http://127.0.0.1:1/v1/models answered HTTP 401");
		assertThat(health().up()).isFalse();
		assertThat(health().reason()).isEqualTo("GET http://127.0.0.1:1/v1/models answered HTTP 401");
		this.recorder.probed(null);
		assertThat(health().up()).isFalse();
		this.recorder.success(CHAT, "m", 1, null);
		assertThat(health().up()).isTrue();
	}

	@Test
	void metricsCarryTheFailuresOwnErrorType() {
		List<String> recorded = new ArrayList<>();
		CallRecorder recorder = new CallRecorder(new LatencyWindow(100), new CallMetrics() {

			@Override
			public void record(OperationName operation, String model, long nanos, String errorType, Usage usage) {
				recorded.add(errorType);
			}

			@Override
			public void retry(OperationName operation, String reason) {
			}

		}, 3);
		recorder.success(CHAT, "m", 1, null);
		recorder.failure(CHAT, "m", 1, http(503));
		recorder.failure(CHAT, "m", 1, timeout());
		recorder.rejected(CHAT, "m", 1, bulkheadFull());
		recorder.cancelled(CHAT, "m", 1);
		assertThat(recorded).containsExactly("none", "503", "timeout", "bulkhead_full", "cancelled");
	}

	@Test
	void unreachableAtStartUpIsDownUntilACallSucceeds() {
		this.recorder.unreachable(new LlmConnectionException("Could not connect to http://127.0.0.1:1/v1", null));
		LlmClientHealth health = health();
		assertThat(health.up()).isFalse();
		assertThat(health.reason()).startsWith("endpoint could not be reached at start-up");
		assertThat(health.lastError().type()).isEqualTo("io");
		this.recorder.success(CHAT, "m", 1, null);
		assertThat(health().up()).isTrue();
	}

	@Test
	void probeThatReachesTheEndpointClearsTheStartUpVerdict() {
		this.recorder.unreachable(new LlmConnectionException("refused", null));
		this.recorder.probed("GET http://127.0.0.1:1/v1/models got no answer");
		assertThat(health().reason()).isEqualTo("GET http://127.0.0.1:1/v1/models got no answer");
		this.recorder.probed(null);
		assertThat(health().up()).isTrue();
	}

	@Test
	void probeAnsweringDoesNotHideFailingCalls() {
		for (int i = 0; i < 3; i++) {
			this.recorder.failure(CHAT, "m", 1, http(502));
		}
		this.recorder.probed(null);
		assertThat(health().up()).isFalse();
	}

	@Test
	void bulkheadRejectionCountsAsFailedButStaysOutOfTheLatencyWindow() {
		this.recorder.success(CHAT, "m", 2_000_000, null);
		this.recorder.rejected(CHAT, "m", 30_000_000_000L, bulkheadFull());
		LlmClientHealth health = health();
		assertThat(health.calls()).isEqualTo(new LlmClientHealth.Calls(2, 1, 1));
		assertThat(health.latency().count()).isEqualTo(1);
		assertThat(health.latency().maxMs()).isEqualTo(2.0);
		assertThat(health.lastError().type()).isEqualTo("bulkhead_full");
		assertThat(health.lastError().exception()).isEqualTo("LlmBulkheadFullException");
		assertThat(health.up()).isTrue();
	}

	private LlmClientHealth health() {
		return this.recorder.health("http://127.0.0.1:1/v1", "m", new LlmClientHealth.Pool(0, 0, 0, 10),
				new LlmClientHealth.Bulkhead(10, 10, 0, 0), null);
	}

	private static LlmHttpException http(int status) {
		return new LlmHttpException("HTTP " + status, status, null, null, null, null, null);
	}

	private static LlmTimeoutException timeout() {
		return new LlmTimeoutException("read timeout", LlmTimeoutException.Kind.READ, Duration.ofSeconds(1), null);
	}

	private static LlmBulkheadFullException bulkheadFull() {
		return new LlmBulkheadFullException(10, 10, Duration.ZERO, "llm.client.max-concurrent", "llm.client.max-wait");
	}

}
