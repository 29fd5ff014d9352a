package dev.llmclient.internal;

import io.micrometer.observation.Observation;

/**
 * One admitted call, from its first attempt to its record: what it sends, its deadline
 * and start, and, for an async call, the future whose cancel stops it. Handed to every
 * step instead of being looked up from the thread; closing it gives back the bulkhead
 * permit and the place in the gate it was admitted with.
 */
final class Call implements AutoCloseable {

	private final String model;

	private final byte[] body;

	private final boolean stream;

	private final Deadline deadline;

	private final long start;

	/** The future of an async call; {@code null} for a call on the caller's thread. */
	private final AsyncCall async;

	private final Route route;

	/** The call's observation, {@link Observation#NOOP} when nothing observes it. */
	private final Observation observation;

	/** What admission took for the call: its permit and budgets. */
	private final Admission.Ticket ticket;

	private final Runnable release;

	Call(String model, byte[] body, boolean stream, Deadline deadline, AsyncCall async, Route route,
			Observation observation, Admission.Ticket ticket, Runnable release) {
		this.model = model;
		this.body = body;
		this.stream = stream;
		this.deadline = deadline;
		this.async = async;
		this.route = route;
		this.observation = observation;
		this.ticket = ticket;
		this.release = release;
		this.start = System.nanoTime();
	}

	/** The model asked for, or {@code null}. */
	String model() {
		return this.model;
	}

	/** The encoded request body. */
	byte[] body() {
		return this.body;
	}

	/** Where the call's attempts go and where it is recorded. */
	Route route() {
		return this.route;
	}

	/** Where events of the call (retries, waits, first chunk) go. */
	Observation observation() {
		return this.observation;
	}

	/** Where the call reports its attempts, retries and usage to traffic control. */
	Admission.Ticket ticket() {
		return this.ticket;
	}

	boolean isStream() {
		return this.stream;
	}

	Deadline deadline() {
		return this.deadline;
	}

	/** When the call was admitted, in {@link System#nanoTime()}. */
	long start() {
		return this.start;
	}

	long elapsedNanos() {
		return System.nanoTime() - this.start;
	}

	/**
	 * Whether an attempt must be abortable from another thread: when the deadline passes,
	 * or when the caller cancels the future. A plain blocking call needs neither.
	 */
	boolean isAbortable() {
		return this.deadline.isSet() || this.async != null;
	}

	/**
	 * Whether the caller has cancelled the call's future: nobody waits for its answer.
	 */
	boolean isCancelled() {
		return this.async != null && this.async.cancelRequested();
	}

	/**
	 * Whether the call's outcome is its own to record: always for a call on the caller's
	 * thread; for an async call only if not cancelled, which it then can no longer be.
	 */
	boolean claimOutcome() {
		return this.async == null || this.async.claimOutcome();
	}

	/** Makes {@code attempt} the one a cancel of the future aborts. */
	void track(CancellableAttempt attempt) {
		if (this.async != null) {
			this.async.track(attempt);
		}
	}

	void untrack(CancellableAttempt attempt) {
		if (this.async != null) {
			this.async.untrack(attempt);
		}
	}

	@Override
	public void close() {
		this.release.run();
	}

}
