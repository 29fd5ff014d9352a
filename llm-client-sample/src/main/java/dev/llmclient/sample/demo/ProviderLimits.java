package dev.llmclient.sample.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

/**
 * Makes the demo backend behave like a provider with limits the client is not told, so
 * that traffic control can be watched offline: at most {@code sample.demo.capacity}
 * requests answered at once (a further one is refused at once with 429 and no
 * {@code Retry-After}, as a vLLM or Ollama slot limit does), at most
 * {@code sample.demo.requests-per-minute} requests per minute (refused with 429 and
 * {@code Retry-After}; every answer carries {@code x-ratelimit-remaining-requests} and
 * {@code x-ratelimit-reset-requests}, as OpenAI's do), and every answer after
 * {@code sample.demo.latency}. Zero means no limit. Only POST requests (the calls that
 * cost a provider something) count.
 *
 * @param capacity requests answered at once, or 0 for no limit
 * @param requestsPerMinute requests per minute, or 0 for no limit
 * @param latency how long each answer takes
 */
record ProviderLimits(int capacity, int requestsPerMinute, Duration latency) {

	static final ProviderLimits NONE = new ProviderLimits(0, 0, Duration.ZERO);

	private static final long MINUTE_NANOS = TimeUnit.MINUTES.toNanos(1);

	ProviderLimits {
		if (capacity < 0 || requestsPerMinute < 0 || latency.isNegative()) {
			throw new IllegalArgumentException("sample.demo.capacity, sample.demo.requests-per-minute and "
					+ "sample.demo.latency must not be negative (0 means no limit)");
		}
	}

	/** Wraps the demo's handler in these limits. */
	HttpHandler apply(HttpHandler handler) {
		return equals(NONE) ? handler : new Limited(handler);
	}

	private final class Limited implements HttpHandler {

		private final HttpHandler handler;

		private final AtomicInteger serving = new AtomicInteger();

		/** Arrival times of the requests let through in the last minute. */
		private final ArrayDeque<Long> window = new ArrayDeque<>();

		Limited(HttpHandler handler) {
			this.handler = handler;
		}

		@Override
		public void handle(HttpExchange exchange) throws IOException {
			if (!exchange.getRequestMethod().equals("POST")) {
				this.handler.handle(exchange);
				return;
			}
			long waitNanos = admitWithinMinute(exchange, System.nanoTime());
			if (waitNanos > 0) {
				long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(waitNanos + 999_999_999L));
				exchange.getResponseHeaders().set("Retry-After", Long.toString(seconds));
				refuse(exchange, "Rate limit reached: " + requestsPerMinute() + " requests per minute");
				return;
			}
			if (capacity() > 0 && this.serving.incrementAndGet() > capacity()) {
				this.serving.decrementAndGet();
				refuse(exchange, "All " + capacity() + " slots are busy");
				return;
			}
			try {
				if (!latency().isZero()) {
					TimeUnit.NANOSECONDS.sleep(latency().toNanos());
				}
				this.handler.handle(exchange);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				exchange.close();
			}
			finally {
				if (capacity() > 0) {
					this.serving.decrementAndGet();
				}
			}
		}

		/**
		 * Counts the request in the last minute and sets the rate-limit headers; returns
		 * 0, or how long until the minute has room when it is full.
		 */
		private synchronized long admitWithinMinute(HttpExchange exchange, long now) {
			if (requestsPerMinute() == 0) {
				return 0;
			}
			while (!this.window.isEmpty() && now - this.window.peekFirst() >= MINUTE_NANOS) {
				this.window.removeFirst();
			}
			boolean full = this.window.size() >= requestsPerMinute();
			if (!full) {
				this.window.addLast(now);
			}
			long resetNanos = MINUTE_NANOS - (now - this.window.peekFirst());
			exchange.getResponseHeaders().set("x-ratelimit-limit-requests", Integer.toString(requestsPerMinute()));
			exchange.getResponseHeaders()
				.set("x-ratelimit-remaining-requests", Integer.toString(requestsPerMinute() - this.window.size()));
			exchange.getResponseHeaders()
				.set("x-ratelimit-reset-requests", TimeUnit.NANOSECONDS.toMillis(resetNanos) + "ms");
			return full ? resetNanos : 0;
		}

		private void refuse(HttpExchange exchange, String message) throws IOException {
			exchange.getRequestBody().readAllBytes();
			byte[] body = ("{\"error\":{\"message\":\"" + message
					+ "\",\"type\":\"rate_limit_exceeded\",\"code\":\"rate_limit_exceeded\"}}")
				.getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().set("Content-Type", "application/json");
			exchange.sendResponseHeaders(429, body.length);
			exchange.getResponseBody().write(body);
			exchange.close();
		}

	}

}
