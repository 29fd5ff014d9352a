package dev.llmclient.batch;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.llmclient.Cost;
import dev.llmclient.Usage;

/**
 * The outcome of a structured batch ({@link LlmBatchService#chatAll(List, Class)}): the
 * batch's items, each holding its answer or its exception, and the answers mapped into
 * records.
 *
 * @param batch one item per request, in order: a {@link BatchItem.Success} holding the
 * raw answer, or a {@link BatchItem.Failure} (an answer that did not fit holds an
 * {@link dev.llmclient.LlmStructuredOutputException} with the raw text)
 * @param values one value per request, in order: the record, or {@code null} for a failed
 * item
 * @param <T> the record type
 * @since 0.1.0
 */
public record StructuredBatchResult<T>(BatchResult batch, List<T> values) {

	/**
	 * Creates a result, checking that there is one value per item.
	 * @throws IllegalArgumentException when the sizes differ
	 */
	public StructuredBatchResult {
		Objects.requireNonNull(batch, "batch");
		if (values.size() != batch.size()) {
			throw new IllegalArgumentException(
					"StructuredBatchResult has " + values.size() + " values for " + batch.size() + " items");
		}
		values = Collections.unmodifiableList(new ArrayList<>(values));
	}

	/**
	 * Returns the usage of the items that got an answer, as {@link BatchResult#usage()}
	 * sums it (an answer that did not fit the record was still generated, and counts).
	 * @return the sum, or {@code null} when no answer reported usage
	 */
	public Usage usage() {
		return this.batch.usage();
	}

	/**
	 * Returns what the items that got an answer cost together, as
	 * {@link BatchResult#cost()} sums it.
	 * @return the sum; empty when no answer was priced
	 */
	public Optional<Cost> cost() {
		return this.batch.cost();
	}

	/**
	 * Returns the values of the items that succeeded, in order.
	 * @return the records, without the failed items' places
	 */
	public List<T> succeededValues() {
		return this.values.stream().filter(Objects::nonNull).toList();
	}

}
