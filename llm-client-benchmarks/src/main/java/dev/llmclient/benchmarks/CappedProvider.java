package dev.llmclient.benchmarks;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A simulated provider (in this JVM, the JDK's HTTP server) with a hidden concurrency
 * cap: it answers each chat request after a fixed time while fewer than the cap are being
 * answered, and refuses any request beyond the cap at once with a 429. Bare (as a vLLM,
 * llama.cpp or Ollama slot limit refuses) or hosted: a 429 with {@code Retry-After: 1},
 * and {@code x-ratelimit-*} headers (budget left) on every answer, as a hosted API sends
 * them. Optionally notes when chosen requests arrived.
 */
final class CappedProvider implements AutoCloseable {

	/** What the provider says its request budget is: far more than a run sends. */
	private static final long BUDGET = 1_000_000;

	private static final byte[] REFUSED = ("{\"error\":{\"message\":\"Too many requests in flight\","
			+ "\"type\":\"rate_limit_exceeded\"}}")
		.getBytes(StandardCharsets.UTF_8);

	private final int answerMs;

	private final Pattern noted;

	private final HttpServer server;

	private final ExecutorService executor = Executors.newCachedThreadPool();

	private final AtomicInteger serving = new AtomicInteger();

	private final AtomicInteger maxServed = new AtomicInteger();

	private final AtomicLong requests = new AtomicLong();

	private final AtomicLong refused = new AtomicLong();

	private final Map<String, Long> arrivals = new ConcurrentHashMap<>();

	private volatile int cap = Integer.MAX_VALUE;

	private volatile boolean hosted;

	/**
	 * Starts the provider on a free loopback port, uncapped and bare until
	 * {@link #reset(int, boolean)}.
	 * @param answerMs how long each answered request takes
	 * @param noted the requests whose arrival to note, by the first group of this pattern
	 * found in their body, or {@code null} to note none (the body is then not decoded)
	 * @throws IOException when the server cannot start
	 */
	CappedProvider(int answerMs, Pattern noted) throws IOException {
		this.answerMs = answerMs;
		this.noted = noted;
		// without it the server's separate writes of head and body meet the client's
		// delayed ACK: 40 ms more per answer
		System.setProperty("sun.net.httpserver.nodelay", "true");
		// its default of 200 idle connections closes some of the 256 that a fixed
		// limit of 4 × 64 keeps, and the client's next request on one fails: not
		// what these benchmarks are about
		System.setProperty("sun.net.httpserver.maxIdleConnections", "4096");
		this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
		this.server.createContext("/v1/chat/completions", this::answer);
		this.server.setExecutor(this.executor);
		this.server.start();
	}

	int port() {
		return this.server.getAddress().getPort();
	}

	/**
	 * Sets the cap and the way of refusing for the next run, and clears the counts and
	 * arrivals.
	 * @param cap how many requests are answered at once
	 * @param hosted whether to refuse with {@code Retry-After} and send
	 * {@code x-ratelimit-*} headers
	 */
	void reset(int cap, boolean hosted) {
		this.cap = cap;
		this.hosted = hosted;
		this.requests.set(0);
		this.refused.set(0);
		this.maxServed.set(0);
		this.arrivals.clear();
	}

	long requests() {
		return this.requests.get();
	}

	long refused() {
		return this.refused.get();
	}

	int maxServed() {
		return this.maxServed.get();
	}

	/**
	 * When a noted request that was not refused arrived, in {@link System#nanoTime()}.
	 * @param key the first group of the pattern in the request's body
	 * @return its arrival, or {@code null} when it was refused or never sent
	 */
	Long arrival(String key) {
		return this.arrivals.get(key);
	}

	private void answer(HttpExchange exchange) throws IOException {
		try (exchange) {
			long arrived = System.nanoTime();
			byte[] body = exchange.getRequestBody().readAllBytes();
			long request = this.requests.incrementAndGet();
			int now = this.serving.incrementAndGet();
			try {
				if (now > this.cap) {
					this.refused.incrementAndGet();
					respond(exchange, request, 429, REFUSED);
					return;
				}
				this.maxServed.accumulateAndGet(now, Math::max);
				if (this.noted != null) {
					Matcher matcher = this.noted.matcher(new String(body, StandardCharsets.UTF_8));
					if (matcher.find()) {
						this.arrivals.put(matcher.group(1), arrived);
					}
				}
				TimeUnit.MILLISECONDS.sleep(this.answerMs);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			finally {
				this.serving.decrementAndGet();
			}
			respond(exchange, request, 200, SimCompletion.BODY);
		}
	}

	private void respond(HttpExchange exchange, long request, int status, byte[] body) throws IOException {
		Headers headers = exchange.getResponseHeaders();
		headers.set("Content-Type", "application/json");
		if (this.hosted) {
			headers.set("x-ratelimit-limit-requests", Long.toString(BUDGET));
			headers.set("x-ratelimit-remaining-requests", Long.toString(Math.max(1, BUDGET - request)));
			headers.set("x-ratelimit-reset-requests", "8.64s");
			if (status == 429) {
				headers.set("Retry-After", "1");
			}
		}
		exchange.sendResponseHeaders(status, body.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(body);
		}
	}

	@Override
	public void close() {
		this.server.stop(0);
		this.executor.shutdownNow();
	}

}
