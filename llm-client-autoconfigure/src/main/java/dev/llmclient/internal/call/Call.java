package dev.llmclient.internal.call;

import java.time.Duration;
import java.util.Objects;

import io.micrometer.observation.Observation;

import dev.llmclient.Usage;
import dev.llmclient.internal.http.CancellableAttempt;
import dev.llmclient.internal.recording.OperationName;

/**
 * One admitted call, from its first attempt to its record: what it sends, its deadline
 * and start, and, for an async call, the future whose cancel stops it. Handed to every
 * step instead of being looked up from the thread; closing it gives back the place in the
 * gate and what admission took.
 */
public final class Call implements AutoCloseable {

	private final Operation<?> operation;

	private String model;

	private byte[] body;

	private final Deadline deadline;

	private final long start;

	/** The future of an async call; {@code null} for a call on the caller's thread. */
	private final AsyncCall<?> async;

	/** Where the latest attempt went: one endpoint's route when several are routed. */
	private Route route;

	/** The call's observation, {@link Observation#NOOP} when nothing observes it. */
	private final Observation observation;

	/** What admission took for the call: its permit and budgets. */
	private final Admission.Ticket ticket;

	/** The gate the call entered, and leaves when closed. */
	private final CallGate gate;

	/** Attempts started so far. */
	private int attempts;

	/** Whether a request body reached a connection: until then the server saw nothing. */
	private boolean requestWritten;

	/** Whether the latest attempt's request body reached a connection. */
	private boolean attemptWritten;

	/**
	 * What the latest attempt took from its endpoint's own budgets, until given back or
	 * settled; {@code null} when it has none.
	 */
	private AttemptBudgets attemptBudgets;

	Call(Operation<?> operation, byte[] body, Deadline deadline, AsyncCall<?> async, Route route,
			Observation observation, Admission.Ticket ticket, CallGate gate) {
		this.operation = operation;
		this.model = operation.model();
		this.body = body;
		this.deadline = deadline;
		this.async = async;
		this.route = route;
		this.observation = observation;
		this.ticket = ticket;
		this.gate = gate;
		this.start = System.nanoTime();
	}

	/** What the call does, as its meters and observation name it. */
	OperationName operation() {
		return this.operation.name();
	}

	/** The model asked for, or {@code null}. */
	public String model() {
		return this.model;
	}

	/** The encoded request body. */
	public byte[] body() {
		return this.body;
	}

	/**
	 * Where the call's attempts go and where it is recorded; with several endpoints, the
	 * route of the latest attempt's endpoint.
	 */
	public Route route() {
		return this.route;
	}

	/**
	 * Sends the next attempts to another endpoint; a request that names no model is
	 * encoded again for the endpoint's own default model.
	 * @param route the endpoint's route
	 * @param endpointModel the endpoint's default model
	 */
	public void routeTo(Route route, String endpointModel) {
		this.route = route;
		if (this.operation.followsEndpointModel() && !Objects.equals(this.model, endpointModel)) {
			this.body = this.operation.encode(endpointModel);
			this.model = endpointModel;
		}
	}

	/**
	 * Notes what the next attempt took from its endpoint's own budgets.
	 * @param budgets what it took, or {@code null} when the endpoint has none
	 */
	public void charged(AttemptBudgets budgets) {
		this.attemptBudgets = budgets;
	}

	/**
	 * The index of the endpoint every attempt must go to, or -1 for the one routing
	 * picks.
	 */
	public int pinnedEndpoint() {
		return this.operation.endpoint();
	}

	/** The tokens the call is expected to use, as its budgets are charged. */
	public long tokenEstimate() {
		return this.operation.tokenEstimate();
	}

	/** Where events of the call (retries, waits, first chunk) go. */
	public Observation observation() {
		return this.observation;
	}

	/** Where the call reports its attempts, retries and usage to traffic control. */
	Admission.Ticket ticket() {
		return this.ticket;
	}

	public boolean isStream() {
		return this.operation.isStream();
	}

	public Deadline deadline() {
		return this.deadline;
	}

	/** When the call was admitted, in {@link System#nanoTime()}. */
	public long start() {
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
	 * Called before the call waits outside admission (for an endpoint to take it): with
	 * an adaptive limit, its permit is given back meanwhile, as during a backoff.
	 */
	public void waitingOutsideAdmission() {
		this.ticket.backingOff();
	}

	/**
	 * Called after such a wait: takes a permit again if it was given back.
	 * @param wait the longest wait for it
	 * @throws dev.llmclient.LlmBulkheadFullException when none came in time
	 */
	public void resumeAfterWaiting(Duration wait) {
		this.ticket.resume(this.deadline.cap(wait));
	}

	/** Counts an attempt about to start. */
	void attempting() {
		this.attempts++;
		this.attemptWritten = false;
	}

	/**
	 * Called when an attempt failed: what it took from its endpoint's own budgets is
	 * given back if its request never reached a connection, and stays spent otherwise.
	 */
	void attemptFailed() {
		if (this.attemptBudgets != null) {
			if (!this.attemptWritten) {
				this.attemptBudgets.giveBack();
			}
			this.attemptBudgets = null;
		}
	}

	/**
	 * Settles the token estimates, client-wide and of the endpoint the answer came from,
	 * with what the server reported the call used.
	 * @param usage the usage, or {@code null} when the server sent none
	 */
	void settle(Usage usage) {
		this.ticket.settle(usage);
		if (this.attemptBudgets != null) {
			this.attemptBudgets.settle(usage);
			this.attemptBudgets = null;
		}
	}

	/**
	 * Whether any attempt of the call started: a call that ended without one was refused
	 * by the client's own limits.
	 */
	boolean wasAttempted() {
		return this.attempts > 0;
	}

	/**
	 * Notes that a request body is being written to a connection: from then on the server
	 * may count the request, so the call's budgets stay spent.
	 */
	public void writingRequest() {
		this.requestWritten = true;
		this.attemptWritten = true;
	}

	/**
	 * Whether the call's caller ended it, so that however it fails says nothing about the
	 * server: its future was cancelled (by the caller, or by a batch's deadline), its
	 * thread was interrupted, or {@code close()} cut it off.
	 */
	boolean endedByCaller() {
		return isCancelled() || Thread.currentThread().isInterrupted() || this.gate.isCutOff();
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

	/**
	 * Leaves the gate and gives back what admission took (budgets too, when no request
	 * reached a connection), with the thread's interrupt flag cleared meanwhile and
	 * restored after: a cancelled call's thread is interrupted, and a release that talks
	 * to Redis must not read that as an outage.
	 */
	@Override
	public void close() {
		// what Interrupts.runCleared does, written out: no lambda for every call
		boolean interrupted = Thread.interrupted();
		try {
			this.gate.exit();
			// an attempt's budgets not settled by an answer
			attemptFailed();
			if (this.requestWritten) {
				this.ticket.close();
			}
			else {
				this.ticket.giveBack();
			}
		}
		finally {
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

}
