package dev.llmclient.interplay;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.llmclient.testsupport.RawHttpServer;

/**
 * A slow OpenAI-compatible chat server on a loopback port, so that a caller's ending
 * lands in the middle of a call: a whole answer comes after {@link #LATENCY}, a stream
 * sends {@link #CHUNKS} text chunks {@link #CHUNK_GAP} apart, then its finish reason, its
 * usage and {@code [DONE]}. Every answer reports the same usage ({@link #USAGE_TOKENS}),
 * so the tokens a budget should have left are known exactly.
 * <p>
 * Requests whose prompt holds {@code hold-} wait until {@link #release()}: another
 * instance's calls that keep every permit busy. The server counts the other requests and
 * the distinct calls among them ({@code call-NNNN} in the prompt), so retries show, and
 * the answers it wrote whole.
 */
final class SlowChatServer implements AutoCloseable {

	static final Duration LATENCY = Duration.ofMillis(60);

	static final Duration CHUNK_GAP = Duration.ofMillis(12);

	static final int CHUNKS = 5;

	static final int PROMPT_TOKENS = 10;

	static final int COMPLETION_TOKENS = 20;

	static final int USAGE_TOKENS = PROMPT_TOKENS + COMPLETION_TOKENS;

	private static final Pattern CALL = Pattern.compile("call-(\\d+)");

	private static final String HOLD = "hold-";

	private final RawHttpServer server;

	private final AtomicInteger requests = new AtomicInteger();

	private final Set<Integer> calls = ConcurrentHashMap.newKeySet();

	private final AtomicInteger answered = new AtomicInteger();

	private final AtomicInteger held = new AtomicInteger();

	private final AtomicInteger heldRequests = new AtomicInteger();

	private final CountDownLatch release = new CountDownLatch(1);

	SlowChatServer() throws IOException {
		this.server = new RawHttpServer(this::answer);
	}

	String endpoint() {
		return this.server.baseUrl() + "/v1";
	}

	/** Chat requests received, retries included, held ones not. */
	int requests() {
		return this.requests.get();
	}

	/** Distinct calls among {@link #requests()}. */
	int calls() {
		return this.calls.size();
	}

	/**
	 * Answers written whole, held ones not: an answer written whole may still not have
	 * been read by a client that gave up on it.
	 */
	int answered() {
		return this.answered.get();
	}

	/** Requests being held now. */
	int held() {
		return this.held.get();
	}

	/** Requests held, ever. */
	int heldRequests() {
		return this.heldRequests.get();
	}

	/** Lets held requests, and any that come later, be answered. */
	void release() {
		this.release.countDown();
	}

	private boolean answer(RawHttpServer.Exchange exchange) throws IOException, InterruptedException {
		if (!exchange.path().endsWith("/chat/completions")) {
			exchange.respond(404, "application/json", "{\"error\":{\"message\":\"not here\"}}");
			return true;
		}
		String body = exchange.body();
		if (body.contains(HOLD)) {
			this.heldRequests.incrementAndGet();
			this.held.incrementAndGet();
			try {
				this.release.await(30, TimeUnit.SECONDS);
			}
			finally {
				this.held.decrementAndGet();
			}
		}
		else {
			this.requests.incrementAndGet();
			Matcher call = CALL.matcher(body);
			if (call.find()) {
				this.calls.add(Integer.parseInt(call.group(1)));
			}
		}
		if (body.contains("\"stream\":true")) {
			stream(exchange.socket().getOutputStream());
		}
		else {
			TimeUnit.NANOSECONDS.sleep(LATENCY.toNanos());
			exchange.respond(200, "application/json", completion());
		}
		if (!body.contains(HOLD)) {
			this.answered.incrementAndGet();
		}
		return true;
	}

	private static String completion() {
		return "{\"id\":\"chatcmpl-m\",\"object\":\"chat.completion\",\"model\":\"matrix-model\",\"choices\":[{\"index\":0,"
				+ "\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},\"finish_reason\":\"stop\"}]," + usage()
				+ "}";
	}

	private static String usage() {
		return "\"usage\":{\"prompt_tokens\":" + PROMPT_TOKENS + ",\"completion_tokens\":" + COMPLETION_TOKENS
				+ ",\"total_tokens\":" + USAGE_TOKENS + "}";
	}

	private static void stream(OutputStream out) throws IOException, InterruptedException {
		out.write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
			.getBytes(StandardCharsets.US_ASCII));
		out.flush();
		for (int i = 0; i < CHUNKS; i++) {
			TimeUnit.NANOSECONDS.sleep(CHUNK_GAP.toNanos());
			send(out, event("{\"index\":0,\"delta\":{\"content\":\"t" + i + "\"},\"finish_reason\":null}"));
		}
		TimeUnit.NANOSECONDS.sleep(CHUNK_GAP.toNanos());
		send(out,
				event("{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}")
						+ "data: {\"id\":\"chatcmpl-m\",\"model\":\"matrix-model\",\"choices\":[]," + usage() + "}\n\n"
						+ "data: [DONE]\n\n");
		out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
		out.flush();
	}

	private static String event(String choice) {
		return "data: {\"id\":\"chatcmpl-m\",\"object\":\"chat.completion.chunk\",\"model\":\"matrix-model\","
				+ "\"choices\":[" + choice + "]}\n\n";
	}

	private static void send(OutputStream out, String events) throws IOException {
		byte[] bytes = events.getBytes(StandardCharsets.UTF_8);
		out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
		out.write(bytes);
		out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
		out.flush();
	}

	@Override
	public void close() {
		this.release.countDown();
		this.server.close();
	}

}
