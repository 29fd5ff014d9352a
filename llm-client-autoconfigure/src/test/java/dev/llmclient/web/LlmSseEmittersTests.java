package dev.llmclient.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import dev.llmclient.ChatRequest;
import dev.llmclient.LlmClient;
import dev.llmclient.LlmClientHealth;
import dev.llmclient.testsupport.RawHttpServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A controller returns {@link LlmSseEmitters#stream} from embedded Tomcat, and the test
 * reads the bytes a browser gets: every character of every delta, the usage as its own
 * event, the end or the failure as the last event; and a browser that goes away
 * mid-stream stops the call to the LLM server, counted as cancelled.
 */
@SpringBootTest(classes = LlmSseEmittersTests.StreamingApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "llm.client.model=m", "llm.client.eager-init=false",
				"llm.client.retry.max-attempts=1" })
@DirtiesContext
class LlmSseEmittersTests {

	private static final String HEAD = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n";

	/** Counted down when the LLM server sees its stream's connection gone. */
	private static final CountDownLatch upstreamGone = new CountDownLatch(1);

	private static RawHttpServer llmServer;

	@BeforeAll
	static void startServer() throws IOException {
		llmServer = new RawHttpServer(LlmSseEmittersTests::answer);
	}

	@AfterAll
	static void stopServer() {
		llmServer.close();
	}

	@DynamicPropertySource
	static void llmEndpoint(DynamicPropertyRegistry registry) {
		registry.add("llm.client.endpoint", () -> llmServer.baseUrl() + "/v1");
	}

	@LocalServerPort
	private int port;

	@Autowired
	private LlmClient llmClient;

	@Test
	void everyCharacterOfEveryDeltaArrivesThenUsageThenDone() throws Exception {
		HttpResponse<String> response = get("complete");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("text/event-stream"));
		assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
		String body = response.body();
		assertThat(body).startsWith(
				"""
						data:{"content":"Hello"}

						data:{"content":" streaming"}

						data:{"content":" world,\\n  indented"}

						event:usage
						data:{"inputTokens":5,"outputTokens":3,"totalTokens":8,"cachedInputTokens":null,"cacheWriteInputTokens":null,"reasoningTokens":null}

						event:done
						data:{"finishReason":"stop","model":"m",""");
		assertThat(body).endsWith("}\n\n").doesNotContain("event:error");
	}

	@Test
	void failureMidStreamIsAnErrorEventWithoutInternals() throws Exception {
		String body = get("fail").body();
		assertThat(body).startsWith("""
				data:{"content":"Hello"}

				event:error
				data:{"title":"Bad Gateway","status":502,""")
			.contains("\"errorType\":\"stream_error\"", "\"serverErrorType\":\"server_error\"")
			.doesNotContain("event:done", "127.0.0.1", "llm.client", "Exception", "secret plan");
	}

	@Test
	void browserThatGoesAwayStopsTheLlmCallAsACancellation() throws Exception {
		LlmClientHealth.Calls before = this.llmClient.health().calls();
		try (Socket browser = new Socket(InetAddress.getLoopbackAddress(), this.port)) {
			OutputStream out = browser.getOutputStream();
			out.write(("GET /chat?prompt=endless HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII));
			out.flush();
			readUntil(browser.getInputStream(), "{\"content\":\"Hello\"}");
		}
		assertThat(upstreamGone.await(20, TimeUnit.SECONDS)).as("the LLM server saw its connection closed").isTrue();
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.llmClient.health().calls().cancelled() == before.cancelled() + 1);
		LlmClientHealth health = this.llmClient.health();
		assertThat(health.calls().failed()).isEqualTo(before.failed());
		assertThat(health.bulkhead().inFlight()).isZero();
	}

	private HttpResponse<String> get(String prompt) throws IOException, InterruptedException {
		HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
		return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/chat?prompt=" + prompt))
			.header("Accept", "text/event-stream")
			.timeout(Duration.ofSeconds(20))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static void readUntil(InputStream in, String expected) throws IOException {
		StringBuilder seen = new StringBuilder();
		byte[] buffer = new byte[1024];
		while (!seen.toString().contains(expected)) {
			int read = in.read(buffer);
			assertThat(read).as("bytes before %s, after: %s", expected, seen).isPositive();
			seen.append(new String(buffer, 0, read, StandardCharsets.UTF_8));
		}
	}

	/** The LLM server: streams the answer the prompt names. */
	private static boolean answer(RawHttpServer.Exchange exchange) throws IOException, InterruptedException {
		OutputStream out = exchange.socket().getOutputStream();
		out.write(HEAD.getBytes(StandardCharsets.US_ASCII));
		send(out, delta("Hello"));
		if (exchange.body().contains("complete")) {
			send(out, delta(" streaming"));
			send(out, delta(" world,\\n  indented"));
			send(out, "{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}");
			send(out, "{\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":3,\"total_tokens\":8}}");
			send(out, "[DONE]");
		}
		else if (exchange.body().contains("fail")) {
			send(out, "{\"error\":{\"message\":\"secret plan failed at 127.0.0.1\",\"type\":\"server_error\"}}");
		}
		else {
			keepStreaming(out);
		}
		return false;
	}

	/**
	 * Sends a delta every 20 ms until writing fails, which is when the client has closed
	 * the connection; at most for 20 s.
	 */
	private static void keepStreaming(OutputStream out) throws InterruptedException {
		for (int i = 0; i < 1000; i++) {
			try {
				send(out, delta(" more"));
			}
			catch (IOException ex) {
				upstreamGone.countDown();
				return;
			}
			Thread.sleep(20);
		}
	}

	private static String delta(String content) {
		return "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"m\",\"choices\":[{\"index\":0,"
				+ "\"delta\":{\"content\":\"" + content + "\"},\"finish_reason\":null}]}";
	}

	private static void send(OutputStream out, String data) throws IOException {
		out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
		out.flush();
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(ChatController.class)
	static class StreamingApplication {

	}

	@RestController
	static class ChatController {

		private final LlmClient llmClient;

		ChatController(LlmClient llmClient) {
			this.llmClient = llmClient;
		}

		@GetMapping("/chat")
		SseEmitter chat(@RequestParam String prompt) {
			return LlmSseEmitters.stream(this.llmClient, ChatRequest.of(prompt));
		}

	}

}
