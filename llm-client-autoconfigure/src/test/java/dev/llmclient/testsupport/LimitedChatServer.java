package dev.llmclient.testsupport;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * An OpenAI-compatible chat completions server on a {@link RawHttpServer} that enforces
 * limits its clients are not told, as providers do: at most {@link #capacity} requests
 * served at once, and at most {@link #requestsPerWindow} requests in any window of
 * {@link #window} (sliding: wherever the window starts). A request beyond either is
 * answered 429 at once, with no {@code Retry-After}, as a vLLM or Ollama slot limit
 * would. It records how many requests it served at once, the 429s it sent and when every
 * request arrived; it can also add headers of its own choosing to every answer, to test
 * pacing by {@code x-ratelimit-*} headers.
 */
public final class LimitedChatServer implements AutoCloseable {

	private final RawHttpServer server;

	private final AtomicInteger served = new AtomicInteger();

	private final AtomicInteger maxServed = new AtomicInteger();

	private final AtomicInteger refused = new AtomicInteger();

	private final AtomicInteger answered = new AtomicInteger();

	/** Every request, refused or not. */
	private final ConcurrentLinkedDeque<Long> arrivals = new ConcurrentLinkedDeque<>();

	/** Requests let through the window check. */
	private final ConcurrentLinkedDeque<Long> admitted = new ConcurrentLinkedDeque<>();

	private volatile int capacity = Integer.MAX_VALUE;

	private volatile int requestsPerWindow = Integer.MAX_VALUE;

	private volatile Duration window = Duration.ofSeconds(1);

	private volatile long latencyNanos;

	private volatile int usage = 3;

	private volatile IntFunction<Map<String, String>> headers = (request) -> Map.of();

	public LimitedChatServer() throws IOException {
		this.server = new RawHttpServer(this::answer);
	}

	/** The base URL to give the client as its endpoint. */
	public String endpoint() {
		return this.server.baseUrl() + "/v1";
	}

	/** Serves at most {@code capacity} requests at once; refuses more with 429. */
	public LimitedChatServer capacity(int capacity) {
		this.capacity = capacity;
		return this;
	}

	/**
	 * Refuses with 429 a request that would make more than {@code count} in any window.
	 */
	public LimitedChatServer requestsPer(int count, Duration window) {
		this.requestsPerWindow = count;
		this.window = window;
		return this;
	}

	/** Adds a fixed delay before every successful answer. */
	public LimitedChatServer latency(Duration latency) {
		this.latencyNanos = latency.toNanos();
		return this;
	}

	/** Reports this many tokens used (1 of them input) in every answer; 3 by default. */
	public LimitedChatServer usage(int totalTokens) {
		this.usage = totalTokens;
		return this;
	}

	/**
	 * Adds headers to every answer, chosen by the number of the request (from 1).
	 */
	public LimitedChatServer headers(IntFunction<Map<String, String>> headers) {
		this.headers = headers;
		return this;
	}

	/** The most requests served at once. */
	public int maxServed() {
		return this.maxServed.get();
	}

	/** Starts counting the most requests served at once afresh. */
	public void resetMaxServed() {
		this.maxServed.set(this.served.get());
	}

	/** Requests served now. */
	public int served() {
		return this.served.get();
	}

	/** Requests answered 429. */
	public int refused() {
		return this.refused.get();
	}

	/** Requests answered 200. */
	public int answered() {
		return this.answered.get();
	}

	/** Requests read so far. */
	public int requests() {
		return this.server.requests();
	}

	/** When each request arrived, refused or not, in {@link System#nanoTime()}. */
	public List<Long> arrivals() {
		return new ArrayList<>(this.arrivals);
	}

	/**
	 * The most requests, refused or not, that arrived within any window of
	 * {@code window}.
	 */
	public int maxInAnyWindow(Duration window) {
		List<Long> times = arrivals();
		times.sort(Long::compare);
		int most = 0;
		int first = 0;
		for (int last = 0; last < times.size(); last++) {
			while (times.get(last) - times.get(first) >= window.toNanos()) {
				first++;
			}
			most = Math.max(most, last - first + 1);
		}
		return most;
	}

	private boolean answer(RawHttpServer.Exchange exchange) throws IOException, InterruptedException {
		long now = System.nanoTime();
		this.arrivals.add(now);
		Map<String, String> extra = this.headers.apply(exchange.requestNumber());
		if (!admitWithinWindow(now)) {
			refuse(exchange, extra, "requests per window");
			return true;
		}
		int serving = this.served.incrementAndGet();
		if (serving > this.capacity) {
			this.served.decrementAndGet();
			refuse(exchange, extra, "capacity");
			return true;
		}
		this.maxServed.accumulateAndGet(serving, Math::max);
		try {
			long latency = this.latencyNanos;
			if (latency > 0) {
				TimeUnit.NANOSECONDS.sleep(latency);
			}
		}
		finally {
			this.served.decrementAndGet();
		}
		this.answered.incrementAndGet();
		write(exchange, 200, extra,
				"{\"id\":\"c\",\"object\":\"chat.completion\",\"model\":\"limited\",\"choices\":[{\"index\":0,"
						+ "\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},\"finish_reason\":\"stop\"}],"
						+ "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":" + (this.usage - 1)
						+ ",\"total_tokens\":" + this.usage + "}}");
		return true;
	}

	/** Counts the request in the window, unless the window is full. */
	private synchronized boolean admitWithinWindow(long now) {
		long windowStart = now - this.window.toNanos();
		int inWindow = 0;
		for (long arrival : this.admitted) {
			if (arrival - windowStart > 0) {
				inWindow++;
			}
		}
		if (inWindow >= this.requestsPerWindow) {
			return false;
		}
		this.admitted.add(now);
		return true;
	}

	private void refuse(RawHttpServer.Exchange exchange, Map<String, String> extra, String limit) throws IOException {
		this.refused.incrementAndGet();
		write(exchange, 429, extra, "{\"error\":{\"message\":\"Rate limit reached: " + limit
				+ "\",\"type\":\"rate_limit_exceeded\",\"code\":\"rate_limit_exceeded\"}}");
	}

	private static void write(RawHttpServer.Exchange exchange, int status, Map<String, String> extra, String body)
			throws IOException {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		StringBuilder head = new StringBuilder("HTTP/1.1 ").append(status)
			.append((status == 200) ? " OK" : " Too Many Requests")
			.append("\r\nContent-Type: application/json\r\nContent-Length: ")
			.append(bytes.length)
			.append("\r\n");
		extra.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
		head.append("\r\n");
		OutputStream out = exchange.socket().getOutputStream();
		out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
		out.write(bytes);
		out.flush();
	}

	@Override
	public void close() {
		this.server.close();
	}

}
