package dev.llmclient.internal.wire;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

import dev.llmclient.EmbeddingRequest;
import dev.llmclient.EmbeddingResponse;
import dev.llmclient.Usage;

/**
 * The wire format of the OpenAI-compatible embeddings API: writes a request body and
 * reads the answer. The answer is read token by token straight from the connection into
 * {@code float[]} vectors: no tree, no bound objects, no boxed numbers and no copy of the
 * whole body, since bulk embedding moves megabytes of numbers per request. Items are put
 * in place by their {@code index}, or in the order they come when the server sends none;
 * {@code usage}, {@code model}, {@code object} and {@code id} may be missing.
 */
public final class EmbeddingCodec {

	/**
	 * What each text may add to the largest answer accepted beyond
	 * {@code max-response-size}: a vector of 3 072 floats (OpenAI's largest model) is
	 * about 40 KB as JSON, so 256 of them pass the default limit of 4 MB.
	 */
	static final long BYTES_PER_VECTOR = 64 * 1024;

	private final Failures failures;

	private final long maxResponseSize;

	public EmbeddingCodec(Failures failures, long maxResponseSize) {
		this.failures = failures;
		this.maxResponseSize = maxResponseSize;
	}

	/**
	 * Writes a request body.
	 * @param request the texts and options
	 * @param model the model to ask for, or {@code null} to let the server choose
	 * @return the JSON body
	 */
	public byte[] encode(EmbeddingRequest request, String model) {
		Map<String, Object> body = new LinkedHashMap<>();
		if (model != null) {
			body.put("model", model);
		}
		body.put("input", request.inputs());
		if (request.dimensions() != null) {
			body.put("dimensions", request.dimensions());
		}
		return ChatCodec.MAPPER.writeValueAsBytes(body);
	}

	/**
	 * The largest answer accepted for {@code inputs} texts.
	 * @param inputs the texts of the request
	 * @return the limit in bytes
	 */
	long limit(int inputs) {
		return Math.max(this.maxResponseSize, inputs * BYTES_PER_VECTOR);
	}

	/**
	 * Reads an answer (a 2xx body) as it arrives.
	 * @param in the body
	 * @param inputs how many texts were sent: exactly as many vectors must come back
	 * @param model the model asked for, used when the answer names none
	 * @param start when the call started, in {@link System#nanoTime()}
	 * @return the vectors in input order
	 * @throws dev.llmclient.LlmMalformedResponseException when the body is not an
	 * embeddings answer, holds another number of vectors than texts, or is larger than
	 * the limit
	 */
	public EmbeddingResponse read(InputStream in, int inputs, String model, long start) throws IOException {
		long limit = limit(inputs);
		Limited body = new Limited(in, limit);
		Answer answer;
		try (JsonParser parser = ChatCodec.MAPPER.createParser(body)) {
			answer = answer(parser, inputs);
		}
		catch (JacksonException ex) {
			if (body.exceeded) {
				BoundedBody.abort(in);
				throw this.failures.embeddingsTooLarge(limit);
			}
			throw this.failures.malformed("a body that is not an embeddings answer: " + ex.getOriginalMessage(), ex);
		}
		if (body.exceeded) {
			BoundedBody.abort(in);
			throw this.failures.embeddingsTooLarge(limit);
		}
		float[][] vectors = inOrder(answer, inputs);
		String answeredModel = (answer.model != null) ? answer.model : model;
		return new EmbeddingResponse(Arrays.asList(vectors), answeredModel, answer.usage(),
				Duration.ofNanos(System.nanoTime() - start));
	}

	private Answer answer(JsonParser parser, int inputs) {
		if (parser.nextToken() != JsonToken.START_OBJECT) {
			throw this.failures.malformed("a body that is not a JSON object, where an embeddings answer was expected",
					null);
		}
		Answer answer = new Answer(inputs);
		String name;
		while ((name = parser.nextName()) != null) {
			JsonToken token = parser.nextToken();
			switch (name) {
				case "data" -> data(parser, token, answer);
				case "model" -> model(parser, token, answer);
				case "usage" -> usage(parser, token, answer);
				default -> parser.skipChildren();
			}
		}
		if (answer.vectors == null) {
			throw this.failures.malformed("an embeddings answer without a data array", null);
		}
		return answer;
	}

	private static void model(JsonParser parser, JsonToken token, Answer answer) {
		if (token == JsonToken.VALUE_STRING) {
			answer.model = parser.getString();
		}
		else {
			parser.skipChildren();
		}
	}

	private void data(JsonParser parser, JsonToken token, Answer answer) {
		if (token != JsonToken.START_ARRAY) {
			throw this.failures.malformed("an embeddings answer whose data is not an array", null);
		}
		answer.vectors = new ArrayList<>(answer.inputs);
		int dimensions = 0;
		while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
			if (token != JsonToken.START_OBJECT) {
				throw this.failures.malformed("an embeddings answer whose data holds " + token + " instead of objects",
						null);
			}
			int index = -1;
			float[] vector = null;
			String name;
			while ((name = parser.nextName()) != null) {
				JsonToken value = parser.nextToken();
				if ("embedding".equals(name)) {
					vector = vector(parser, value, dimensions);
					dimensions = vector.length;
				}
				else if ("index".equals(name) && value == JsonToken.VALUE_NUMBER_INT) {
					index = parser.getIntValue();
				}
				else {
					parser.skipChildren();
				}
			}
			if (vector == null) {
				throw this.failures
					.malformed("an embeddings answer whose item " + answer.vectors.size() + " has no embedding", null);
			}
			answer.add(vector, index);
		}
	}

	/**
	 * Reads one vector into an array sized like the previous one, so that, vectors of an
	 * answer being of one length, each is filled in place without growing or trimming.
	 */
	private float[] vector(JsonParser parser, JsonToken token, int expected) {
		if (token != JsonToken.START_ARRAY) {
			throw this.failures.malformed("an embedding that is not an array of numbers (" + token
					+ "); the client asks for the default encoding_format, float", null);
		}
		float[] vector = new float[(expected > 0) ? expected : 1024];
		int length = 0;
		while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
			if (token != JsonToken.VALUE_NUMBER_FLOAT && token != JsonToken.VALUE_NUMBER_INT) {
				throw this.failures.malformed("an embedding holding " + token + " instead of a number", null);
			}
			if (length == vector.length) {
				vector = Arrays.copyOf(vector, vector.length * 2);
			}
			vector[length++] = parser.getFloatValue();
		}
		return (length == vector.length) ? vector : Arrays.copyOf(vector, length);
	}

	private static void usage(JsonParser parser, JsonToken token, Answer answer) {
		if (token != JsonToken.START_OBJECT) {
			parser.skipChildren();
			return;
		}
		String name;
		while ((name = parser.nextName()) != null) {
			JsonToken value = parser.nextToken();
			if (value == JsonToken.VALUE_NUMBER_INT && "prompt_tokens".equals(name)) {
				answer.promptTokens = parser.getIntValue();
			}
			else if (value == JsonToken.VALUE_NUMBER_INT && "total_tokens".equals(name)) {
				answer.totalTokens = parser.getIntValue();
			}
			else {
				parser.skipChildren();
			}
		}
	}

	/**
	 * Puts each vector at its {@code index}; one without an index goes where it came.
	 * Every text must get exactly one vector.
	 */
	private float[][] inOrder(Answer answer, int inputs) {
		if (answer.vectors.size() != inputs) {
			throw this.failures.malformed(answer.vectors.size() + " vectors for " + inputs
					+ " texts: an embeddings answer must hold one vector per text", null);
		}
		float[][] vectors = new float[inputs][];
		for (int i = 0; i < inputs; i++) {
			int index = answer.indexes[i];
			int at = (index >= 0) ? index : i;
			if (at >= inputs) {
				throw this.failures.malformed("a vector with index " + index + " for " + inputs + " texts", null);
			}
			if (vectors[at] != null) {
				throw this.failures.malformed("two vectors for index " + at + " of " + inputs + " texts", null);
			}
			vectors[at] = answer.vectors.get(i);
		}
		return vectors;
	}

	/** What was read of an answer. */
	private static final class Answer {

		final int inputs;

		List<float[]> vectors;

		/** The index of each vector as the server sent it, -1 when it sent none. */
		int[] indexes;

		String model;

		int promptTokens = -1;

		int totalTokens = -1;

		Answer(int inputs) {
			this.inputs = inputs;
			this.indexes = new int[inputs];
		}

		void add(float[] vector, int index) {
			int at = this.vectors.size();
			if (at == this.indexes.length) {
				this.indexes = Arrays.copyOf(this.indexes, at + 1);
			}
			this.indexes[at] = index;
			this.vectors.add(vector);
		}

		/** Embeddings only have input tokens. */
		Usage usage() {
			if (this.promptTokens < 0 && this.totalTokens < 0) {
				return null;
			}
			int input = (this.promptTokens >= 0) ? this.promptTokens : this.totalTokens;
			return new Usage(input, 0, (this.totalTokens >= 0) ? this.totalTokens : input);
		}

	}

	/**
	 * Ends the body early, as if it had ended, once it passes the limit: the parser then
	 * stops, and the codec, seeing {@link #exceeded}, reports the size rather than the
	 * cut.
	 */
	private static final class Limited extends FilterInputStream {

		private final long limit;

		private long read;

		boolean exceeded;

		Limited(InputStream in, long limit) {
			super(in);
			this.limit = limit;
		}

		@Override
		public int read() throws IOException {
			byte[] one = new byte[1];
			return (read(one, 0, 1) == -1) ? -1 : (one[0] & 0xFF);
		}

		@Override
		public int read(byte[] buffer, int offset, int length) throws IOException {
			if (this.exceeded) {
				return -1;
			}
			int n = this.in.read(buffer, offset, length);
			if (n > 0) {
				this.read += n;
				if (this.read > this.limit) {
					this.exceeded = true;
					return -1;
				}
			}
			return n;
		}

		@Override
		public void close() {
			// the response closes the body once the exchange ends
		}

	}

}
