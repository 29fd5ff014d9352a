package dev.llmclient.testsupport;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.awaitility.Awaitility;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An OpenAI-compatible server on a {@link RawHttpServer} for embeddings tests, which
 * counts the requests it holds at once across {@code POST .../embeddings} and
 * {@code POST .../chat/completions} (echoed), so a test can check that both share the
 * client's limit. Every embeddings body is kept, so tests can check it against the wire
 * schema.
 * <p>
 * The vector of a text is deterministic: {@code [n, length, 0.5]} where {@code n} is the
 * number the text ends with ({@code -1} when none), so a test reads from a vector which
 * text it belongs to. Items are answered in reverse order with their {@code index}. What
 * a request does is steered by its texts: one starting with {@code hold} waits for
 * {@link #release()}; {@code fail-400} and {@code fail-500} answer that status;
 * {@code once-503} answers 503 the first time its request is seen; {@code short} answers
 * one vector too few; {@code bare} answers in order without {@code index}, {@code usage},
 * {@code id}, {@code object} or {@code created}; {@code html} answers 200 with an HTML
 * page; {@code huge} answers a vector of 20 000 floats (about 200 KB).
 */
public final class EmbeddingServer implements AutoCloseable {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final RawHttpServer server;

	private final List<String> bodies = new CopyOnWriteArrayList<>();

	private final Set<String> failedOnce = ConcurrentHashMap.newKeySet();

	private final AtomicInteger inFlight = new AtomicInteger();

	private final AtomicInteger maxInFlight = new AtomicInteger();

	private final AtomicInteger held = new AtomicInteger();

	private final AtomicInteger answered = new AtomicInteger();

	private final CountDownLatch released = new CountDownLatch(1);

	public EmbeddingServer() throws IOException {
		this.server = new RawHttpServer(this::answer);
	}

	/** The base URL to give the client as its endpoint. */
	public String endpoint() {
		return this.server.baseUrl() + "/v1";
	}

	/** Every embeddings request body received, in the order received. */
	public List<String> bodies() {
		return Collections.unmodifiableList(this.bodies);
	}

	/** The most requests, chat and embeddings together, ever held at once. */
	public int maxInFlight() {
		return this.maxInFlight.get();
	}

	/** Embeddings requests answered with vectors so far. */
	public int answered() {
		return this.answered.get();
	}

	/** Lets every held request answer, now and later. */
	public void release() {
		this.released.countDown();
	}

	/** Waits until {@code count} requests are held. */
	public void awaitHeld(int count) {
		Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.held.get()).as("held requests").isGreaterThanOrEqualTo(count));
	}

	/** The vector the server answers for a text. */
	public static float[] vectorOf(String text) {
		int end = text.length();
		int start = end;
		while (start > 0 && Character.isDigit(text.charAt(start - 1))) {
			start--;
		}
		float number = (start < end) ? Integer.parseInt(text.substring(start, end)) : -1;
		return new float[] { number, text.length(), 0.5f };
	}

	/**
	 * Answers one request; the in-flight count is lowered just before anything is
	 * written.
	 */
	private boolean answer(RawHttpServer.Exchange exchange) throws IOException, InterruptedException {
		this.maxInFlight.accumulateAndGet(this.inFlight.incrementAndGet(), Math::max);
		Reply reply;
		try {
			reply = reply(exchange);
		}
		finally {
			this.inFlight.decrementAndGet();
		}
		exchange.respond(reply.status(), "application/json", reply.body());
		return true;
	}

	private Reply reply(RawHttpServer.Exchange exchange) throws InterruptedException {
		JsonNode body = JSON.readTree(exchange.body());
		if (exchange.path().endsWith("/chat/completions")) {
			String prompt = body.get("messages").get(0).get("content").asString();
			holdIf(prompt.startsWith("hold"));
			return new Reply(200, CannedBodies.completion("m", "echo: " + prompt));
		}
		this.bodies.add(exchange.body());
		List<String> texts = new ArrayList<>();
		body.get("input").forEach((text) -> texts.add(text.asString()));
		holdIf(texts.stream().anyMatch((text) -> text.startsWith("hold")));
		if (texts.contains("fail-400")) {
			return new Reply(400, "{\"error\":{\"message\":\"bad input\",\"type\":\"invalid_request_error\"}}");
		}
		if (texts.contains("fail-500")) {
			return new Reply(500, "{\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}");
		}
		if (texts.contains("once-503") && this.failedOnce.add(exchange.body())) {
			return new Reply(503, "{\"error\":{\"message\":\"busy\"}}");
		}
		if (texts.contains("html")) {
			return new Reply(200, "<html>not an embeddings answer</html>");
		}
		this.answered.incrementAndGet();
		if (texts.contains("huge")) {
			String floats = "0.123456789,".repeat(20_000);
			return new Reply(200, "{\"data\":[{\"index\":0,\"embedding\":[" + floats + "1]}]}");
		}
		return new Reply(200, vectors(texts, body));
	}

	private record Reply(int status, String body) {
	}

	private void holdIf(boolean hold) throws InterruptedException {
		if (hold) {
			this.held.incrementAndGet();
			try {
				this.released.await();
			}
			finally {
				this.held.decrementAndGet();
			}
		}
	}

	private static String vectors(List<String> texts, JsonNode body) {
		boolean bare = texts.contains("bare");
		int count = texts.contains("short") ? texts.size() - 1 : texts.size();
		String model = (body.get("model") != null) ? body.get("model").asString() : "server-default";
		StringBuilder json = new StringBuilder(bare ? "{\"data\":[" : "{\"object\":\"list\",\"data\":[");
		for (int n = 0; n < count; n++) {
			int i = bare ? n : count - 1 - n;
			if (n > 0) {
				json.append(',');
			}
			json.append(bare ? "{" : "{\"object\":\"embedding\",\"index\":" + i + ",").append("\"embedding\":[");
			float[] vector = vectorOf(texts.get(i));
			for (int d = 0; d < vector.length; d++) {
				json.append((d > 0) ? "," : "").append(vector[d]);
			}
			json.append("]}");
		}
		json.append("],\"model\":\"").append(model).append('"');
		if (!bare) {
			json.append(",\"usage\":{\"prompt_tokens\":")
				.append(texts.size())
				.append(",\"total_tokens\":")
				.append(texts.size())
				.append('}');
		}
		return json.append('}').toString();
	}

	/** Releases every held request and closes the server. */
	@Override
	public void close() {
		release();
		this.server.close();
	}

}
