package dev.llmclient.internal.call;

import java.time.Duration;

import io.micrometer.observation.Observation;

import dev.llmclient.LlmClientException;
import dev.llmclient.Usage;
import dev.llmclient.internal.recording.CallObservations;
import dev.llmclient.internal.recording.OperationName;

/**
 * One kind of call (chat, stream, embeddings): what it sends and how it reads the answer.
 * The {@link CallPipeline} does everything else the same way for each: admission,
 * routing, attempts and retries, the record and the observation. An instance is one call
 * and is used by one thread.
 *
 * @param <T> the answer
 */
public abstract class Operation<T> {

	private final OperationName name;

	private final String model;

	/**
	 * Creates the operation.
	 * @param name what it does
	 * @param model the model asked for: the request's, else the client's default; may be
	 * {@code null}
	 */
	protected Operation(OperationName name, String model) {
		this.name = name;
		this.model = model;
	}

	public final OperationName name() {
		return this.name;
	}

	/** The model asked for, or {@code null}. */
	public final String model() {
		return this.model;
	}

	/**
	 * Whether the answer is read as a stream, so only a failure before it starts may be
	 * retried.
	 */
	public boolean isStream() {
		return false;
	}

	/** The tokens the call is expected to use, reserved from the token budget. */
	public abstract long tokenEstimate();

	/**
	 * Encodes the request body; throws for a request the server could not take.
	 * @param model the model to name in it
	 */
	public abstract byte[] encode(String model);

	/**
	 * Whether an endpoint's own default model replaces the client's, so that the body is
	 * encoded again for the endpoint an attempt goes to: when the request names no model.
	 */
	public abstract boolean followsEndpointModel();

	/** Starts the call's observation, a child of {@code parent} when there is one. */
	public abstract Observation observe(CallObservations observations, Observation parent);

	/** Sends one attempt of the call to {@link Call#route()} and reads its answer. */
	public abstract T send(Call call);

	/** Gives the call's observation the answer. */
	public abstract void answered(CallObservations observations, Observation observation, T answer);

	public abstract Usage usage(T answer);

	public abstract Duration latency(T answer);

	/**
	 * Called once the call has ended, after its record.
	 * @param call the call
	 * @param failure how it failed, or {@code null} when it succeeded
	 * @param recorded whether the call's outcome was recorded (not for a cancelled call)
	 */
	public void ended(Call call, LlmClientException failure, boolean recorded) {
	}

	/**
	 * The index of the endpoint (in {@code endpoints}) every attempt of the call must go
	 * to, or -1 for the one routing picks: a batch job lives on one endpoint.
	 */
	public int endpoint() {
		return -1;
	}

	/**
	 * Says what a failure means for this operation when it can tell more than the failure
	 * does; returns it unchanged otherwise.
	 */
	public RuntimeException explain(RuntimeException failure) {
		return failure;
	}

}
