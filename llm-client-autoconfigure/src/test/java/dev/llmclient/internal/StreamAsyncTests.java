package dev.llmclient.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.llmclient.ChatRequest;
import dev.llmclient.ChatResponse;
import dev.llmclient.LlmClient;
import dev.llmclient.LlmClientHealth;
import dev.llmclient.testsupport.RawHttpServer;
import dev.llmclient.testsupport.TestClients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * {@code streamAsync} streams on the client's executor; cancelling its future stops the
 * stream at once, also while the server is silent between two chunks, and counts as
 * cancelled.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StreamAsyncTests {

	private static final String HEAD = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n";

	private final CountDownLatch connectionClosed = new CountDownLatch(1);

	private final RawHttpServer server;

	private LlmClient client;

	StreamAsyncTests() throws IOException {
		this.server = new RawHttpServer(this::answer);
	}

	@AfterEach
	void stop() {
		this.server.close();
		if (this.client != null) {
			this.client.close();
		}
	}

	@Test
	void streamsOnTheClientsExecutorAndCompletesWithTheAnswer() throws Exception {
		List<String> deltas = new CopyOnWriteArrayList<>();
		List<Thread> threads = new CopyOnWriteArrayList<>();
		ChatResponse response = client().streamAsync(ChatRequest.of("complete"), (chunk) -> {
			deltas.add(chunk.content());
			threads.add(Thread.currentThread());
		}).get(20, TimeUnit.SECONDS);
		assertThat(response.content()).isEqualTo("Hello world");
		assertThat(String.join("", deltas)).isEqualTo("Hello world");
		assertThat(threads).doesNotContain(Thread.currentThread());
	}

	@Test
	void cancelWhileTheServerIsSilentAbortsTheConnectionAndCountsAsCancelled() throws Exception {
		CountDownLatch firstChunk = new CountDownLatch(1);
		CompletableFuture<ChatResponse> stream = client().streamAsync(ChatRequest.of("silent"),
				(chunk) -> firstChunk.countDown());
		assertThat(firstChunk.await(20, TimeUnit.SECONDS)).isTrue();
		stream.cancel(true);
		assertThat(this.connectionClosed.await(10, TimeUnit.SECONDS)).as("the server saw its connection closed")
			.isTrue();
		assertThatExceptionOfType(CancellationException.class).isThrownBy(stream::join);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.client.health().calls().cancelled() == 1);
		LlmClientHealth health = this.client.health();
		assertThat(health.calls().failed()).isZero();
		assertThat(health.lastError()).isNull();
		assertThat(health.bulkhead().inFlight()).isZero();
	}

	private LlmClient client() {
		this.client = TestClients.lazy(this.server.baseUrl() + "/v1")
			.connection((connection) -> connection.withReadTimeout(Duration.ofSeconds(30)))
			.build();
		return this.client;
	}

	/**
	 * Streams "Hello world", or for the prompt "silent" one delta and then nothing until
	 * the client closes the connection.
	 */
	private boolean answer(RawHttpServer.Exchange exchange) throws IOException {
		OutputStream out = exchange.socket().getOutputStream();
		out.write(HEAD.getBytes(StandardCharsets.US_ASCII));
		send(out, delta("Hello"));
		if (exchange.body().contains("silent")) {
			InputStream in = exchange.socket().getInputStream();
			try {
				while (in.read() != -1) {
					// nothing more is sent; wait for the client to close
				}
			}
			catch (IOException ex) {
				// reset by the client: closed as well
			}
			this.connectionClosed.countDown();
			return false;
		}
		send(out, delta(" world"));
		send(out, "{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}");
		send(out, "[DONE]");
		return false;
	}

	private static String delta(String content) {
		return "{\"id\":\"c1\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + content
				+ "\"},\"finish_reason\":null}]}";
	}

	private static void send(OutputStream out, String data) throws IOException {
		out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
		out.flush();
	}

}
