package dev.llmclient.internal.call;

import java.math.BigDecimal;
import java.time.Duration;

import io.micrometer.observation.Observation;

import dev.llmclient.Cost;
import dev.llmclient.LlmBulkheadFullException;
import dev.llmclient.LlmClientException;
import dev.llmclient.LlmClientHealth;
import dev.llmclient.LlmClientSettings;
import dev.llmclient.internal.recording.CallObservations;
import dev.llmclient.internal.recording.CallRecorder;
import dev.llmclient.internal.wire.ChatStream;

/**
 * Runs every call of a client, whatever its {@link Operation}, through the same steps:
 * <ol>
 * <li><b>observe</b>: one observation ({@code gen_ai.client.operation}) spans the whole
 * call, admission included, and is current on the thread while the attempts run, so each
 * attempt's {@code RestClient} observation is its child;</li>
 * <li><b>admit</b>: encodes the request, takes what {@link Admission} asks (a permit,
 * budgets, the server's pause) and a place in the {@link CallGate}, all given back when
 * the call is closed;</li>
 * <li><b>attempt</b>: the {@link Retrier} runs the attempts, each on the route the
 * {@link RouteSource} picks ({@link Attempts}), within the call's deadline;</li>
 * <li><b>record</b>: how the call ended, exactly once, in the recorder of the route it
 * ended on (metrics, latency window, health).</li>
 * </ol>
 * Every ending is classified once: a <em>success</em>; a <em>failure</em> of the server's
 * or the request's; a <em>refusal</em> by the client's own limits (a permit, a budget or
 * a server pause that would not come in time, a deadline that passed before anything was
 * sent), recorded as failed but never sent; or <em>cancelled</em> by its caller (its
 * future, a batch deadline, a stream its consumer stopped, an interrupt,
 * {@code close()}), counted apart and never read as the server's failure: only the
 * server's failures feed cooldowns, adaptive drops and health's run of failures.
 */
public final class CallPipeline {

	private final LlmClientSettings settings;

	private final Admission admission;

	private final CallGate gate;

	private final Retrier retrier;

	private final Attempts attempts;

	private final CallObservations observations;

	public CallPipeline(LlmClientSettings settings, Admission admission, CallGate gate, Retrier retrier,
			Attempts attempts, CallObservations observations) {
		this.settings = settings;
		this.admission = admission;
		this.gate = gate;
		this.retrier = retrier;
		this.attempts = attempts;
		this.observations = observations;
	}

	/**
	 * Runs one call.
	 * @param operation what it sends and how it reads the answer
	 * @param async the future of an async call, or {@code null} for a call on the
	 * caller's thread
	 * @param parent the observation the call belongs to, or {@code null} for the one
	 * current on this thread
	 * @return the answer
	 */
	public <T> T run(Operation<T> operation, AsyncCall<?> async, Observation parent) {
		Observation observation = operation.observe(this.observations, parent);
		try (Observation.Scope scope = observation.openScope(); Call call = admit(operation, async, observation)) {
			T answer = attempt(call, operation);
			operation.answered(this.observations, observation, answer);
			return answer;
		}
		catch (RuntimeException ex) {
			observation.error(ex);
			throw ex;
		}
		finally {
			observation.stop();
		}
	}

	/**
	 * Lets a call in: checks it and encodes its body before anything else, then takes
	 * what admission asks and a place in the gate.
	 */
	private Call admit(Operation<?> operation, AsyncCall<?> async, Observation observation) {
		long queued = System.nanoTime();
		if (!this.gate.isOpen()) {
			// a call made after closing is refused; an async call accepted before was a
			// call
			throw closedBeforeSending(operation, async, async != null, queued);
		}
		byte[] body = operation.encode(operation.model());
		Deadline deadline = Deadline.after(this.settings.limits().timeout());
		Admission.Ticket ticket = acquirePermit(deadline, operation, async);
		try {
			CallObservations.bulkheadWait(observation, System.nanoTime() - queued);
			if (!this.gate.enter()) {
				throw closedBeforeSending(operation, async, true, queued);
			}
		}
		catch (RuntimeException | Error ex) {
			// refused by close(), or an observation handler threw: nothing was sent
			ticket.giveBack();
			throw ex;
		}
		return new Call(operation, body, deadline, async, this.attempts.routes().initial(), observation, ticket,
				this.gate);
	}

	/**
	 * The failure of a call that {@code close()} stopped before it was sent. A call that
	 * was already under way (an async call accepted before closing began, a call that
	 * waited for its permit) is counted as cancelled: closing is the application's
	 * choice, not the server's failure.
	 */
	private IllegalStateException closedBeforeSending(Operation<?> operation, AsyncCall<?> async, boolean underWay,
			long queued) {
		if (underWay && (async == null || async.claimOutcome())) {
			this.attempts.routes()
				.initial()
				.recorder()
				.cancelled(operation.name(), operation.model(), System.nanoTime() - queued);
		}
		return closed();
	}

	/**
	 * Passes admission; a call refused is recorded (as failed, with its wait) and fails.
	 */
	private Admission.Ticket acquirePermit(Deadline deadline, Operation<?> operation, AsyncCall<?> async) {
		long queued = System.nanoTime();
		try {
			// the cost estimate walks the request again: only a spend budget needs it
			BigDecimal costEstimate = this.admission.countsSpend() ? operation.costEstimate() : null;
			return this.admission.admit(deadline.cap(permitWait(async)), operation.tokenEstimate(), costEstimate,
					operation.requestClass());
		}
		catch (LlmClientException ex) {
			if (async != null && !async.claimOutcome()) {
				throw ex; // cancelled: the async call records it
			}
			LlmClientException failure = (ex instanceof LlmBulkheadFullException && deadline.expired())
					? deadline.exceeded(this.settings, ex) : ex;
			this.attempts.routes()
				.initial()
				.recorder()
				.rejected(operation.name(), operation.model(), System.nanoTime() - queued, failure);
			throw failure;
		}
	}

	/**
	 * How long a call may wait for a permit: {@code max-wait}, less what an async call
	 * has already waited for a thread.
	 */
	private Duration permitWait(AsyncCall<?> async) {
		Duration wait = this.settings.limits().maxWait();
		return (async != null) ? wait.minusNanos(Math.min(async.queuedNanos(), wait.toNanos())) : wait;
	}

	/** Runs the attempts of an admitted call and records how it ended. */
	private <T> T attempt(Call call, Operation<T> operation) {
		T answer;
		try {
			answer = this.retrier.call(call, operation);
		}
		catch (ChatStream.Stopped ex) {
			// the consumer's choice: the stream's token estimate stays charged, since
			// the server generated an unknown part of the answer
			if (call.claimOutcome()) {
				recordCancelled(call, operation);
			}
			throw ex.rethrow();
		}
		catch (RuntimeException ex) {
			if (!call.claimOutcome()) {
				throw ex; // cancelled: the async call records it
			}
			boolean byCaller = call.endedByCaller();
			RuntimeException failure = explain(operation, ex);
			if (byCaller) {
				recordCancelled(call, operation);
			}
			else if (failure instanceof LlmClientException llmFailure) {
				recordFailure(call, operation, llmFailure);
			}
			throw failure;
		}
		answer = operation.priced(answer);
		Cost cost = operation.cost(answer);
		call.settle(operation.usage(answer), cost);
		boolean claimed = call.claimOutcome();
		if (claimed) {
			CallRecorder recorder = call.route().recorder();
			recorder.success(call.operation(), call.model(), operation.latency(answer).toNanos(),
					operation.usage(answer));
			if (cost != null) {
				recorder.cost(call.operation(), call.model(), cost);
			}
		}
		operation.ended(call, null, claimed);
		return answer;
	}

	/**
	 * Records a failed call: a failure when an attempt was sent, else a refusal by the
	 * client's own limits (such as a deadline that passed before the first attempt).
	 */
	private static void recordFailure(Call call, Operation<?> operation, LlmClientException failure) {
		CallRecorder recorder = call.route().recorder();
		if (call.wasAttempted()) {
			recorder.failure(call.operation(), call.model(), call.elapsedNanos(), failure);
		}
		else {
			recorder.rejected(call.operation(), call.model(), call.elapsedNanos(), failure);
		}
		operation.ended(call, failure, true);
	}

	private static void recordCancelled(Call call, Operation<?> operation) {
		call.route().recorder().cancelled(call.operation(), call.model(), call.elapsedNanos());
		operation.ended(call, null, false);
	}

	/**
	 * Says why a call failed when closing cut it off, or what the operation can tell of
	 * it; other failures pass unchanged.
	 */
	private RuntimeException explain(Operation<?> operation, RuntimeException failure) {
		if (this.gate.isCutOff()) {
			return this.gate.cutOff(failure);
		}
		return operation.explain(failure);
	}

	/** The client's health: its endpoints', its limit's and its budgets'. */
	public LlmClientHealth health() {
		return this.attempts.routes().health(this.admission.bulkheadStats(), this.admission.rateLimitStats());
	}

	public void ensureOpen() {
		if (!this.gate.isOpen()) {
			throw closed();
		}
	}

	IllegalStateException closed() {
		return new IllegalStateException("LLM client for " + this.settings.displayEndpoint()
				+ " is closed: calls are refused once close() has been called or the application is shutting down");
	}

	/**
	 * Stops taking calls, lets calls in flight finish within {@code shutdown-timeout},
	 * then releases what the calls needed until then.
	 * @param stopIntake stops what feeds calls in (the async executor)
	 * @param release closes what else the calls used (the client's meters)
	 */
	public void close(Runnable stopIntake, Runnable release) {
		this.gate.close(stopIntake, () -> {
			this.attempts.close();
			this.attempts.routes().close();
			release.run();
		});
	}

}
