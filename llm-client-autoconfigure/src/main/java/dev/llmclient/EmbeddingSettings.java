package dev.llmclient;

import static dev.llmclient.SettingChecks.blankToNull;

/**
 * What embeddings calls ask for. The property paths are flat ({@code embedding-model},
 * {@code embedding-batch-size}), beside {@code model}.
 * <p>
 * Part of {@link LlmClientSettings}; changed through {@link LlmClientBuilder#embeddings}.
 *
 * @param model the model embeddings requests ask for when they name none
 * ({@code embedding-model}), or {@code null} to send none and let the server choose
 * (servers that serve one model, such as vLLM and llama.cpp, accept that; OpenAI does
 * not)
 * @param batchSize how many texts one embeddings request carries at most
 * ({@code embedding-batch-size}); more are sent as several requests, 1 to
 * {@value #MAX_BATCH_SIZE} (the API's own limit)
 * @since 0.1.0
 */
public record EmbeddingSettings(String model, int batchSize) {

	/** The API's limit on the texts of one embeddings request. */
	public static final int MAX_BATCH_SIZE = 2048;

	/**
	 * The defaults: no model (the server's), 256 texts per request: large enough that a
	 * request's overhead is small beside its texts, small enough that one failed request
	 * costs little and that slices of a large call run side by side.
	 */
	public static final EmbeddingSettings DEFAULTS = new EmbeddingSettings(null, 256);

	/**
	 * Checks every value.
	 * @throws LlmClientSettingException naming the invalid setting
	 */
	public EmbeddingSettings {
		model = blankToNull(model);
		if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
			throw new LlmClientSettingException("embedding-batch-size", batchSize,
					"must be between 1 and " + MAX_BATCH_SIZE + " (the API's limit on the texts of one request)");
		}
	}

	/**
	 * Returns a copy that asks for another model.
	 * @param model the embedding model, or {@code null} for the server's choice
	 * @return the copy
	 */
	public EmbeddingSettings withModel(String model) {
		return new EmbeddingSettings(model, this.batchSize);
	}

	/**
	 * Returns a copy that sends at most another number of texts per request.
	 * @param batchSize 1 to {@value #MAX_BATCH_SIZE}
	 * @return the copy
	 */
	public EmbeddingSettings withBatchSize(int batchSize) {
		return new EmbeddingSettings(this.model, batchSize);
	}

}
