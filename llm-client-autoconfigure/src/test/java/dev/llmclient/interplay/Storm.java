package dev.llmclient.interplay;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the callers of one storm saw, counted as the calls end: how many calls were made
 * (the client accepted them: a future was returned, or a blocking call began), how many
 * succeeded, how many the injected ending ended, and any other outcome, which should not
 * happen. Thread-safe.
 */
final class Storm {

	private final AtomicInteger started = new AtomicInteger();

	private final AtomicInteger succeeded = new AtomicInteger();

	private final AtomicInteger ended = new AtomicInteger();

	private final Map<String, Integer> unexpected = new TreeMap<>();

	private volatile int refused;

	private volatile String note = "";

	void started() {
		this.started.incrementAndGet();
	}

	void succeeded() {
		this.succeeded.incrementAndGet();
	}

	/** A call the injected ending ended, as the caller expects it to. */
	void ended() {
		this.ended.incrementAndGet();
	}

	/** A call that ended in a way the ending does not explain. */
	void unexpected(String outcome) {
		synchronized (this.unexpected) {
			this.unexpected.merge(outcome, 1, Integer::sum);
		}
	}

	void unexpected(Throwable failure) {
		Throwable cause = failure;
		while ((cause instanceof java.util.concurrent.CompletionException
				|| cause instanceof java.util.concurrent.ExecutionException) && cause.getCause() != null) {
			cause = cause.getCause();
		}
		unexpected(cause.getClass().getSimpleName());
	}

	/** Counts the calls the client refused to take (no call made): closing. */
	void refused(int refused) {
		this.refused = refused;
	}

	/** Adds a fact about the run to the summary, such as the deadline drawn. */
	void note(String note) {
		this.note = note;
	}

	int startedCount() {
		return this.started.get();
	}

	int succeededCount() {
		return this.succeeded.get();
	}

	int endedCount() {
		return this.ended.get();
	}

	Map<String, Integer> unexpectedOutcomes() {
		synchronized (this.unexpected) {
			return new TreeMap<>(this.unexpected);
		}
	}

	@Override
	public String toString() {
		return this.started + " calls made, " + this.succeeded + " succeeded, " + this.ended
				+ " ended by the caller, other outcomes " + unexpectedOutcomes()
				+ ((this.refused > 0) ? ", " + this.refused + " refused as the client closed" : "")
				+ (this.note.isEmpty() ? "" : "; ") + this.note;
	}

}
