package dev.llmclient.batch;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

import dev.llmclient.ChatRequest;
import dev.llmclient.ChatResponse;
import dev.llmclient.LlmClient;
import dev.llmclient.LlmClientException;
import dev.llmclient.observation.LlmBatchObservationContext;

/**
 * One run of a batch. At most {@code maxOutstanding} items are in flight through
 * {@link LlmClient#chatAsync(ChatRequest)}; when one ends, the thread that ended it
 * starts the next at once, so no other thread has to wake up between two items. Outcomes
 * go over a queue to the calling thread, which alone records them in their slots, reports
 * progress and watches the deadline. So a batch holds O(maxOutstanding) calls and threads
 * whatever its size, and its progress callback runs on the caller's thread, one call at a
 * time. The run is one observation ({@value #OBSERVATION}), current whenever items are
 * started, on whatever thread, so each item's call becomes its child.
 */
final class BatchRun {

	static final String OBSERVATION = "llm.client.batch";

	private final ItemCall call;

	private final List<ChatRequest> requests;

	private final int maxOutstanding;

	private final Duration deadline;

	private final long deadlineAt;

	private final BatchProgress progress;

	private final BatchMetrics metrics;

	private final ObservationRegistry observationRegistry;

	/** Set when the run starts. */
	private Observation observation = Observation.NOOP;

	private final long start = System.nanoTime();

	private final BlockingQueue<Outcome> outcomes = new LinkedBlockingQueue<>();

	/**
	 * Guards {@link #next}, {@link #inFlight}, {@link #stopped} and {@link #starting}.
	 */
	private final Object lock = new Object();

	private final Map<Integer, CompletableFuture<ChatResponse>> inFlight = new HashMap<>();

	private int next;

	private boolean stopped;

	private boolean starting;

	/** Written and read by the calling thread only. */
	private final BatchItem[] items;

	private int ended;

	private int succeeded;

	private int failed;

	/** One ended call, handed to the calling thread. */
	private record Outcome(int index, ChatResponse response, Throwable error) {
	}

	BatchRun(ItemCall call, List<ChatRequest> requests, int maxOutstanding, BatchOptions options, BatchMetrics metrics,
			ObservationRegistry observationRegistry) {
		this.call = call;
		this.requests = requests;
		this.maxOutstanding = maxOutstanding;
		this.deadline = options.deadline();
		this.deadlineAt = (this.deadline != null) ? this.start + this.deadline.toNanos() : 0;
		this.progress = options.progress();
		this.metrics = metrics;
		this.observationRegistry = observationRegistry;
		this.items = new BatchItem[requests.size()];
	}

	BatchResult run() {
		int total = this.items.length;
		LlmBatchObservationContext context = new LlmBatchObservationContext(total);
		this.observation = Observation.createNotStarted(OBSERVATION, () -> context, this.observationRegistry)
			.contextualName("batch")
			.start();
		boolean finished = false;
		try {
			synchronized (this.lock) {
				startObservedItems();
			}
			while (this.ended < total) {
				Outcome outcome = nextOutcome();
				if (outcome == null) {
					stop((index, started) -> new LlmBatchDeadlineException(index, this.deadline, started));
					break;
				}
				complete(outcome);
			}
			finished = true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			stop((index, started) -> new LlmClientException(
					"Batch item " + index + (started ? " was cancelled in flight" : " was not started")
							+ ": the thread running the batch was interrupted",
					ex));
			finished = true;
		}
		finally {
			if (!finished) {
				cancelInFlight();
			}
			context.setOutcomes(this.succeeded, this.failed);
			this.observation.highCardinalityKeyValue("llm.client.batch.items", String.valueOf(total))
				.highCardinalityKeyValue("llm.client.batch.succeeded", String.valueOf(this.succeeded))
				.highCardinalityKeyValue("llm.client.batch.failed", String.valueOf(this.failed))
				.stop();
		}
		return new BatchResult(Arrays.asList(this.items), this.succeeded, this.failed,
				Duration.ofNanos(System.nanoTime() - this.start));
	}

	/** The next outcome, or {@code null} once the deadline has passed. */
	private Outcome nextOutcome() throws InterruptedException {
		if (this.deadline == null) {
			return this.outcomes.take();
		}
		long left = this.deadlineAt - System.nanoTime();
		return (left > 0) ? this.outcomes.poll(left, TimeUnit.NANOSECONDS) : null;
	}

	/** Starts items with the run's observation current, so that it is their parent. */
	private void startObservedItems() {
		try (Observation.Scope scope = this.observation.openScope()) {
			startItems();
		}
	}

	/**
	 * Starts items until {@code maxOutstanding} are in flight, unless the run is
	 * stopping. Called holding the lock; re-entered when a call completes synchronously
	 * inside it, in which case the outer loop carries on.
	 */
	private void startItems() {
		if (this.starting) {
			return;
		}
		this.starting = true;
		try {
			while (!this.stopped && this.next < this.items.length && this.inFlight.size() < this.maxOutstanding
					&& !deadlinePassed()) {
				int index = this.next++;
				CompletableFuture<ChatResponse> future;
				try {
					future = this.call.start(index, this.requests.get(index));
				}
				catch (RuntimeException ex) {
					this.outcomes.add(new Outcome(index, null, ex));
					continue;
				}
				this.inFlight.put(index, future);
				future.whenComplete((response, error) -> ended(index, response, error));
			}
		}
		finally {
			this.starting = false;
		}
	}

	/**
	 * Runs on the thread that completed the call: hands the outcome over and starts the
	 * next item.
	 */
	private void ended(int index, ChatResponse response, Throwable error) {
		this.outcomes.add(new Outcome(index, response, error));
		synchronized (this.lock) {
			if (this.inFlight.remove(index) != null) {
				startObservedItems();
			}
		}
	}

	private boolean deadlinePassed() {
		return this.deadline != null && System.nanoTime() - this.deadlineAt >= 0;
	}

	private void complete(Outcome outcome) {
		if (this.items[outcome.index()] != null) {
			return;
		}
		Throwable error = unwrap(outcome.error());
		record(outcome.index(), outcome.response(), error);
		this.metrics.items((error == null) ? 1 : 0, (error == null) ? 0 : 1);
		reportProgress();
	}

	/**
	 * Ends the run early: outcomes already handed over are kept, calls in flight are
	 * cancelled (a call that ended meanwhile keeps its real outcome), items not started
	 * fail without being sent.
	 */
	private void stop(StopReason reason) {
		Map<Integer, CompletableFuture<ChatResponse>> running;
		int firstNotStarted;
		synchronized (this.lock) {
			this.stopped = true;
			running = new HashMap<>(this.inFlight);
			this.inFlight.clear();
			firstNotStarted = this.next;
			this.next = this.items.length;
		}
		Outcome queued;
		while ((queued = this.outcomes.poll()) != null) {
			complete(queued);
		}
		int endedBefore = this.ended;
		int okBefore = this.succeeded;
		running.forEach((index, future) -> {
			if (this.items[index] == null) {
				if (future.cancel(true)) {
					record(index, null, reason.failure(index, true));
				}
				else {
					recordDone(index, future);
				}
			}
		});
		for (int index = firstNotStarted; index < this.items.length; index++) {
			record(index, null, reason.failure(index, false));
		}
		int ok = this.succeeded - okBefore;
		this.metrics.items(ok, this.ended - endedBefore - ok);
		if (this.ended > endedBefore) {
			reportProgress();
		}
	}

	private void cancelInFlight() {
		synchronized (this.lock) {
			this.stopped = true;
			this.inFlight.values().forEach((future) -> future.cancel(true));
			this.inFlight.clear();
		}
	}

	/** Records a call that ended just before it could be cancelled. */
	private void recordDone(int index, CompletableFuture<ChatResponse> future) {
		try {
			record(index, future.join(), null);
		}
		catch (CompletionException | CancellationException ex) {
			record(index, null, unwrap(ex));
		}
	}

	private void record(int index, ChatResponse response, Throwable error) {
		ChatRequest request = this.requests.get(index);
		if (error == null) {
			this.items[index] = new BatchItem.Success(index, request, response);
			this.succeeded++;
		}
		else {
			this.items[index] = new BatchItem.Failure(index, request, error);
			this.failed++;
		}
		this.ended++;
	}

	private void reportProgress() {
		if (this.progress != null) {
			this.progress.onProgress(this.ended, this.items.length);
		}
	}

	private static Throwable unwrap(Throwable error) {
		Throwable current = error;
		while ((current instanceof CompletionException || current instanceof ExecutionException)
				&& current.getCause() != null) {
			current = current.getCause();
		}
		return current;
	}

	/**
	 * Starts the call of one item: {@link LlmClient#chatAsync(ChatRequest)}, or that and
	 * the reading of a structured answer. Cancelling the future it returns must cancel
	 * the call.
	 */
	@FunctionalInterface
	interface ItemCall {

		CompletableFuture<ChatResponse> start(int index, ChatRequest request);

	}

	/** Builds the failure of an item that a stopped run did not let finish. */
	@FunctionalInterface
	private interface StopReason {

		Throwable failure(int index, boolean started);

	}

}
