package dev.llmclient.testsupport;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One replica of a model behind a client with several endpoints: a minimal
 * OpenAI-compatible server on a {@link RawHttpServer} that echoes each prompt back
 * ({@code "echo: <prompt>"}), so a test can tell every answer apart. It can be killed
 * (its listening socket and every connection closed) and revived on the same port, slowed
 * down, made to answer 429 with {@code Retry-After} or as a server at its request limit,
 * to fail with an error status, or to refuse a wrong API key, and it can hold the answers
 * to a given prompt until the test releases them (what they are is decided then); it
 * records when each chat completion arrived and with which prompt.
 */
public final class ReplicaServer implements AutoCloseable {

	private final int port;

	private final AtomicInteger chatRequests = new AtomicInteger();

	/** When each chat completion arrived, in {@link System#nanoTime()}. */
	private final Queue<Long> arrivals = new ConcurrentLinkedQueue<>();

	private final Queue<String> prompts = new ConcurrentLinkedQueue<>();

	/** Prompts whose answers wait until released. */
	private final Map<String, CountDownLatch> held = new ConcurrentHashMap<>();

	private volatile int failureStatus;

	private volatile RawHttpServer server;

	private volatile long delayMillis;

	/** The headers of a 429 answer, each ending in CRLF; {@code null} for none. */
	private volatile String rateLimitHeaders;

	private volatile String requiredKey;

	private ReplicaServer() throws IOException {
		this.server = new RawHttpServer(this::respond);
		this.port = this.server.port();
	}

	/**
	 * Starts a replica on a free loopback port.
	 * @return the running replica; close it when done
	 */
	public static ReplicaServer start() {
		try {
			return new ReplicaServer();
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not bind a loopback port", ex);
		}
	}

	/** The base URL to configure as {@code llm.client.endpoints[i].url}. */
	public String endpoint() {
		return "http://127.0.0.1:" + this.port + "/v1";
	}

	public int port() {
		return this.port;
	}

	/** Chat completions received so far, answered or not. */
	public int chatRequests() {
		return this.chatRequests.get();
	}

	/** When each chat completion arrived, in {@link System#nanoTime()}, oldest first. */
	public java.util.List<Long> arrivals() {
		return java.util.List.copyOf(this.arrivals);
	}

	/** Chat completions received at or after {@code nanoTime}. */
	public long chatRequestsSince(long nanoTime) {
		return this.arrivals.stream().filter((arrival) -> arrival - nanoTime >= 0).count();
	}

	/** Chat completions received so far with this prompt, answered or not. */
	public long received(String prompt) {
		return this.prompts.stream().filter(prompt::equals).count();
	}

	/**
	 * Holds the answer to every chat completion with this prompt until
	 * {@link #release(String)}; what the answer is (an echo, a 429, an error) is decided
	 * when it is released.
	 */
	public ReplicaServer hold(String prompt) {
		this.held.put(prompt, new CountDownLatch(1));
		return this;
	}

	/** Lets the held answers to this prompt go, and those that arrive later. */
	public void release(String prompt) {
		CountDownLatch latch = this.held.remove(prompt);
		if (latch != null) {
			latch.countDown();
		}
	}

	/**
	 * Answers every chat completion with this error status (such as 500) from now on, or
	 * normally again with 0.
	 */
	public ReplicaServer fail(int status) {
		this.failureStatus = status;
		return this;
	}

	/** Answers each chat completion after this delay from now on. */
	public ReplicaServer delay(Duration delay) {
		this.delayMillis = delay.toMillis();
		return this;
	}

	/**
	 * Answers every chat completion 429 with this {@code Retry-After} from now on, or
	 * normally again with {@code null}.
	 */
	public ReplicaServer rateLimit(String retryAfter) {
		this.rateLimitHeaders = (retryAfter != null) ? "Retry-After: " + retryAfter + "\r\n" : null;
		return this;
	}

	/**
	 * Answers every chat completion 429 from now on as a server at its per-key request
	 * limit does: {@code x-ratelimit-remaining-requests: 0} and
	 * {@code x-ratelimit-reset-requests} of this reset (such as {@code 30s}), without
	 * {@code Retry-After}; normally again with {@code null}.
	 */
	public ReplicaServer requestsExhausted(String reset) {
		this.rateLimitHeaders = (reset != null)
				? "x-ratelimit-limit-requests: 60\r\nx-ratelimit-remaining-requests: 0\r\n"
						+ "x-ratelimit-reset-requests: " + reset + "\r\n"
				: null;
		return this;
	}

	/** Answers 401 to chat completions that do not carry this bearer token. */
	public ReplicaServer requireKey(String key) {
		this.requiredKey = key;
		return this;
	}

	/** Closes the listening socket and every connection: the server is gone. */
	public void kill() {
		this.server.close();
	}

	/** Listens again on the same port. */
	public void revive() {
		try {
			this.server = new RawHttpServer(this.port, this::respond);
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not bind port " + this.port + " again", ex);
		}
	}

	@Override
	public void close() {
		this.server.close();
	}

	private boolean respond(RawHttpServer.Exchange exchange) throws IOException, InterruptedException {
		if ("GET".equals(exchange.method()) && exchange.path().endsWith("/models")) {
			exchange.respond(200, "application/json", "{\"object\":\"list\",\"data\":[]}");
			return true;
		}
		this.arrivals.add(System.nanoTime());
		String prompt = prompt(exchange.body());
		this.prompts.add(prompt);
		this.chatRequests.incrementAndGet();
		CountDownLatch hold = this.held.get(prompt);
		if (hold != null) {
			hold.await();
		}
		int failureStatus = this.failureStatus;
		if (failureStatus != 0) {
			exchange.respond(failureStatus, "application/json",
					"{\"error\":{\"message\":\"Replica failed\",\"type\":\"server_error\"}}");
			return true;
		}
		if (this.requiredKey != null && !exchange.head().contains("Bearer " + this.requiredKey + "\r\n")) {
			exchange.respond(401, "application/json",
					"{\"error\":{\"message\":\"Incorrect API key provided\",\"type\":\"invalid_request_error\"}}");
			return true;
		}
		String rateLimitHeaders = this.rateLimitHeaders;
		if (rateLimitHeaders != null) {
			byte[] body = "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\"}}"
				.getBytes(StandardCharsets.UTF_8);
			OutputStream out = exchange.socket().getOutputStream();
			out.write(("HTTP/1.1 429 Too Many Requests\r\n" + rateLimitHeaders
					+ "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII));
			out.write(body);
			out.flush();
			return true;
		}
		long delay = this.delayMillis;
		if (delay > 0) {
			Thread.sleep(delay);
		}
		exchange.respond(200, "application/json",
				"{\"id\":\"chatcmpl-replica\",\"object\":\"chat.completion\",\"created\":1700000000,\"model\":\"m\","
						+ "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"echo: " + prompt
						+ "\"},\"finish_reason\":\"stop\"}],"
						+ "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2,\"total_tokens\":3}}");
		return true;
	}

	/** The last {@code "content":"..."} of the request body: the user's prompt. */
	private static String prompt(String body) {
		String marker = "\"content\":\"";
		int start = body.lastIndexOf(marker);
		if (start < 0) {
			return "";
		}
		start += marker.length();
		int end = body.indexOf('"', start);
		return (end < 0) ? "" : body.substring(start, end);
	}

}
