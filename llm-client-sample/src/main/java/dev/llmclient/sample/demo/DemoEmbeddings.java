package dev.llmclient.sample.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import tools.jackson.databind.JsonNode;

import dev.llmclient.sample.demo.DemoWireFormat.EmbeddingData;
import dev.llmclient.sample.demo.DemoWireFormat.EmbeddingList;
import dev.llmclient.sample.demo.DemoWireFormat.EmbeddingUsage;
import dev.llmclient.sample.demo.DemoWireFormat.EmbeddingsRequest;

/**
 * The demo's embedding model: deterministic vectors by feature hashing, each word of a
 * text adding ±1 to one of the vector's places, the vector then scaled to length 1. So
 * the same text always gets the same vector, texts sharing words point the same way, and
 * no vector can be mistaken for a real model's. Tokens are counted as
 * whitespace-separated words.
 */
final class DemoEmbeddings {

	static final String NAME = "demo-embed";

	/** The length of a vector when the request asks for none. */
	static final int DIMENSIONS = 16;

	/** The longest vector served: as long as the largest OpenAI model's. */
	static final int MAX_DIMENSIONS = 3072;

	EmbeddingList embed(EmbeddingsRequest request) {
		List<String> texts = texts(request.input());
		int dimensions = dimensions(request.dimensions());
		List<EmbeddingData> data = new ArrayList<>(texts.size());
		int tokens = 0;
		for (int i = 0; i < texts.size(); i++) {
			data.add(new EmbeddingData("embedding", i, vector(texts.get(i), dimensions)));
			tokens += words(texts.get(i)).length;
		}
		String model = (request.model() != null) ? request.model() : NAME;
		return new EmbeddingList("list", data, model, new EmbeddingUsage(tokens, tokens));
	}

	static float[] vector(String text, int dimensions) {
		float[] vector = new float[dimensions];
		for (String word : words(text)) {
			int hash = word.toLowerCase(Locale.ROOT).hashCode();
			vector[Math.floorMod(hash, dimensions)] += ((hash >>> 31) == 0) ? 1 : -1;
		}
		double norm = 0;
		for (float value : vector) {
			norm += value * value;
		}
		if (norm > 0) {
			float scale = (float) (1 / Math.sqrt(norm));
			for (int i = 0; i < dimensions; i++) {
				vector[i] *= scale;
			}
		}
		return vector;
	}

	private static String[] words(String text) {
		String stripped = text.strip();
		return stripped.isEmpty() ? new String[0] : stripped.split("\\s+");
	}

	private static List<String> texts(JsonNode input) {
		if (input == null || input.isNull()) {
			throw new IllegalArgumentException("'input' is required: a string or an array of strings");
		}
		List<String> texts = new ArrayList<>();
		if (input.isString()) {
			texts.add(input.asString());
		}
		else if (input.isArray() && !input.isEmpty()) {
			for (JsonNode text : input) {
				if (!text.isString()) {
					throw new IllegalArgumentException(
							"'input' must hold strings: the demo does not read token arrays");
				}
				texts.add(text.asString());
			}
		}
		else {
			throw new IllegalArgumentException("'input' must be a string or a non-empty array of strings");
		}
		for (int i = 0; i < texts.size(); i++) {
			if (texts.get(i).isEmpty()) {
				throw new IllegalArgumentException("'input[" + i + "]' must not be an empty string");
			}
		}
		return texts;
	}

	private static int dimensions(Integer dimensions) {
		if (dimensions == null) {
			return DIMENSIONS;
		}
		if (dimensions < 1 || dimensions > MAX_DIMENSIONS) {
			throw new IllegalArgumentException("'dimensions' must be between 1 and " + MAX_DIMENSIONS);
		}
		return dimensions;
	}

}
