package dev.llmclient.batch;

import java.time.Duration;
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
import java.util.function.Function;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

import dev.llmclient.LlmClient;
import dev.llmclient.LlmClientException;
import dev.llmclient.observation.LlmBatchObservationContext;

/**
 * One run of a batch. Its work is cut into units, each one async call of the client
 * ({@link LlmClient#chatAsync} for one chat item, {@link LlmClient#embedAsync} for one
 * slice of texts), each covering one or more inputs. At most {@code maxOutstanding} units
 * are in flight; when one ends, the thread that ended it starts the next at once, so no
 * other thread has to wake up between two units. Outcomes go over a queue to the calling
 * thread, which alone hands them to the {@link Slots}, counts the inputs, reports
 * progress and watches the deadline. So a batch holds O(maxOutstanding) calls and threads
 * whatever its size, and its progress callback runs on the caller's thread, one call at a
 * time. The run is one observation ({@value #OBSERVATION}), current whenever units are
 * started, on whatever thread, so each unit's call becomes its child.
 *
 * @param <Q> what one unit sends
 * @param <R> what one unit answers
 */
final class BatchRun<Q, R> {

	static final String OBSERVATION = "llm.client.batch";

	private final List<Q> units;

	private final Function<Q, CompletableFuture<R>> send;

	private final Slots<R> slots;

	/** The inputs of all units together. */
	private final int inputs;

	/** The index of each unit's first input. */
	private final int[] firstInput;

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

	private final Map<Integer, CompletableFuture<R>> inFlight = new HashMap<>();

	private int next;

	private boolean stopped;

	private boolean starting;

	/** Which units have ended. Written and read by the calling thread only. */
	private final boolean[] done;

	private int endedUnits;

	/** Inputs ended, succeeded and failed. */
	private int ended;

	private int succeeded;

	private int failed;

	/** One ended call, handed to the calling thread. */
	private record Outcome<R>(int index, R response, Throwable error) {
	}

	/**
	 * Where the outcome of each unit goes.
	 *
	 * @param <R> what one unit answers
	 */
	interface Slots<R> {

		/**
		 * Returns how many inputs a unit covers.
		 * @param unit the unit's index
		 * @return its inputs, at least 1
		 */
		int size(int unit);

		/**
		 * Records how a unit ended, once per unit, on the calling thread.
		 * @param unit the unit's index
		 * @param response its answer, or {@code null} when it failed
		 * @param error why it failed, or {@code null}
		 */
		void record(int unit, R response, Throwable error);

	}

	/**
	 * How a run ended, counted in inputs.
	 *
	 * @param succeeded inputs whose unit got an answer
	 * @param failed inputs whose unit failed
	 * @param elapsed time from the start of the run to its end
	 */
	record Tally(int succeeded, int failed, Duration elapsed) {
	}

	BatchRun(List<Q> units, Function<Q, CompletableFuture<R>> send, Slots<R> slots, int maxOutstanding,
			BatchOptions options, BatchMetrics metrics, ObservationRegistry observationRegistry) {
		this.units = units;
		this.send = send;
		this.slots = slots;
		this.maxOutstanding = maxOutstanding;
		this.deadline = options.deadline();
		this.deadlineAt = (this.deadline != null) ? this.start + this.deadline.toNanos() : 0;
		this.progress = options.progress();
		this.metrics = metrics;
		this.observationRegistry = observationRegistry;
		this.done = new boolean[units.size()];
		this.firstInput = new int[units.size()];
		int inputs = 0;
		for (int unit = 0; unit < units.size(); unit++) {
			this.firstInput[unit] = inputs;
			inputs += slots.size(unit);
		}
		this.inputs = inputs;
	}

	Tally run() {
		int total = this.inputs;
		LlmBatchObservationContext context = new LlmBatchObservationContext(total);
		this.observation = Observation.createNotStarted(OBSERVATION, () -> context, this.observationRegistry)
			.contextualName("batch")
			.start();
		boolean finished = false;
		try {
			synchronized (this.lock) {
				startObservedItems();
			}
			while (this.endedUnits < this.done.length) {
				Outcome<R> outcome = nextOutcome();
				if (outcome == null) {
					stop((input, started) -> new LlmBatchDeadlineException(input, this.deadline, started));
					break;
				}
				complete(outcome);
			}
			finished = true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			stop((input, started) -> new LlmClientException(
					"Batch item " + input + (started ? " was cancelled in flight" : " was not started")
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
		return new Tally(this.succeeded, this.failed, Duration.ofNanos(System.nanoTime() - this.start));
	}

	/** The next outcome, or {@code null} once the deadline has passed. */
	private Outcome<R> nextOutcome() throws InterruptedException {
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
			while (!this.stopped && this.next < this.done.length && this.inFlight.size() < this.maxOutstanding
					&& !deadlinePassed()) {
				int index = this.next++;
				CompletableFuture<R> future;
				try {
					future = this.send.apply(this.units.get(index));
				}
				catch (RuntimeException ex) {
					this.outcomes.add(new Outcome<>(index, null, ex));
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
	private void ended(int index, R response, Throwable error) {
		this.outcomes.add(new Outcome<>(index, response, error));
		synchronized (this.lock) {
			if (this.inFlight.remove(index) != null) {
				startObservedItems();
			}
		}
	}

	private boolean deadlinePassed() {
		return this.deadline != null && System.nanoTime() - this.deadlineAt >= 0;
	}

	private void complete(Outcome<R> outcome) {
		if (this.done[outcome.index()]) {
			return;
		}
		Throwable error = unwrap(outcome.error());
		record(outcome.index(), outcome.response(), error);
		int size = this.slots.size(outcome.index());
		this.metrics.items((error == null) ? size : 0, (error == null) ? 0 : size);
		reportProgress();
	}

	/**
	 * Ends the run early: outcomes already handed over are kept, calls in flight are
	 * cancelled (a call that ended meanwhile keeps its real outcome), units not started
	 * fail without being sent.
	 */
	private void stop(StopReason reason) {
		Map<Integer, CompletableFuture<R>> running;
		int firstNotStarted;
		synchronized (this.lock) {
			this.stopped = true;
			running = new HashMap<>(this.inFlight);
			this.inFlight.clear();
			firstNotStarted = this.next;
			this.next = this.done.length;
		}
		Outcome<R> queued;
		while ((queued = this.outcomes.poll()) != null) {
			complete(queued);
		}
		int endedBefore = this.ended;
		int okBefore = this.succeeded;
		running.forEach((index, future) -> {
			if (!this.done[index]) {
				if (future.cancel(true)) {
					record(index, null, reason.failure(this.firstInput[index], true));
				}
				else {
					recordDone(index, future);
				}
			}
		});
		for (int index = firstNotStarted; index < this.done.length; index++) {
			record(index, null, reason.failure(this.firstInput[index], false));
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
	private void recordDone(int index, CompletableFuture<R> future) {
		try {
			record(index, future.join(), null);
		}
		catch (CompletionException | CancellationException ex) {
			record(index, null, unwrap(ex));
		}
	}

	private void record(int index, R response, Throwable error) {
		this.slots.record(index, response, error);
		this.done[index] = true;
		this.endedUnits++;
		int size = this.slots.size(index);
		if (error == null) {
			this.succeeded += size;
		}
		else {
			this.failed += size;
		}
		this.ended += size;
	}

	private void reportProgress() {
		if (this.progress != null) {
			this.progress.onProgress(this.ended, this.inputs);
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

	/** Builds the failure of a unit that a stopped run did not let finish. */
	@FunctionalInterface
	private interface StopReason {

		/**
		 * @param input the index of the unit's first input
		 * @param started whether the unit was in flight
		 */
		Throwable failure(int input, boolean started);

	}

}
