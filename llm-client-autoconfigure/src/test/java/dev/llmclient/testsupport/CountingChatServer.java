package dev.llmclient.testsupport;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.awaitility.Awaitility;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An OpenAI-compatible chat completions server on a {@link RawHttpServer} that counts the
 * requests it holds at once: a request is in flight from the moment it has been read
 * until just before its answer is written, so the count never exceeds what the client
 * really has in flight.
 * <p>
 * The answer depends on the prompt (the last {@code "content"} of the request): it is
 * echoed as {@code echo: <prompt>}, except {@code fail-400} and {@code fail-500} (an
 * error status), {@code malformed} (a 200 that is not JSON), {@code reset} (a TCP reset),
 * and prompts starting with {@code hold}, which wait for {@link #release()}. A fixed
 * latency can be added to every answer, and the first requests can be gated until a
 * number of them are in flight together.
 */
public final class CountingChatServer implements AutoCloseable {

	private final RawHttpServer server;

	private final AtomicInteger inFlight = new AtomicInteger();

	private final AtomicInteger maxInFlight = new AtomicInteger();

	private final AtomicInteger held = new AtomicInteger();

	private final CountDownLatch released = new CountDownLatch(1);

	private volatile long latencyNanos;

	private volatile CountDownLatch gate;

	public CountingChatServer() throws IOException {
		this.server = new RawHttpServer(this::answer);
	}

	/** The base URL to give the client as its endpoint. */
	public String endpoint() {
		return this.server.baseUrl() + "/v1";
	}

	/** Adds a fixed delay before every answer. */
	public CountingChatServer latency(Duration latency) {
		this.latencyNanos = latency.toNanos();
		return this;
	}

	/**
	 * Makes the next {@code count} requests wait until {@code count} requests are in
	 * flight together (or 10 seconds pass), so reaching a concurrency level does not
	 * depend on timing.
	 */
	public CountingChatServer gateFirst(int count) {
		this.gate = new CountDownLatch(count);
		return this;
	}

	/**
	 * Lets every held request (prompt starting with {@code hold}) answer, now and later.
	 */
	public void release() {
		this.released.countDown();
	}

	/** The most requests ever in flight at once. */
	public int maxInFlight() {
		return this.maxInFlight.get();
	}

	/** Starts counting the most requests in flight at once afresh. */
	public void resetMaxInFlight() {
		this.maxInFlight.set(this.inFlight.get());
	}

	public int inFlight() {
		return this.inFlight.get();
	}

	/** Requests read so far. */
	public int requests() {
		return this.server.requests();
	}

	/** Requests waiting for {@link #release()} now. */
	public int held() {
		return this.held.get();
	}

	/** TCP connections accepted so far. */
	public int connections() {
		return this.server.connections();
	}

	/** Waits until {@code count} requests are held. */
	public void awaitHeld(int count) {
		Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.held.get()).as("held requests").isGreaterThanOrEqualTo(count));
	}

	/**
	 * Answers one request; the in-flight count is lowered just before anything is
	 * written.
	 */
	private boolean answer(RawHttpServer.Exchange exchange) throws IOException, InterruptedException {
		this.maxInFlight.accumulateAndGet(this.inFlight.incrementAndGet(), Math::max);
		String prompt = prompt(exchange.body());
		CountDownLatch gate = this.gate;
		if (gate != null && gate.getCount() > 0) {
			gate.countDown();
			gate.await(10, TimeUnit.SECONDS);
		}
		if (prompt.startsWith("hold")) {
			this.held.incrementAndGet();
			try {
				this.released.await();
			}
			finally {
				this.held.decrementAndGet();
			}
		}
		long latency = this.latencyNanos;
		if (latency > 0) {
			TimeUnit.NANOSECONDS.sleep(latency);
		}
		this.inFlight.decrementAndGet();
		switch (prompt) {
			case "fail-400" -> exchange.respond(400, "application/json",
					"{\"error\":{\"message\":\"bad prompt\",\"type\":\"invalid_request_error\",\"code\":null}}");
			case "fail-500" -> exchange.respond(500, "application/json",
					"{\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}");
			case "malformed" -> exchange.respond(200, "text/html", "<html>not a completion</html>");
			case "reset" -> {
				exchange.reset();
				return false;
			}
			default -> exchange.respond(200, "application/json",
					"{\"id\":\"c\",\"object\":\"chat.completion\","
							+ "\"model\":\"counting\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
							+ "\"content\":\"echo: " + prompt + "\"},\"finish_reason\":\"stop\"}],"
							+ "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2,\"total_tokens\":3}}");
		}
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

	/** Releases every held request and closes the server. */
	@Override
	public void close() {
		release();
		this.server.close();
	}

}
