package dev.llmclient.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.llmclient.LlmClient;
import dev.llmclient.LlmClientBuilder;
import dev.llmclient.LlmConnectionException;
import dev.llmclient.LlmHttpException;
import dev.llmclient.LlmMalformedResponseException;
import dev.llmclient.LlmTimeoutException;
import dev.llmclient.testsupport.CannedBodies;
import dev.llmclient.testsupport.LoopbackWireMock;
import dev.llmclient.testsupport.RawHttpServer;
import dev.llmclient.testsupport.TestClients;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ResilienceTests {

	private static final String ANSWER = CannedBodies.contentOnly("ok");

	private static final String PATH = "/v1/chat/completions";

	@RegisterExtension
	static WireMockExtension server = LoopbackWireMock.extension();

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private LlmClient client;

	private RawHttpServer rawServer;

	@AfterEach
	void close() throws IOException {
		if (this.client != null) {
			this.client.close();
		}
		if (this.rawServer != null) {
			this.rawServer.close();
		}
	}

	private LlmClientBuilder builder(String baseUrl) {
		return TestClients.lazy(baseUrl + "/v1")
			.retry((retry) -> retry.withInitialBackoff(Duration.ofMillis(10)).withMaxBackoff(Duration.ofMillis(40)))
			.meterRegistry(this.registry);
	}

	private LlmClient client() {
		this.client = builder(server.baseUrl()).build();
		return this.client;
	}

	private void failTwiceThen(com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder failure) {
		server.stubFor(post(PATH).inScenario("flaky")
			.whenScenarioStateIs(Scenario.STARTED)
			.willReturn(failure)
			.willSetStateTo("failed once"));
		server.stubFor(post(PATH).inScenario("flaky")
			.whenScenarioStateIs("failed once")
			.willReturn(failure)
			.willSetStateTo("failed twice"));
		server.stubFor(post(PATH).inScenario("flaky").whenScenarioStateIs("failed twice").willReturn(okJson(ANSWER)));
	}

	private double retries(String reason) {
		var counter = this.registry.find("llm.client.retries").tag("reason", reason).counter();
		return (counter != null) ? counter.count() : 0;
	}

	@Test
	void serviceUnavailableTwiceThenSuccessSucceedsOnTheThirdAttempt() {
		failTwiceThen(aResponse().withStatus(503));
		assertThat(client().generate("Hi")).isEqualTo("ok");
		server.verify(3, postRequestedFor(urlEqualTo(PATH)));
		assertThat(retries("503")).isEqualTo(2);
	}

	@Test
	void givesUpAfterMaxAttemptsWithTheLastError() {
		server.stubFor(post(PATH).willReturn(aResponse().withStatus(500)));
		assertThatExceptionOfType(LlmHttpException.class).isThrownBy(() -> client().generate("Hi"))
			.satisfies((ex) -> assertThat(ex.statusCode()).isEqualTo(500));
		server.verify(3, postRequestedFor(urlEqualTo(PATH)));
	}

	@Test
	void retriesOnlyOnceWhenMaxAttemptsIsTwo() {
		server.stubFor(post(PATH).willReturn(aResponse().withStatus(502)));
		this.client = builder(server.baseUrl()).retry((retry) -> retry.withMaxAttempts(2)).build();
		assertThatExceptionOfType(LlmHttpException.class).isThrownBy(() -> this.client.generate("Hi"));
		server.verify(2, postRequestedFor(urlEqualTo(PATH)));
	}

	@Test
	void rateLimitWithRetryAfterOneSecondWaitsAboutASecond() {
		failTwiceThen(aResponse().withStatus(429).withHeader("Retry-After", "1"));
		this.client = builder(server.baseUrl()).retry((retry) -> retry.withMaxAttempts(2)).build();
		server.stubFor(post(PATH).inScenario("flaky").whenScenarioStateIs("failed once").willReturn(okJson(ANSWER)));
		long start = System.nanoTime();
		assertThat(this.client.generate("Hi")).isEqualTo("ok");
		Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
		assertThat(elapsed).isGreaterThanOrEqualTo(Duration.ofMillis(950)).isLessThan(Duration.ofSeconds(10));
		assertThat(retries("429")).isEqualTo(1);
	}

	@Test
	void retryAfterInMillisecondsIsHonoured() {
		failTwiceThen(aResponse().withStatus(429).withHeader("retry-after-ms", "300").withHeader("Retry-After", "30"));
		long start = System.nanoTime();
		assertThat(client().generate("Hi")).isEqualTo("ok");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(590))
			.isLessThan(Duration.ofSeconds(10));
	}

	@Test
	void retryAfterPastTheDeadlineFailsAtOnceWithTheServersWait() {
		server.stubFor(post(PATH).willReturn(aResponse().withStatus(429).withHeader("Retry-After", "30")));
		this.client = builder(server.baseUrl()).limits((limits) -> limits.withTimeout(Duration.ofSeconds(5))).build();
		long start = System.nanoTime();
		assertThatExceptionOfType(LlmHttpException.class).isThrownBy(() -> this.client.generate("Hi"))
			.withMessageContaining("the server asked to wait PT30S")
			.withMessageContaining("llm.client.timeout");
		// far less than the 30 s the server asked for, with room for a loaded machine
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
		server.verify(1, postRequestedFor(urlEqualTo(PATH)));
	}

	@Test
	void retryAfterLongerThanMaxRetryAfterFailsAtOnce() {
		server.stubFor(post(PATH).willReturn(aResponse().withStatus(503).withHeader("Retry-After", "120")));
		assertThatExceptionOfType(LlmHttpException.class).isThrownBy(() -> client().generate("Hi"))
			.satisfies((ex) -> assertThat(ex.retryAfter()).isEqualTo(Duration.ofSeconds(120)))
			.withMessageContaining("PT2M")
			.withMessageContaining("llm.client.retry.max-retry-after=PT1M");
		server.verify(1, postRequestedFor(urlEqualTo(PATH)));
	}

	@Test
	void clientErrorsAreNeverRetried() {
		for (int status : new int[] { 400, 401, 403, 404, 422 }) {
			server.resetAll();
			server.stubFor(post(PATH).willReturn(aResponse().withStatus(status)));
			LlmClient client = (this.client != null) ? this.client : client();
			assertThatExceptionOfType(LlmHttpException.class).isThrownBy(() -> client.generate("Hi"));
			server.verify(1, postRequestedFor(urlEqualTo(PATH)));
		}
	}

	@Test
	void requestTimeoutAndConflictAreRetried() {
		failTwiceThen(aResponse().withStatus(408));
		assertThat(client().generate("Hi")).isEqualTo("ok");
		server.resetAll();
		failTwiceThen(aResponse().withStatus(409));
		assertThat(this.client.generate("Hi")).isEqualTo("ok");
		assertThat(retries("408")).isEqualTo(2);
		assertThat(retries("409")).isEqualTo(2);
	}

	@Test
	void serverRetryHintOverridesTheStatus() {
		server.stubFor(post(PATH).willReturn(aResponse().withStatus(503).withHeader("x-should-retry", "false")));
		assertThatExceptionOfType(LlmHttpException.class).isThrownBy(() -> client().generate("Hi"));
		server.verify(1, postRequestedFor(urlEqualTo(PATH)));
		server.resetAll();
		failTwiceThen(aResponse().withStatus(400).withHeader("x-should-retry", "true"));
		assertThat(this.client.generate("Hi")).isEqualTo("ok");
	}

	@Test
	void disabledRetriesMakeEveryCallOneAttempt() {
		server.stubFor(post(PATH).willReturn(aResponse().withStatus(503)));
		this.client = builder(server.baseUrl()).retry((retry) -> retry.withEnabled(false)).build();
		assertThatExceptionOfType(LlmHttpException.class).isThrownBy(() -> this.client.generate("Hi"));
		server.verify(1, postRequestedFor(urlEqualTo(PATH)));
	}

	@Test
	void malformedAnswersAreNotRetried() {
		server.stubFor(post(PATH).willReturn(okJson("{oops")));
		assertThatExceptionOfType(LlmMalformedResponseException.class).isThrownBy(() -> client().generate("Hi"));
		server.verify(1, postRequestedFor(urlEqualTo(PATH)));
	}

	@Test
	void connectionResetIsRetriedAndThenSucceeds() {
		failTwiceThen(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));
		assertThat(client().generate("Hi")).isEqualTo("ok");
		assertThat(retries("io")).isEqualTo(2);
		assertThat(this.client.health().pool().leased()).isZero();
	}

	@Test
	void hungServerFailsAfterReadTimeoutWithoutRetrying() {
		server.stubFor(post(PATH).willReturn(okJson(ANSWER).withFixedDelay(3_000)));
		this.client = builder(server.baseUrl())
			.connection((connection) -> connection.withReadTimeout(Duration.ofMillis(300)))
			.build();
		long start = System.nanoTime();
		assertThatExceptionOfType(LlmTimeoutException.class).isThrownBy(() -> this.client.generate("Hi"))
			.satisfies((ex) -> {
				assertThat(ex.kind()).isEqualTo(LlmTimeoutException.Kind.READ);
				assertThat(ex.getMessage()).contains("llm.client.read-timeout");
			});
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
		server.verify(1, postRequestedFor(urlEqualTo(PATH)));
	}

	@Test
	void deadlineBoundsTheWholeCallEvenWhileTheServerDribbles() throws IOException {
		this.rawServer = new RawHttpServer((exchange) -> {
			OutputStream out = exchange.socket().getOutputStream();
			out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n"
				.getBytes(StandardCharsets.US_ASCII));
			for (int i = 0; i < 100; i++) {
				out.write(' ');
				out.flush();
				pause(100);
			}
			return false;
		});
		this.client = builder(this.rawServer.baseUrl()).limits((limits) -> limits.withTimeout(Duration.ofMillis(800)))
			.build();
		long start = System.nanoTime();
		assertThatExceptionOfType(LlmTimeoutException.class).isThrownBy(() -> this.client.generate("Hi"))
			.satisfies((ex) -> {
				assertThat(ex.kind()).isEqualTo(LlmTimeoutException.Kind.CALL_DEADLINE);
				assertThat(ex.getMessage()).contains("llm.client.timeout=PT0.8S");
			});
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
		// the deadline timer aborts the request on its own thread, which may still be
		// returning the lease
		await().atMost(Duration.ofSeconds(5)).until(() -> this.client.health().pool().leased() == 0);
	}

	@Test
	void deadlineCoversBackoffBetweenAttempts() {
		server.stubFor(post(PATH).willReturn(aResponse().withStatus(503)));
		this.client = builder(server.baseUrl())
			.retry((retry) -> retry.withMaxAttempts(10)
				.withInitialBackoff(Duration.ofMillis(400))
				.withMaxBackoff(Duration.ofSeconds(5))
				.withJitter(0))
			.limits((limits) -> limits.withTimeout(Duration.ofMillis(1000)))
			.build();
		long start = System.nanoTime();
		assertThatExceptionOfType(LlmHttpException.class).isThrownBy(() -> this.client.generate("Hi"))
			.withMessageContaining("deadline");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1500));
	}

	@Test
	void oversizedAnswerIsCutOffWithoutDownloadingIt() throws IOException {
		long size = 64L * 1024 * 1024;
		AtomicLong written = new AtomicLong();
		this.rawServer = new RawHttpServer((exchange) -> {
			if (exchange.requestNumber() > 1) {
				exchange.respond(200, "application/json", ANSWER);
				return true;
			}
			OutputStream out = exchange.socket().getOutputStream();
			out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + size + "\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII));
			byte[] chunk = new byte[64 * 1024];
			java.util.Arrays.fill(chunk, (byte) 'x');
			for (long sent = 0; sent < size; sent += chunk.length) {
				out.write(chunk);
				written.addAndGet(chunk.length);
			}
			return false;
		});
		this.client = builder(this.rawServer.baseUrl())
			.connection((connection) -> connection.withMaxResponseSize(1024 * 1024))
			.build();
		assertThatExceptionOfType(LlmMalformedResponseException.class).isThrownBy(() -> this.client.generate("Hi"))
			.withMessageContaining("llm.client.max-response-size");
		assertThat(written.get()).isLessThan(size / 4);
		assertThat(this.client.generate("Hi")).isEqualTo("ok");
		assertThat(this.client.health().pool().leased()).isZero();
	}

	@Test
	void resetMidBodyIsATypedErrorAndTheClientRecovers() throws IOException {
		this.rawServer = new RawHttpServer((exchange) -> {
			if (exchange.requestNumber() > 1) {
				exchange.respond(200, "application/json", ANSWER);
				return true;
			}
			OutputStream out = exchange.socket().getOutputStream();
			out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"choices\":["
				.getBytes(StandardCharsets.US_ASCII));
			out.flush();
			exchange.reset();
			return false;
		});
		this.client = builder(this.rawServer.baseUrl()).retry((retry) -> retry.withEnabled(false)).build();
		assertThatExceptionOfType(LlmConnectionException.class).isThrownBy(() -> this.client.generate("Hi"));
		assertThat(this.client.generate("Hi")).isEqualTo("ok");
		assertThat(this.client.health().pool().leased()).isZero();
	}

	@Test
	void keepAliveConnectionClosedRightAfterAnAnswerIsRetriedAsACountedAttempt() throws IOException {
		this.rawServer = new RawHttpServer((exchange) -> {
			exchange.respond(200, "application/json", ANSWER);
			return false;
		});
		this.client = builder(this.rawServer.baseUrl()).retry((retry) -> retry.withMaxAttempts(2)).build();
		for (int i = 0; i < 5; i++) {
			assertThat(this.client.generate("Hi")).isEqualTo("ok");
		}
		assertThat(this.rawServer.connections()).isGreaterThanOrEqualTo(5);
		assertThat(this.rawServer.requests()).as("requests the server read").isEqualTo(5);
		assertThat(this.client.health().calls().failed()).isZero();
	}

	@Test
	void keepAliveConnectionTheServerClosedWhileIdleIsReplacedBeforeReuseEvenWithRetriesOff() throws IOException {
		this.rawServer = new RawHttpServer((exchange) -> {
			exchange.respond(200, "application/json", ANSWER);
			return false;
		});
		this.client = builder(this.rawServer.baseUrl()).retry((retry) -> retry.withEnabled(false)).build();
		assertThat(this.client.generate("Hi")).isEqualTo("ok");
		// idle for longer than the pool's validate-after-inactivity (1 s), as llama.cpp's
		// idle connections are when it closes them
		await().pollDelay(Duration.ofMillis(1100))
			.atMost(Duration.ofSeconds(10))
			.until(() -> this.rawServer.openConnections() == 0);
		assertThat(this.client.generate("Hi")).isEqualTo("ok");
		assertThat(this.rawServer.connections()).isEqualTo(2);
		assertThat(this.client.health().calls().failed()).isZero();
	}

	@Test
	void serverThatClosesEveryConnectionUnansweredReceivesMaxAttemptsRequestsPerCall() throws IOException {
		AtomicInteger posts = new AtomicInteger();
		this.rawServer = closingUnanswered(posts);
		this.client = builder(this.rawServer.baseUrl()).retry((retry) -> retry.withMaxAttempts(3))
			.lifecycle((lifecycle) -> lifecycle.withEagerInit(true))
			.build();
		assertThatExceptionOfType(LlmConnectionException.class).isThrownBy(() -> this.client.generate("Hi"));
		assertThat(posts).as("requests sent for one call with max-attempts 3").hasValue(3);
	}

	@Test
	void withRetriesOffAConnectionClosedUnansweredIsSentOnce() throws IOException {
		AtomicInteger posts = new AtomicInteger();
		this.rawServer = closingUnanswered(posts);
		this.client = builder(this.rawServer.baseUrl()).retry((retry) -> retry.withEnabled(false))
			.lifecycle((lifecycle) -> lifecycle.withEagerInit(true))
			.build();
		assertThatExceptionOfType(LlmConnectionException.class).isThrownBy(() -> this.client.generate("Hi"));
		assertThat(posts).as("requests sent for one call with retries off").hasValue(1);
	}

	/**
	 * A server that reads each request, then closes the connection without answering;
	 * counts the chat completions it read (warm-up sends GETs).
	 */
	private static RawHttpServer closingUnanswered(AtomicInteger posts) throws IOException {
		return new RawHttpServer((exchange) -> {
			if ("POST".equals(exchange.method())) {
				posts.incrementAndGet();
			}
			return false;
		});
	}

	@Test
	void invalidRetryAfterLeavesTheComputedBackoffInPlace() throws IOException {
		List<Long> received = new CopyOnWriteArrayList<>();
		this.rawServer = new RawHttpServer((exchange) -> {
			received.add(System.nanoTime());
			exchange.respondUnavailable("NaN", "busy");
			return true;
		});
		Duration initialBackoff = Duration.ofMillis(200);
		double jitter = 0.25;
		this.client = builder(this.rawServer.baseUrl())
			.retry((retry) -> retry.withMaxAttempts(3)
				.withInitialBackoff(initialBackoff)
				.withMaxBackoff(Duration.ofMillis(400))
				.withJitter(jitter))
			.build();
		LlmHttpException failure = catchThrowableOfType(LlmHttpException.class, () -> this.client.generate("Hi"));
		assertThat(received).hasSize(3);
		// a lower bound on the server's own clock: the wait can only be longer on a
		// loaded machine
		Duration shortestBackoff = Duration.ofNanos((long) (initialBackoff.toNanos() * (1 - jitter)));
		for (int i = 1; i < received.size(); i++) {
			assertThat(Duration.ofNanos(received.get(i) - received.get(i - 1))).as("gap before attempt %d", i + 1)
				.isGreaterThanOrEqualTo(shortestBackoff);
		}
		assertThat(failure.retryAfter()).isNull();
	}

	private static void pause(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
