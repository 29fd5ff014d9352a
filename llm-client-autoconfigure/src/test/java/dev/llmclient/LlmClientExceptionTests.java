package dev.llmclient;

import java.net.ConnectException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.time.Duration;

import javax.net.ssl.SSLHandshakeException;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import dev.llmclient.LlmClientException.Origin;
import dev.llmclient.LlmTimeoutException.Kind;
import dev.llmclient.batch.LlmBatchDeadlineException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The error taxonomy: each exception type answers its error type (the {@code error.type}
 * metric tag), where the cause lies (the health rule) and whether it is retried.
 */
class LlmClientExceptionTests {

	@ParameterizedTest
	@CsvSource({ "400,REQUEST,false", "401,CONFIGURATION,false", "403,CONFIGURATION,false", "404,REQUEST,false",
			"408,SERVER,true", "409,REQUEST,true", "422,REQUEST,false", "429,REQUEST,true", "500,SERVER,true",
			"503,SERVER,true" })
	void httpErrorIsTypedByItsStatus(int status, Origin origin, boolean retryable) {
		LlmHttpException ex = http(status, null);
		assertThat(ex.errorType()).isEqualTo(Integer.toString(status));
		assertThat(ex.origin()).isEqualTo(origin);
		assertThat(ex.isRetryable()).isEqualTo(retryable);
	}

	@Test
	void serverRetryHintWinsOverTheStatus() {
		assertThat(http(503, false).isRetryable()).isFalse();
		assertThat(http(400, true).isRetryable()).isTrue();
		assertThat(http(400, true).errorType()).isEqualTo("400");
	}

	@ParameterizedTest
	@EnumSource(value = Kind.class, names = { "CONNECT", "READ", "CALL_DEADLINE", "WARM_UP" })
	void timeoutWaitingOnTheServerIsTheServersAndOnlyAConnectTimeoutIsRetried(Kind kind) {
		LlmTimeoutException ex = new LlmTimeoutException("slow", kind, Duration.ofSeconds(1), null);
		assertThat(ex.errorType()).isEqualTo("timeout");
		assertThat(ex.kind()).isEqualTo(kind);
		assertThat(ex.origin()).isEqualTo(Origin.SERVER);
		assertThat(ex.isRetryable()).isEqualTo(kind == Kind.CONNECT);
	}

	@Test
	void fullBulkheadIsATimeoutToldApartByItsErrorType() {
		LlmBulkheadFullException ex = new LlmBulkheadFullException(10, 10, Duration.ofSeconds(30), "max-concurrent",
				"max-wait");
		assertThat(ex).isInstanceOf(LlmTimeoutException.class);
		assertThat(ex.kind()).isEqualTo(Kind.BULKHEAD_WAIT);
		assertThat(ex.errorType()).isEqualTo("bulkhead_full");
		assertThat(ex.origin()).isEqualTo(Origin.CLIENT);
		assertThat(ex.isRetryable()).isFalse();
		assertThat(ex.maxWait()).isEqualTo(Duration.ofSeconds(30));
		assertThat(ex.timeout()).isEqualTo(Duration.ofSeconds(30));
	}

	@Test
	void batchDeadlineIsATimeoutOfTheClientsOwn() {
		LlmBatchDeadlineException ex = new LlmBatchDeadlineException(3, Duration.ofSeconds(1), false);
		assertThat(ex.kind()).isEqualTo(Kind.BATCH_DEADLINE);
		assertThat(ex.errorType()).isEqualTo("timeout");
		assertThat(ex.origin()).isEqualTo(Origin.CLIENT);
		assertThat(ex.isRetryable()).isFalse();
	}

	@Test
	void connectionFailureIsRetriedUnlessItWouldFailTheSameWay() {
		assertThat(new LlmConnectionException("refused", new ConnectException()).isRetryable()).isTrue();
		assertThat(new LlmConnectionException("reset", new SocketException()).isRetryable()).isTrue();
		assertThat(new LlmConnectionException("dns", new UnknownHostException()).isRetryable()).isFalse();
		assertThat(new LlmConnectionException("tls", new SSLHandshakeException("x")).isRetryable()).isFalse();
		LlmConnectionException ex = new LlmConnectionException("refused", null);
		assertThat(ex.errorType()).isEqualTo("io");
		assertThat(ex.origin()).isEqualTo(Origin.SERVER);
	}

	@Test
	void streamFailureIsRetriedOnlyWhenCutBeforeAnyChunk() {
		LlmStreamException cutEarly = new LlmStreamException("cut", false, null, null, 0, null);
		LlmStreamException cutLate = new LlmStreamException("cut", false, null, null, 2, null);
		LlmStreamException reported = new LlmStreamException("error", true, "server_error", null, 0, null);
		assertThat(cutEarly.errorType()).isEqualTo("stream_cut");
		assertThat(cutEarly.isRetryable()).isTrue();
		assertThat(cutLate.isRetryable()).isFalse();
		assertThat(reported.errorType()).isEqualTo("stream_error");
		assertThat(reported.serverErrorType()).isEqualTo("server_error");
		assertThat(reported.isRetryable()).isFalse();
		assertThat(reported.origin()).isEqualTo(Origin.SERVER);
	}

	@Test
	void otherFailuresAreTypedByTheirClass() {
		LlmMalformedResponseException malformed = new LlmMalformedResponseException("html", null);
		assertThat(malformed.errorType()).isEqualTo("malformed_response");
		assertThat(malformed.origin()).isEqualTo(Origin.SERVER);
		assertThat(malformed.isRetryable()).isFalse();
		LlmClientClosedException closed = new LlmClientClosedException("closed", null);
		assertThat(closed.errorType()).isEqualTo("client_closed");
		assertThat(closed.origin()).isEqualTo(Origin.CLIENT);
		assertThat(closed.isRetryable()).isFalse();
		LlmClientException other = new LlmClientException("interrupted");
		assertThat(other.errorType()).isEqualTo("other");
		assertThat(other.origin()).isEqualTo(Origin.CLIENT);
		assertThat(other.isRetryable()).isFalse();
	}

	private static LlmHttpException http(int status, Boolean retryHint) {
		return new LlmHttpException("HTTP " + status, status, "server_type", null, null, null, retryHint);
	}

}
