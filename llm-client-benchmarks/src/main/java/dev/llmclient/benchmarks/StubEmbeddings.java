package dev.llmclient.benchmarks;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The stub's embeddings answers: for n texts, n vectors of {@value #DIMENSIONS} floats
 * (text-embedding-3-small's length) written as OpenAI writes them, about 13 characters a
 * number, with {@code index}, {@code model} and {@code usage}; about 5.5 MB for 256
 * texts. Built once per number of texts and kept, so the stub spends its time writing,
 * not formatting.
 */
final class StubEmbeddings {

	static final int DIMENSIONS = 1536;

	private static final Map<Integer, ByteBuffer> ANSWERS = new ConcurrentHashMap<>();

	private static final String VECTOR = vector();

	private StubEmbeddings() {
	}

	static ByteBuffer answer(int inputs) {
		return ANSWERS.computeIfAbsent(inputs, StubEmbeddings::build);
	}

	/**
	 * Counts the texts of a request body: the strings of its {@code input} array (the
	 * benchmark's texts hold no quotes), or 1 for a single string.
	 */
	static int inputs(byte[] bytes, int start, int end) {
		byte[] key = "\"input\"".getBytes(StandardCharsets.US_ASCII);
		int at = -1;
		for (int i = start; i + key.length <= end && at < 0; i++) {
			int k = 0;
			while (k < key.length && bytes[i + k] == key[k]) {
				k++;
			}
			at = (k == key.length) ? i + key.length : -1;
		}
		if (at < 0) {
			return 1;
		}
		int quotes = 0;
		for (int i = at; i < end; i++) {
			if (bytes[i] == '"') {
				quotes++;
			}
			else if ((bytes[i] == ']' || bytes[i] == '}') && quotes % 2 == 0) {
				break;
			}
		}
		return Math.max(1, quotes / 2);
	}

	private static ByteBuffer build(int inputs) {
		StringBuilder json = new StringBuilder(inputs * (VECTOR.length() + 64))
			.append("{\"object\":\"list\",\"data\":[");
		for (int i = 0; i < inputs; i++) {
			json.append((i > 0) ? "," : "")
				.append("{\"object\":\"embedding\",\"index\":")
				.append(i)
				.append(",\"embedding\":")
				.append(VECTOR)
				.append('}');
		}
		json.append("],\"model\":\"bench-embed\",\"usage\":{\"prompt_tokens\":")
			.append(inputs * 8)
			.append(",\"total_tokens\":")
			.append(inputs * 8)
			.append("}}");
		return StubServer.response(200, "OK", json.toString().getBytes(StandardCharsets.US_ASCII));
	}

	private static String vector() {
		Random random = new Random(42);
		StringBuilder vector = new StringBuilder("[");
		for (int d = 0; d < DIMENSIONS; d++) {
			vector.append((d > 0) ? "," : "")
				.append(String.format(Locale.ROOT, "%.10f", (random.nextFloat() - 0.5f) / 10));
		}
		return vector.append(']').toString();
	}

}
