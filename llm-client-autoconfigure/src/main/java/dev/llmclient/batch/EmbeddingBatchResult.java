package dev.llmclient.batch;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.llmclient.Cost;
import dev.llmclient.Usage;

/**
 * The outcome of an embeddings batch: exactly one {@link EmbeddingItem} per text, in
 * input order.
 *
 * @param items one item per text; {@code items().get(i).index() == i}
 * @param succeeded texts that got a vector
 * @param failed texts whose request failed
 * @param elapsed time from the start of the batch to its end
 * @param usage the usage of the batch's requests that succeeded, summed by the rule of
 * {@link Usage#plus}; {@code null} when none reported usage (a failed request's tokens
 * are unknown, and not counted)
 * @param cost what those requests cost together; empty when none was priced
 * @since 0.1.0
 */
public record EmbeddingBatchResult(List<EmbeddingItem> items, int succeeded, int failed, Duration elapsed, Usage usage,
		Optional<Cost> cost) {

	/**
	 * Creates a result, checking that the counts match the items.
	 * @throws IllegalArgumentException when they do not
	 */
	public EmbeddingBatchResult {
		items = List.copyOf(items);
		Objects.requireNonNull(elapsed, "elapsed");
		if (succeeded < 0 || failed < 0 || succeeded + failed != items.size()) {
			throw new IllegalArgumentException("EmbeddingBatchResult counts (" + succeeded + " succeeded, " + failed
					+ " failed) do not add up to its " + items.size() + " items");
		}
		cost = (cost != null) ? cost : Optional.empty();
	}

	/**
	 * Creates a result without usage or cost.
	 * @param items one item per text
	 * @param succeeded texts that got a vector
	 * @param failed texts whose request failed
	 * @param elapsed time the batch took
	 */
	public EmbeddingBatchResult(List<EmbeddingItem> items, int succeeded, int failed, Duration elapsed) {
		this(items, succeeded, failed, elapsed, null, Optional.empty());
	}

	/**
	 * Returns the number of items, which is the number of texts.
	 * @return the size
	 */
	public int size() {
		return this.items.size();
	}

	/**
	 * Returns whether every text got a vector.
	 * @return {@code true} when nothing failed
	 */
	public boolean allSucceeded() {
		return this.failed == 0;
	}

}
