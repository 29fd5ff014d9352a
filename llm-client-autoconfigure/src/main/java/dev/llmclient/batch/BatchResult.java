package dev.llmclient.batch;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

import dev.llmclient.ChatResponse;
import dev.llmclient.Cost;
import dev.llmclient.Usage;

/**
 * The outcome of a batch: exactly one {@link BatchItem} per input, in input order.
 *
 * @param items one item per input; {@code items().get(i).index() == i}
 * @param succeeded items that got an answer
 * @param failed items that failed
 * @param elapsed time from the start of the batch to its end
 * @since 0.1.0
 */
public record BatchResult(List<BatchItem> items, int succeeded, int failed, Duration elapsed) {

	/**
	 * Creates a result, checking that the counts match the items.
	 * @throws IllegalArgumentException when they do not
	 */
	public BatchResult {
		items = List.copyOf(items);
		Objects.requireNonNull(elapsed, "elapsed");
		if (succeeded < 0 || failed < 0 || succeeded + failed != items.size()) {
			throw new IllegalArgumentException("BatchResult counts (" + succeeded + " succeeded, " + failed
					+ " failed) do not add up to its " + items.size() + " items");
		}
	}

	/**
	 * Returns the number of items, which is the number of inputs.
	 * @return the size
	 */
	public int size() {
		return this.items.size();
	}

	/**
	 * Returns the usage of the items that got an answer, summed by the rule of
	 * {@link Usage#plus}: a detail such as cached tokens is the sum of the answers that
	 * report it, and {@code null} when none does. A failed item's tokens are unknown and
	 * not counted. Computed on each call.
	 * @return the sum, or {@code null} when no answer reported usage
	 */
	public Usage usage() {
		return Usage.sum(() -> answers().map(ChatResponse::usage).iterator());
	}

	/**
	 * Returns what the items that got an answer cost together
	 * ({@link ChatResponse#cost()} of each). Computed on each call.
	 * @return the sum; empty when no answer was priced
	 */
	public Optional<Cost> cost() {
		return Optional.ofNullable(Cost.sum(() -> answers().map((answer) -> answer.cost().orElse(null)).iterator()));
	}

	private Stream<ChatResponse> answers() {
		return this.items.stream()
			.filter(BatchItem.Success.class::isInstance)
			.map((item) -> ((BatchItem.Success) item).response());
	}

	/**
	 * Returns whether every item got an answer.
	 * @return {@code true} when nothing failed
	 */
	public boolean allSucceeded() {
		return this.failed == 0;
	}

}
