package dev.llmclient.sample.demo;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import dev.llmclient.sample.demo.DemoBatchWireFormat.BatchList;
import dev.llmclient.sample.demo.DemoBatchWireFormat.BatchObject;
import dev.llmclient.sample.demo.DemoBatchWireFormat.CreateBatchRequest;
import dev.llmclient.sample.demo.DemoBatchWireFormat.FileObject;

/**
 * The demo's batches ({@code /v1/batches}): creates them from a create request, checked
 * as OpenAI checks it, finds them by id and lists them newest first.
 */
final class DemoBatches {

	/** The endpoints the demo answers in a batch: the ones it serves live. */
	static final Set<String> ENDPOINTS = Set.of("/v1/chat/completions", "/v1/embeddings");

	private static final int MAX_METADATA_PAIRS = 16;

	private static final int MAX_METADATA_KEY = 64;

	private static final int MAX_METADATA_VALUE = 512;

	private static final int MAX_LIST_LIMIT = 100;

	private final Map<String, DemoBatch> batches = new HashMap<>();

	/** The batches in the order they were created. */
	private final List<DemoBatch> created = new ArrayList<>();

	private final DemoFiles files;

	DemoBatches(DemoFiles files) {
		this.files = files;
	}

	/**
	 * Creates a batch, in status {@code validating}.
	 * @param request the create request
	 * @return the new batch
	 * @throws IllegalArgumentException naming the field when the request is invalid, or
	 * when its input file does not exist or was not uploaded with purpose {@code batch}
	 */
	DemoBatch create(CreateBatchRequest request) {
		if (request.inputFileId() == null || request.endpoint() == null || request.completionWindow() == null) {
			throw new IllegalArgumentException("'input_file_id', 'endpoint' and 'completion_window' are required");
		}
		if (!ENDPOINTS.contains(request.endpoint())) {
			throw new IllegalArgumentException("'endpoint' must be one of " + ENDPOINTS.stream().sorted().toList()
					+ " (the endpoints the demo serves), was '" + request.endpoint() + "'");
		}
		if (!"24h".equals(request.completionWindow())) {
			throw new IllegalArgumentException(
					"'completion_window' must be '24h', was '" + request.completionWindow() + "'");
		}
		checkMetadata(request.metadata());
		FileObject input = this.files.get(request.inputFileId());
		if (input == null) {
			throw new IllegalArgumentException("'input_file_id': no such file " + request.inputFileId());
		}
		if (!"batch".equals(input.purpose())) {
			throw new IllegalArgumentException("'input_file_id': file " + input.id() + " was uploaded with purpose '"
					+ input.purpose() + "', a batch's input needs purpose 'batch'");
		}
		String id = "batch_" + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
		DemoBatch batch = new DemoBatch(id, request.endpoint(), input.id(), request.metadata());
		synchronized (this.batches) {
			this.batches.put(id, batch);
			this.created.add(batch);
		}
		return batch;
	}

	/**
	 * Returns a batch by id.
	 * @param id the batch's id
	 * @return the batch, or {@code null} when there is none
	 */
	DemoBatch get(String id) {
		synchronized (this.batches) {
			return this.batches.get(id);
		}
	}

	/**
	 * Lists batches, newest first.
	 * @param after the id of the last batch of the previous page, or {@code null} for the
	 * first page
	 * @param limit batches per page, 1 to 100
	 * @return the page
	 */
	BatchList list(String after, int limit) {
		if (limit < 1 || limit > MAX_LIST_LIMIT) {
			throw new IllegalArgumentException("'limit' must be between 1 and " + MAX_LIST_LIMIT + ", was " + limit);
		}
		List<DemoBatch> page = new ArrayList<>();
		boolean more = false;
		synchronized (this.batches) {
			boolean started = (after == null);
			for (int i = this.created.size() - 1; i >= 0; i--) {
				DemoBatch batch = this.created.get(i);
				if (!started) {
					started = batch.id().equals(after);
				}
				else if (page.size() == limit) {
					more = true;
					break;
				}
				else {
					page.add(batch);
				}
			}
		}
		List<BatchObject> data = page.stream().map(DemoBatch::snapshot).toList();
		return new BatchList("list", data, data.isEmpty() ? null : data.get(0).id(),
				data.isEmpty() ? null : data.get(data.size() - 1).id(), more);
	}

	private static void checkMetadata(Map<String, String> metadata) {
		if (metadata == null) {
			return;
		}
		if (metadata.size() > MAX_METADATA_PAIRS) {
			throw new IllegalArgumentException(
					"'metadata' may hold at most " + MAX_METADATA_PAIRS + " pairs, had " + metadata.size());
		}
		metadata.forEach((key, value) -> {
			if (key.length() > MAX_METADATA_KEY || (value != null && value.length() > MAX_METADATA_VALUE)) {
				throw new IllegalArgumentException("'metadata' keys may have at most " + MAX_METADATA_KEY
						+ " characters and values at most " + MAX_METADATA_VALUE + ", '" + key + "' has more");
			}
		});
	}

}
