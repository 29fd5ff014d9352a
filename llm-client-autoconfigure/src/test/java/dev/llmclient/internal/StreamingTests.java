package dev.llmclient.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.llmclient.ChatChunk;
import dev.llmclient.ChatRequest;
import dev.llmclient.ChatResponse;
import dev.llmclient.LlmClient;
import dev.llmclient.LlmClientBuilder;
import dev.llmclient.LlmHttpException;
import dev.llmclient.LlmMalformedResponseException;
import dev.llmclient.LlmStreamException;
import dev.llmclient.LlmTimeoutException;
import dev.llmclient.Usage;
import dev.llmclient.testsupport.CannedBodies;
import dev.llmclient.testsupport.LoopbackWireMock;
import dev.llmclient.testsupport.RawHttpServer;
import dev.llmclient.testsupport.TestClients;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class StreamingTests {

	private static final String PATH = "/v1/chat/completions";

	private static final String ROLE = "data: {\"id\":\"chatcmpl-9\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-test-2024\","
			+ "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n";

	private static final String DONE = "data: [DONE]\n\n";

	@RegisterExtension
	static WireMockExtension server = LoopbackWireMock.extension();

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private LlmClient client;

	private RawHttpServer rawServer;

	/**
	 * Lets a raw server's handler that is holding a stream open finish when the test is
	 * done.
	 */
	private final CountDownLatch testDone = new CountDownLatch(1);

	@AfterEach
	void close() throws IOException {
		this.testDone.countDown();
		if (this.client != null) {
			this.client.close();
		}
		if (this.rawServer != null) {
			this.rawServer.close();
		}
	}

	private LlmClientBuilder builder(String baseUrl) {
		return TestClients.lazy(baseUrl + "/v1")
			.model("default-model")
			.retry(TestClients::fastBackoff)
			.meterRegistry(this.registry);
	}

	private LlmClient client() {
		this.client = builder(server.baseUrl()).build();
		return this.client;
	}

	private static String chunk(String content) {
		return "data: {\"id\":\"chatcmpl-9\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-test-2024\","
				+ "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + content + "\"},\"finish_reason\":null}]}\n\n";
	}

	private static String finish(String reason) {
		return "data: {\"id\":\"chatcmpl-9\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"" + reason
				+ "\"}]}\n\n";
	}

	private static String usage(int input, int output) {
		return "data: {\"id\":\"chatcmpl-9\",\"choices\":[],\"usage\":{\"prompt_tokens\":" + input
				+ ",\"completion_tokens\":" + output + ",\"total_tokens\":" + (input + output) + "}}\n\n";
	}

	private static ResponseDefinitionBuilder sse(String body) {
		return aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream").withBody(body);
	}

	private static void startSse(OutputStream out) throws IOException {
		out.write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
			.getBytes(StandardCharsets.US_ASCII));
		out.flush();
	}

	private static void send(OutputStream out, String events) throws IOException {
		byte[] bytes = events.getBytes(StandardCharsets.UTF_8);
		out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
		out.write(bytes);
		out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
		out.flush();
	}

	private static void endSse(OutputStream out) throws IOException {
		out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
		out.flush();
	}

	private static boolean await(CountDownLatch latch) {
		try {
			return latch.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	private void assertNothingHeld() {
		assertThat(this.client.health().pool().leased()).isZero();
		assertThat(this.client.health().bulkhead().inFlight()).isZero();
	}

	private static ChatRequest request() {
		return ChatRequest.of("Hi");
	}

	@Test
	void requestAsksForAStreamWithUsage() {
		server.stubFor(post(PATH).willReturn(sse(chunk("ok") + finish("stop") + DONE)));
		client().stream(ChatRequest.builder().user("Hi").maxTokens(5).build(), (chunk) -> {
		});
		server.verify(postRequestedFor(urlEqualTo(PATH)).withHeader("Accept", equalTo("text/event-stream"))
			.withRequestBody(equalToJson("""
					{"model":"default-model","messages":[{"role":"user","content":"Hi"}],"max_tokens":5,
					 "stream":true,"stream_options":{"include_usage":true}}
					""")));
		assertNothingHeld();
	}

	@Test
	void callersStreamOptionsWinButStreamIsAlwaysOn() {
		server.stubFor(post(PATH).willReturn(sse(chunk("ok") + finish("stop") + DONE)));
		client().stream(ChatRequest.builder()
			.user("Hi")
			.extra("stream", false)
			.extra("stream_options", Map.of("include_usage", false))
			.build(), (chunk) -> {
			});
		server.verify(postRequestedFor(urlEqualTo(PATH)).withRequestBody(equalToJson("""
				{"model":"default-model","messages":[{"role":"user","content":"Hi"}],
				 "stream":true,"stream_options":{"include_usage":false}}
				""")));
		assertNothingHeld();
	}

	@Test
	void streamUsageOffSendsNoStreamOptionsAndTheAnswerHasNoUsage() {
		server.stubFor(post(PATH).willReturn(sse(chunk("ok") + finish("stop") + DONE)));
		this.client = builder(server.baseUrl()).streamUsage(false).build();
		ChatResponse answer = this.client.stream(ChatRequest.of("Hi"), (chunk) -> {
		});
		assertThat(answer.content()).isEqualTo("ok");
		assertThat(answer.usage()).isNull();
		server.verify(postRequestedFor(urlEqualTo(PATH)).withRequestBody(equalToJson("""
				{"model":"default-model","messages":[{"role":"user","content":"Hi"}],"stream":true}
				""")));
		assertNothingHeld();
	}

	@ParameterizedTest
	@ValueSource(strings = {
			"422|{\"object\":\"error\",\"message\":{\"detail\":[{\"type\":\"extra_forbidden\",\"loc\":[\"body\",\"stream_options\",\"include_usage\"],\"msg\":\"Extra inputs are not permitted\"}]},\"type\":\"invalid_request_error\"}",
			"400|{\"detail\":\"Extra parameters ['stream_options'] are not allowed when extra-parameters is not set\"}",
			"400|{\"error\":{\"message\":\"Unknown parameter: 'stream_options'.\",\"type\":\"invalid_request_error\",\"param\":\"stream_options\"}}" })
	void serverRejectingStreamOptionsIsToldWhichPropertyTurnsThemOff(String answer) {
		String[] parts = answer.split("\\|", 2);
		server.stubFor(post(PATH).willReturn(aResponse().withStatus(Integer.parseInt(parts[0]))
			.withHeader("Content-Type", "application/json")
			.withBody(parts[1])));
		assertThatExceptionOfType(LlmHttpException.class)
			.isThrownBy(() -> client().stream(ChatRequest.of("Hi"), (chunk) -> {
			}))
			.satisfies((ex) -> assertThat(ex.statusCode()).isEqualTo(Integer.parseInt(parts[0])))
			.withMessageContaining("stream_options")
			.withMessageContaining("set llm.client.stream-usage=false");
	}

	@Test
	void consumerSeesEachChunkBeforeTheServerHasSentTheNext() throws IOException {
		CountDownLatch firstSeen = new CountDownLatch(1);
		AtomicBoolean serverWaitedInVain = new AtomicBoolean();
		this.rawServer = new RawHttpServer((exchange) -> {
			OutputStream out = exchange.socket().getOutputStream();
			startSse(out);
			send(out, ROLE + chunk("Hel"));
			if (!await(firstSeen)) {
				serverWaitedInVain.set(true);
			}
			send(out, chunk("lo") + finish("stop") + usage(3, 2) + DONE);
			endSse(out);
			return true;
		});
		this.client = builder(this.rawServer.baseUrl()).build();
		List<ChatChunk> seen = new CopyOnWriteArrayList<>();
		ChatResponse response = this.client.stream(request(), (chunk) -> {
			seen.add(chunk);
			if (chunk.content().equals("Hel")) {
				firstSeen.countDown();
			}
		});
		assertThat(serverWaitedInVain).isFalse();
		assertThat(seen).containsExactly(new ChatChunk("Hel", null), new ChatChunk("lo", null),
				new ChatChunk("", "stop"));
		assertThat(response.content()).isEqualTo("Hello");
		assertThat(response.finishReason()).isEqualTo("stop");
		assertThat(response.usage()).isEqualTo(new Usage(3, 2, 5));
		assertThat(response.id()).isEqualTo("chatcmpl-9");
		assertThat(response.model()).isEqualTo("gpt-test-2024");
		assertNothingHeld();
	}

	@Test
	void dribbledStreamReachesTheConsumerWhileItIsStillArriving() {
		StringBuilder body = new StringBuilder(ROLE);
		for (int i = 0; i < 10; i++) {
			body.append(chunk("w" + i + " "));
		}
		body.append(finish("stop")).append(DONE);
		server.stubFor(post(PATH).willReturn(sse(body.toString()).withChunkedDribbleDelay(10, 1000)));
		List<Long> arrivals = new ArrayList<>();
		long start = System.nanoTime();
		ChatResponse response = client().stream(request(), (chunk) -> arrivals.add(System.nanoTime()));
		long end = System.nanoTime();
		assertThat(response.content()).startsWith("w0 w1 ").endsWith("w9 ");
		assertThat(arrivals).hasSize(11);
		assertThat(Duration.ofNanos(end - arrivals.get(0))).as("first chunk arrived before the stream ended")
			.isGreaterThan(Duration.ofMillis(400));
		assertThat(Duration.ofNanos(end - start)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
		assertNothingHeld();
	}

	@Test
	void commentsKeepAlivesAndOtherFieldsAreIgnored() {
		server
			.stubFor(post(PATH).willReturn(sse(": ping\n\n" + "retry: 3000\n\n" + ROLE + ": keep-alive\n\n" + "id: 1\n"
					+ chunk("a") + "event: ping\ndata: {}\n\n" + ":\n\n" + chunk("b") + finish("stop") + DONE)));
		assertThat(client().stream(request(), (chunk) -> {
		}).content()).isEqualTo("ab");
		assertNothingHeld();
	}

	@Test
	void dataSplitOverSeveralLinesIsOneChunk() {
		server.stubFor(post(PATH).willReturn(sse("data: {\"choices\":[{\"index\":0,\n"
				+ "data: \"delta\":{\"content\":\"multi\"}}]}\n\n" + finish("stop") + DONE)));
		assertThat(client().stream(request(), (chunk) -> {
		}).content()).isEqualTo("multi");
		assertNothingHeld();
	}

	@Test
	void usageInTheLastChunkIsReturnedAndRecorded() {
		server.stubFor(post(PATH).willReturn(sse(ROLE + chunk("Hi") + finish("stop") + usage(12, 3) + DONE)));
		ChatResponse response = client().stream(request(), (chunk) -> {
		});
		assertThat(response.usage()).isEqualTo(new Usage(12, 3, 15));
		assertThat(this.registry.get("gen_ai.client.token.usage")
			.tag("gen_ai.token.type", "output")
			.summary()
			.totalAmount()).isEqualTo(3);
		Timer duration = this.registry.get("gen_ai.client.operation.duration").tag("error.type", "none").timer();
		Timer firstChunk = this.registry.get("gen_ai.client.operation.time_to_first_chunk")
			.tag("error.type", "none")
			.tag("gen_ai.request.model", "default-model")
			.tag("gen_ai.operation.name", "chat")
			.timer();
		assertThat(duration.count()).isOne();
		assertThat(firstChunk.count()).isOne();
		assertThat(firstChunk.totalTime(TimeUnit.NANOSECONDS))
			.isLessThanOrEqualTo(duration.totalTime(TimeUnit.NANOSECONDS));
		assertNothingHeld();
	}

	@Test
	void streamEndingAfterAFinishReasonWithoutDoneIsComplete() {
		server.stubFor(post(PATH).willReturn(sse(chunk("ok") + finish("length"))));
		ChatResponse response = client().stream(request(), (chunk) -> {
		});
		assertThat(response.content()).isEqualTo("ok");
		assertThat(response.finishReason()).isEqualTo("length");
		assertThat(response.usage()).isNull();
		assertNothingHeld();
	}

	@Test
	void streamCutBeforeDoneAndFinishReasonFails() {
		server.stubFor(post(PATH).willReturn(sse(ROLE + chunk("Hel") + chunk("lo"))));
		List<String> seen = new ArrayList<>();
		assertThatExceptionOfType(LlmStreamException.class)
			.isThrownBy(() -> client().stream(request(), (chunk) -> seen.add(chunk.content())))
			.satisfies((ex) -> {
				assertThat(ex.serverError()).isFalse();
				assertThat(ex.chunksDelivered()).isEqualTo(2);
				assertThat(ex.getMessage()).contains("the stream ended after 2 chunks, before [DONE]");
			});
		assertThat(seen).containsExactly("Hel", "lo");
		assertThat(
				this.registry.get("gen_ai.client.operation.duration").tag("error.type", "stream_cut").timer().count())
			.isOne();
		assertNothingHeld();
		server.verify(1, postRequestedFor(urlEqualTo(PATH)));
	}

	@Test
	void streamCutBeforeAnyChunkReachedTheConsumerIsRetriedAndAnsweredWhole() throws IOException {
		this.rawServer = new RawHttpServer((exchange) -> {
			OutputStream out = exchange.socket().getOutputStream();
			startSse(out);
			if (exchange.requestNumber() == 1) {
				send(out, ROLE);
				exchange.reset();
				return false;
			}
			send(out, "data: {\"id\":\"chatcmpl-second\",\"model\":\"second-model\",\"choices\":[{\"index\":0,"
					+ "\"delta\":{\"content\":\"whole\"},\"finish_reason\":null}]}\n\n" + finish("stop") + DONE);
			endSse(out);
			return true;
		});
		this.client = builder(this.rawServer.baseUrl()).build();
		List<String> seen = new ArrayList<>();
		ChatResponse response = this.client.stream(request(), (chunk) -> seen.add(chunk.content()));
		assertThat(seen).containsExactly("whole", "");
		assertThat(response.content()).isEqualTo("whole");
		assertThat(response.id()).isEqualTo("chatcmpl-second");
		assertThat(response.model()).isEqualTo("second-model");
		assertThat(this.rawServer.requests()).isEqualTo(2);
		assertThat(this.registry.get("llm.client.retries").tag("reason", "stream_cut").counter().count()).isOne();
		assertNothingHeld();
	}

	@Test
	void streamAlwaysCutBeforeAnyChunkFailsOnceTheAttemptsRunOut() {
		server.stubFor(post(PATH).willReturn(sse(ROLE)));
		assertThatExceptionOfType(LlmStreamException.class).isThrownBy(() -> client().stream(request(), (chunk) -> {
		})).satisfies((ex) -> {
			assertThat(ex.serverError()).isFalse();
			assertThat(ex.chunksDelivered()).isZero();
		});
		server.verify(3, postRequestedFor(urlEqualTo(PATH)));
		assertNothingHeld();
	}

	@Test
	void connectionResetMidStreamFailsAsACutStreamAndTheClientRecovers() throws IOException {
		this.rawServer = new RawHttpServer((exchange) -> {
			OutputStream out = exchange.socket().getOutputStream();
			startSse(out);
			if (exchange.requestNumber() > 1) {
				send(out, chunk("ok") + finish("stop") + DONE);
				endSse(out);
				return true;
			}
			send(out, chunk("Hel"));
			exchange.reset();
			return false;
		});
		this.client = builder(this.rawServer.baseUrl()).build();
		assertThatExceptionOfType(LlmStreamException.class).isThrownBy(() -> this.client.stream(request(), (chunk) -> {
		})).satisfies((ex) -> {
			assertThat(ex.serverError()).isFalse();
			assertThat(ex.chunksDelivered()).isOne();
			assertThat(ex.getCause()).isInstanceOf(IOException.class);
		});
		assertNothingHeld();
		assertThat(this.client.stream(request(), (chunk) -> {
		}).content()).isEqualTo("ok");
		assertThat(this.rawServer.requests()).isEqualTo(2);
	}

	@Test
	void errorObjectMidStreamFailsWithTheServersErrorAndIsNotRetried() {
		server.stubFor(post(PATH).willReturn(sse(ROLE + chunk("Hel")
				+ "data: {\"error\":{\"message\":\"model overloaded\",\"type\":\"server_error\",\"code\":\"overloaded\"}}\n\n")));
		assertThatExceptionOfType(LlmStreamException.class).isThrownBy(() -> client().stream(request(), (chunk) -> {
		})).satisfies((ex) -> {
			assertThat(ex.serverError()).isTrue();
			assertThat(ex.serverErrorType()).isEqualTo("server_error");
			assertThat(ex.serverErrorCode()).isEqualTo("overloaded");
			assertThat(ex.chunksDelivered()).isOne();
			assertThat(ex.getMessage()).contains("after 1 chunks").contains("model overloaded");
		});
		assertThat(this.registry.get("gen_ai.client.operation.time_to_first_chunk")
			.tag("error.type", "stream_error")
			.timer()
			.count()).isOne();
		assertNothingHeld();
		server.verify(1, postRequestedFor(urlEqualTo(PATH)));
	}

	@Test
	void vllmStyleErrorChunkFails() {
		server.stubFor(post(PATH).willReturn(sse(chunk("Hel")
				+ "data: {\"object\":\"error\",\"message\":\"out of KV cache\",\"type\":\"InternalServerError\",\"code\":500}\n\n")));
		assertThatExceptionOfType(LlmStreamException.class).isThrownBy(() -> client().stream(request(), (chunk) -> {
		})).satisfies((ex) -> {
			assertThat(ex.serverErrorType()).isEqualTo("InternalServerError");
			assertThat(ex.serverErrorCode()).isEqualTo("500");
			assertThat(ex.getMessage()).contains("out of KV cache");
		});
		assertNothingHeld();
	}

	@Test
	void namedErrorEventFailsEvenWhenItsDataIsPlainText() {
		server.stubFor(post(PATH).willReturn(sse(chunk("Hel") + "event: error\ndata: upstream went away\n\n")));
		assertThatExceptionOfType(LlmStreamException.class).isThrownBy(() -> client().stream(request(), (chunk) -> {
		})).satisfies((ex) -> {
			assertThat(ex.serverError()).isTrue();
			assertThat(ex.getMessage()).contains("upstream went away");
		});
		assertNothingHeld();
	}

	@Test
	void chunkThatIsNotJsonFailsAsMalformed() {
		server.stubFor(post(PATH).willReturn(sse(chunk("Hel") + "data: <html>oops</html>\n\n" + DONE)));
		assertThatExceptionOfType(LlmMalformedResponseException.class)
			.isThrownBy(() -> client().stream(request(), (chunk) -> {
			}))
			.withMessageContaining("<html>oops</html>");
		assertNothingHeld();
	}

	@Test
	void silenceLongerThanReadTimeoutBetweenChunksFails() throws IOException {
		this.rawServer = new RawHttpServer((exchange) -> {
			OutputStream out = exchange.socket().getOutputStream();
			startSse(out);
			send(out, chunk("Hel"));
			await(this.testDone);
			return false;
		});
		this.client = builder(this.rawServer.baseUrl())
			.connection((connection) -> connection.withReadTimeout(Duration.ofMillis(300)))
			.build();
		List<String> seen = new ArrayList<>();
		long start = System.nanoTime();
		assertThatExceptionOfType(LlmTimeoutException.class)
			.isThrownBy(() -> this.client.stream(request(), (chunk) -> seen.add(chunk.content())))
			.satisfies((ex) -> {
				assertThat(ex.kind()).isEqualTo(LlmTimeoutException.Kind.READ);
				assertThat(ex.timeout()).isEqualTo(Duration.ofMillis(300));
				assertThat(ex.getMessage()).contains("middle of a stream")
					.contains("after 1 chunks")
					.contains("llm.client.read-timeout");
			});
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
		assertThat(seen).containsExactly("Hel");
		assertThat(this.rawServer.requests()).isOne();
		assertNothingHeld();
	}

	@Test
	void deadlineBoundsAStreamThatKeepsTrickling() throws IOException {
		this.rawServer = new RawHttpServer((exchange) -> {
			OutputStream out = exchange.socket().getOutputStream();
			startSse(out);
			for (int i = 0; i < 100 && this.testDone.getCount() > 0; i++) {
				send(out, chunk("x") + ": ping\n\n");
				try {
					this.testDone.await(50, TimeUnit.MILLISECONDS);
				}
				catch (InterruptedException ex) {
					return false;
				}
			}
			return false;
		});
		this.client = builder(this.rawServer.baseUrl()).limits((limits) -> limits.withTimeout(Duration.ofMillis(500)))
			.build();
		long start = System.nanoTime();
		assertThatExceptionOfType(LlmTimeoutException.class).isThrownBy(() -> this.client.stream(request(), (chunk) -> {
		})).satisfies((ex) -> {
			assertThat(ex.kind()).isEqualTo(LlmTimeoutException.Kind.CALL_DEADLINE);
			assertThat(ex.getMessage()).contains("llm.client.timeout");
		});
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
		// the deadline timer aborts the request on its own thread, which may still be
		// returning the lease
		Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> this.client.health().pool().leased() == 0);
		assertNothingHeld();
	}

	@Test
	void consumerExceptionStopsTheStreamAbortsTheConnectionAndPropagates() throws IOException {
		CountDownLatch clientClosed = new CountDownLatch(1);
		AtomicInteger streams = new AtomicInteger();
		this.rawServer = new RawHttpServer((exchange) -> {
			OutputStream out = exchange.socket().getOutputStream();
			startSse(out);
			if (streams.incrementAndGet() > 1) {
				send(out, chunk("ok") + finish("stop") + DONE);
				endSse(out);
				return true;
			}
			send(out, chunk("Hel"));
			exchange.socket().setSoTimeout(10_000);
			InputStream in = exchange.socket().getInputStream();
			try {
				if (in.read() == -1) {
					clientClosed.countDown();
				}
			}
			catch (SocketTimeoutException ex) {
				// the client kept the connection: clientClosed stays up
			}
			catch (IOException ex) {
				clientClosed.countDown();
			}
			return false;
		});
		this.client = builder(this.rawServer.baseUrl())
			.connection((connection) -> connection.withReadTimeout(Duration.ofSeconds(10)))
			.build();
		IllegalStateException thrown = new IllegalStateException("caller gave up");
		long start = System.nanoTime();
		assertThatExceptionOfType(IllegalStateException.class)
			.isThrownBy(() -> this.client.stream(request(), (chunk) -> {
				throw thrown;
			}))
			.isSameAs(thrown);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).as("aborted, not drained")
			.isLessThan(Duration.ofSeconds(5));
		assertThat(await(clientClosed)).as("connection closed by the client").isTrue();
		assertNothingHeld();
		// stopped by the consumer: the caller's choice, not a failure
		assertThat(this.client.health().calls().cancelled()).isOne();
		assertThat(this.client.health().calls().failed()).isZero();
		assertThat(this.client.health().up()).isTrue();
		assertThat(this.client.stream(request(), (chunk) -> {
		}).content()).isEqualTo("ok");
	}

	@Test
	void consumerErrorPropagatesAsItIs() {
		server.stubFor(post(PATH).willReturn(sse(chunk("Hel") + finish("stop") + DONE)));
		AssertionError thrown = new AssertionError("boom");
		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> client().stream(request(), (chunk) -> {
			throw thrown;
		})).isSameAs(thrown);
		assertNothingHeld();
	}

	@Test
	void streamHoldsOneBulkheadPermitAndOneConnectionForItsWholeLife() throws IOException {
		CountDownLatch firstSeen = new CountDownLatch(1);
		this.rawServer = new RawHttpServer((exchange) -> {
			OutputStream out = exchange.socket().getOutputStream();
			startSse(out);
			send(out, chunk("a"));
			await(firstSeen);
			send(out, chunk("b") + finish("stop") + DONE);
			endSse(out);
			return true;
		});
		this.client = builder(this.rawServer.baseUrl()).limits((limits) -> limits.withMaxConcurrent(2)).build();
		List<int[]> heldDuringStream = new ArrayList<>();
		this.client.stream(request(), (chunk) -> {
			heldDuringStream
				.add(new int[] { this.client.health().bulkhead().inFlight(), this.client.health().pool().leased() });
			firstSeen.countDown();
		});
		assertThat(heldDuringStream).allSatisfy((held) -> assertThat(held).containsExactly(1, 1));
		assertNothingHeld();
	}

	@Test
	void completedStreamsReuseOnePooledConnection() throws IOException {
		this.rawServer = new RawHttpServer((exchange) -> {
			OutputStream out = exchange.socket().getOutputStream();
			startSse(out);
			send(out, chunk("ok") + finish("stop") + usage(1, 1) + DONE);
			endSse(out);
			return true;
		});
		this.client = builder(this.rawServer.baseUrl()).build();
		for (int i = 0; i < 3; i++) {
			assertThat(this.client.stream(request(), (chunk) -> {
			}).content()).isEqualTo("ok");
		}
		assertThat(this.rawServer.connections()).isOne();
		assertNothingHeld();
	}

	@Test
	void errorStatusBeforeTheStreamIsTheSameTypedErrorAsForChat() {
		server.stubFor(post(PATH).willReturn(aResponse().withStatus(400)
			.withHeader("Content-Type", "application/json")
			.withBody(
					"{\"error\":{\"message\":\"bad temperature\",\"type\":\"invalid_request_error\",\"code\":\"bad\"}}")));
		List<ChatChunk> seen = new ArrayList<>();
		assertThatExceptionOfType(LlmHttpException.class).isThrownBy(() -> client().stream(request(), seen::add))
			.satisfies((ex) -> {
				assertThat(ex.statusCode()).isEqualTo(400);
				assertThat(ex.serverErrorType()).isEqualTo("invalid_request_error");
				assertThat(ex.getMessage()).contains("bad temperature");
			});
		assertThat(seen).isEmpty();
		assertNothingHeld();
	}

	@Test
	void errorStatusBeforeTheStreamIsRetried() {
		server.stubFor(post(PATH).inScenario("flaky")
			.whenScenarioStateIs(Scenario.STARTED)
			.willReturn(aResponse().withStatus(503))
			.willSetStateTo("recovered"));
		server.stubFor(post(PATH).inScenario("flaky")
			.whenScenarioStateIs("recovered")
			.willReturn(sse(chunk("ok") + finish("stop") + DONE)));
		List<ChatChunk> seen = new ArrayList<>();
		assertThat(client().stream(request(), seen::add).content()).isEqualTo("ok");
		assertThat(seen).containsExactly(new ChatChunk("ok", null), new ChatChunk("", "stop"));
		server.verify(2, postRequestedFor(urlEqualTo(PATH)));
		assertNothingHeld();
	}

	@Test
	void serverThatIgnoresStreamingAndAnswersJsonIsDeliveredAsOneChunk() {
		server.stubFor(post(PATH).willReturn(okJson(CannedBodies.completion("gpt-test-2024", "Hello there"))));
		List<ChatChunk> seen = new ArrayList<>();
		ChatResponse response = client().stream(request(), seen::add);
		assertThat(seen).containsExactly(new ChatChunk("Hello there", "stop"));
		assertThat(response.usage()).isEqualTo(new Usage(12, 3, 15));
		assertNothingHeld();
	}

	@Test
	void maxResponseSizeBoundsTheWholeStream() {
		StringBuilder body = new StringBuilder();
		for (int i = 0; i < 200; i++) {
			body.append(chunk("0123456789"));
		}
		server.stubFor(post(PATH).willReturn(sse(body.append(finish("stop")).append(DONE).toString())));
		this.client = builder(server.baseUrl()).connection((connection) -> connection.withMaxResponseSize(4096))
			.build();
		AtomicInteger seen = new AtomicInteger();
		assertThatExceptionOfType(LlmMalformedResponseException.class)
			.isThrownBy(() -> this.client.stream(request(), (chunk) -> seen.incrementAndGet()))
			.withMessageContaining("llm.client.max-response-size=4096");
		assertThat(seen.get()).isBetween(1, 40);
		assertNothingHeld();
	}

}
