package dev.llmclient.internal.operation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;

import dev.llmclient.internal.wire.ChatCodec;

/**
 * The JSON of the Batches API: the body that creates a batch ({@code CreateBatchRequest})
 * and the batch an answer describes ({@code Batch}).
 */
final class BatchJson {

	private BatchJson() {
	}

	static byte[] createBody(String inputFileId, String url, String completionWindow, Map<String, String> metadata) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("input_file_id", inputFileId);
		body.put("endpoint", url);
		body.put("completion_window", completionWindow);
		if (!metadata.isEmpty()) {
			body.put("metadata", metadata);
		}
		return ChatCodec.MAPPER.writeValueAsBytes(body);
	}

	static ProviderBatch batch(JsonNode node) {
		JsonNode counts = node.path("request_counts");
		Map<String, String> metadata = new LinkedHashMap<>();
		JsonNode meta = node.path("metadata");
		if (meta.isObject()) {
			for (Map.Entry<String, JsonNode> pair : meta.properties()) {
				if (pair.getValue().isString()) {
					metadata.put(pair.getKey(), pair.getValue().asString());
				}
			}
		}
		List<ProviderBatch.Error> errors = new ArrayList<>();
		for (JsonNode error : node.path("errors").path("data")) {
			JsonNode line = error.get("line");
			errors.add(new ProviderBatch.Error(BatchApiOperation.text(error, "code"),
					BatchApiOperation.text(error, "message"), BatchApiOperation.text(error, "param"),
					(line != null && line.isIntegralNumber()) ? line.asInt() : null));
		}
		return new ProviderBatch(BatchApiOperation.text(node, "id"), BatchApiOperation.text(node, "status"),
				BatchApiOperation.text(node, "input_file_id"), BatchApiOperation.text(node, "output_file_id"),
				BatchApiOperation.text(node, "error_file_id"), counts.path("total").asInt(0),
				counts.path("completed").asInt(0), counts.path("failed").asInt(0), metadata, errors,
				node.path("created_at").asLong(0));
	}

}
