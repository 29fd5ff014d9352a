package dev.llmclient.testsupport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A minimal OpenAI-compatible server on a {@link RawHttpServer}, which counts the TCP
 * connections it accepts and sees closed: what WireMock cannot tell. Answers
 * {@code GET .../models} and {@code POST .../chat/completions}; chat completions can be
 * held until the test releases them.
 */
public final class LoopbackLlmServer implements AutoCloseable {

	private static final byte[] MODELS = """
			{"object":"list","data":[{"id":"loopback-model","object":"model","owned_by":"test"}]}"""
		.getBytes(StandardCharsets.UTF_8);

	private static final byte[] COMPLETION = """
			{"id":"chatcmpl-loopback","object":"chat.completion","created":1700000000,"model":"loopback-model",\
			"choices":[{"index":0,"message":{"role":"assistant","content":"Hello from loopback"},"finish_reason":"stop"}],\
			"usage":{"prompt_tokens":5,"completion_tokens":3,"total_tokens":8}}"""
		.getBytes(StandardCharsets.UTF_8);

	private final RawHttpServer server;

	private final AtomicInteger modelsRequests = new AtomicInteger();

	private final AtomicInteger chatRequests = new AtomicInteger();

	private final Semaphore heldChats = new Semaphore(0);

	private volatile CountDownLatch chatHold;

	private volatile int modelsStatus = 200;

	private volatile long chatDelayMillis;

	private LoopbackLlmServer() throws IOException {
		this.server = new RawHttpServer(this::respond);
	}

	/**
	 * Starts a server on a free loopback port.
	 * @return the running server; close it when done
	 */
	public static LoopbackLlmServer start() {
		try {
			return new LoopbackLlmServer();
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not bind a loopback port", ex);
		}
	}

	/**
	 * Returns a loopback endpoint on which nothing listens: connecting is refused.
	 * @return an {@code http://127.0.0.1:port/v1} URL
	 */
	public static String refusingEndpoint() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return "http://127.0.0.1:" + socket.getLocalPort() + "/v1";
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not bind a loopback port", ex);
		}
	}

	public int port() {
		return this.server.port();
	}

	/** The base URL to configure as {@code llm.client.endpoint}. */
	public String endpoint() {
		return this.server.baseUrl() + "/v1";
	}

	/** TCP connections accepted so far. */
	public int acceptedConnections() {
		return this.server.connections();
	}

	/** Accepted connections the client has not closed (or reset) yet. */
	public int openConnections() {
		return this.server.openConnections();
	}

	public int modelsRequests() {
		return this.modelsRequests.get();
	}

	public int chatRequests() {
		return this.chatRequests.get();
	}

	/**
	 * Answers {@code GET .../models} with this status from now on (an error body for
	 * non-200).
	 */
	public void answerModelsWith(int status) {
		this.modelsStatus = status;
	}

	/**
	 * Answers each chat completion after this delay from now on, as a model generating
	 * would.
	 */
	public void delayChatCompletions(Duration delay) {
		this.chatDelayMillis = delay.toMillis();
	}

	/**
	 * From now on chat completions wait, once received, until
	 * {@link #releaseChatCompletions()}.
	 */
	public void holdChatCompletions() {
		this.chatHold = new CountDownLatch(1);
	}

	/**
	 * Waits until {@code count} chat completions are being held.
	 * @param count how many
	 * @param timeout the longest wait
	 * @return whether they arrived in time
	 */
	public boolean awaitHeldChatCompletions(int count, Duration timeout) throws InterruptedException {
		return this.heldChats.tryAcquire(count, timeout.toNanos(), TimeUnit.NANOSECONDS);
	}

	/** Answers every held chat completion, and those after it at once. */
	public void releaseChatCompletions() {
		CountDownLatch hold = this.chatHold;
		this.chatHold = null;
		if (hold != null) {
			hold.countDown();
		}
	}

	/** Releases every held chat completion and closes the server. */
	@Override
	public void close() {
		releaseChatCompletions();
		this.server.close();
	}

	private boolean respond(RawHttpServer.Exchange exchange) throws IOException, InterruptedException {
		String method = exchange.method();
		String path = exchange.path();
		if ("GET".equals(method) && path.endsWith("/models")) {
			this.modelsRequests.incrementAndGet();
			int status = this.modelsStatus;
			exchange.respond(status, "application/json", (status == 200) ? MODELS
					: "{\"error\":{\"message\":\"no models here\"}}".getBytes(StandardCharsets.UTF_8));
		}
		else if ("POST".equals(method) && path.endsWith("/chat/completions")) {
			this.chatRequests.incrementAndGet();
			CountDownLatch hold = this.chatHold;
			if (hold != null) {
				this.heldChats.release();
				hold.await();
			}
			if (this.chatDelayMillis > 0) {
				Thread.sleep(this.chatDelayMillis);
			}
			exchange.respond(200, "application/json", COMPLETION);
		}
		else {
			exchange.respond(404, "application/json", "{\"error\":{\"message\":\"not found\"}}");
		}
		return true;
	}

}
