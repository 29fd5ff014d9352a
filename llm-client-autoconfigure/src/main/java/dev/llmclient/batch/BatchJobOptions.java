package dev.llmclient.batch;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.llmclient.BatchJobSettings;

/**
 * Options of one batch job, in place of the client's {@code batch-jobs.*} settings.
 *
 * @param completionWindow the time the provider has to answer, such as {@code 24h}, or
 * {@code null} for {@code batch-jobs.completion-window}
 * @param metadata key-value pairs stored with the provider's batch (at most 14, keys up
 * to 64 and values up to 512 characters; the keys {@code llm_client_*} are the client's
 * own)
 * @param mode how the job runs, or {@code null} for {@code batch-jobs.mode}
 * @since 0.1.0
 */
public record BatchJobOptions(String completionWindow, Map<String, String> metadata, BatchJobSettings.Mode mode) {

	/** The client's settings and no metadata. */
	private static final BatchJobOptions DEFAULTS = new BatchJobOptions(null, Map.of(), null);

	/**
	 * Creates options.
	 * @throws IllegalArgumentException for metadata the provider would refuse, or a key
	 * of the client's own
	 */
	public BatchJobOptions {
		metadata = (metadata != null) ? Map.copyOf(new LinkedHashMap<>(metadata)) : Map.of();
		if (metadata.size() > 14) {
			throw new IllegalArgumentException("metadata holds " + metadata.size()
					+ " pairs; a job takes at most 14 (the provider takes 16, and the client adds 2 of its own)");
		}
		for (Map.Entry<String, String> pair : metadata.entrySet()) {
			if (pair.getKey().length() > 64 || pair.getValue().length() > 512) {
				throw new IllegalArgumentException("metadata '" + pair.getKey()
						+ "' is too long: keys take up to 64 characters, values up to 512");
			}
			if (pair.getKey().startsWith("llm_client_")) {
				throw new IllegalArgumentException(
						"metadata key '" + pair.getKey() + "' is reserved: keys starting llm_client_ are the client's");
			}
		}
		if (completionWindow != null && completionWindow.isBlank()) {
			throw new IllegalArgumentException("completionWindow must not be blank, e.g. 24h, or null for the setting");
		}
	}

	/**
	 * Returns the options that take everything from the client's settings.
	 * @return the defaults
	 */
	public static BatchJobOptions defaults() {
		return DEFAULTS;
	}

	/**
	 * Returns a copy with another completion window.
	 * @param completionWindow such as {@code 24h}
	 * @return the copy
	 */
	public BatchJobOptions withCompletionWindow(String completionWindow) {
		return new BatchJobOptions(completionWindow, this.metadata, this.mode);
	}

	/**
	 * Returns a copy that stores metadata with the provider's batch.
	 * @param metadata the pairs
	 * @return the copy
	 */
	public BatchJobOptions withMetadata(Map<String, String> metadata) {
		return new BatchJobOptions(this.completionWindow, metadata, this.mode);
	}

	/**
	 * Returns a copy that runs the job in another mode than the setting.
	 * @param mode the mode
	 * @return the copy
	 */
	public BatchJobOptions withMode(BatchJobSettings.Mode mode) {
		return new BatchJobOptions(this.completionWindow, this.metadata, mode);
	}

}
