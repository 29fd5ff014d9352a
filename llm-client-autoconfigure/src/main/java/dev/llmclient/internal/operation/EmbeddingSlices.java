package dev.llmclient.internal.operation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

import dev.llmclient.Cost;
import dev.llmclient.EmbeddingRequest;
import dev.llmclient.EmbeddingResponse;
import dev.llmclient.Usage;

/**
 * An embeddings call of more texts than one request carries: its slices, at most
 * {@code maxInFlight} of them sent at once, the next started as soon as one ends, their
 * vectors put back in input order. So an {@code embed} of 100 000 texts holds as many
 * calls as the client's {@code max-concurrent}, never queueing hundreds of slices that
 * would wait out {@code max-wait}. The first slice that fails for good fails the whole
 * call: slices not started are never sent, slices in flight are cancelled. Cancelling
 * this future does the same.
 */
public final class EmbeddingSlices extends CompletableFuture<EmbeddingResponse> {

	private final List<EmbeddingRequest> slices;

	private final int maxInFlight;

	private final Function<EmbeddingRequest, CompletableFuture<EmbeddingResponse>> send;

	private final long start = System.nanoTime();

	/** Guards every field below. */
	private final Object lock = new Object();

	private final Map<Integer, CompletableFuture<EmbeddingResponse>> inFlight = new HashMap<>();

	private final EmbeddingResponse[] answers;

	private int next;

	private int answered;

	private boolean stopped;

	/**
	 * Set while this thread starts slices, so a slice that ends at once does not recurse.
	 */
	private boolean starting;

	/**
	 * Creates the call; {@link #start()} sends its first slices.
	 * @param slices the slices, in input order
	 * @param maxInFlight slices sent at once at most
	 * @param send sends one slice as one async call
	 */
	public EmbeddingSlices(List<EmbeddingRequest> slices, int maxInFlight,
			Function<EmbeddingRequest, CompletableFuture<EmbeddingResponse>> send) {
		this.slices = slices;
		this.maxInFlight = maxInFlight;
		this.send = send;
		this.answers = new EmbeddingResponse[slices.size()];
	}

	/**
	 * Cuts a request into requests of at most {@code size} texts each, with its options.
	 * @param request the request
	 * @param size texts per slice at most
	 * @return the slices, in input order
	 */
	public static List<EmbeddingRequest> slice(EmbeddingRequest request, int size) {
		List<String> inputs = request.inputs();
		List<EmbeddingRequest> slices = new ArrayList<>((inputs.size() + size - 1) / size);
		for (int from = 0; from < inputs.size(); from += size) {
			slices.add(request.withInputs(inputs.subList(from, Math.min(from + size, inputs.size()))));
		}
		return slices;
	}

	/**
	 * Sends the first slices.
	 * @return this future
	 */
	public EmbeddingSlices start() {
		startSlices();
		return this;
	}

	private void startSlices() {
		synchronized (this.lock) {
			if (this.starting) {
				return; // the loop below carries on
			}
			this.starting = true;
			try {
				while (!this.stopped && this.next < this.slices.size() && this.inFlight.size() < this.maxInFlight) {
					int index = this.next++;
					CompletableFuture<EmbeddingResponse> slice;
					try {
						slice = this.send.apply(this.slices.get(index));
					}
					catch (RuntimeException ex) {
						fail(ex);
						return;
					}
					this.inFlight.put(index, slice);
					slice.whenComplete((response, error) -> ended(index, response, error));
				}
			}
			finally {
				this.starting = false;
			}
		}
	}

	private void ended(int index, EmbeddingResponse response, Throwable error) {
		if (error != null) {
			fail(unwrap(error));
			return;
		}
		boolean last;
		synchronized (this.lock) {
			if (this.stopped) {
				return;
			}
			this.inFlight.remove(index);
			this.answers[index] = response;
			this.answered++;
			last = this.answered == this.answers.length;
		}
		if (last) {
			complete(merged());
		}
		else {
			startSlices();
		}
	}

	private void fail(Throwable error) {
		if (stop()) {
			completeExceptionally(error);
		}
	}

	/** Cancels the slices in flight and starts no more. */
	@Override
	public boolean cancel(boolean mayInterruptIfRunning) {
		boolean cancelled = super.cancel(mayInterruptIfRunning);
		if (cancelled) {
			stop();
		}
		return cancelled;
	}

	/** Stops the call, answering whether this was the first stop. */
	private boolean stop() {
		List<CompletableFuture<EmbeddingResponse>> running;
		synchronized (this.lock) {
			if (this.stopped) {
				return false;
			}
			this.stopped = true;
			running = new ArrayList<>(this.inFlight.values());
			this.inFlight.clear();
		}
		running.forEach((slice) -> slice.cancel(true));
		return true;
	}

	/**
	 * The slices' vectors in order; the first slice's model; usage summed when reported.
	 */
	private EmbeddingResponse merged() {
		int total = 0;
		for (EmbeddingResponse answer : this.answers) {
			total += answer.vectors().size();
		}
		List<float[]> vectors = new ArrayList<>(total);
		List<Usage> usages = new ArrayList<>(this.answers.length);
		List<Cost> costs = new ArrayList<>(this.answers.length);
		for (EmbeddingResponse answer : this.answers) {
			vectors.addAll(answer.vectors());
			usages.add(answer.usage());
			costs.add(answer.cost().orElse(null));
		}
		return new EmbeddingResponse(vectors, this.answers[0].model(), Usage.sum(usages),
				Duration.ofNanos(System.nanoTime() - this.start), Optional.ofNullable(Cost.sum(costs)));
	}

	private static Throwable unwrap(Throwable error) {
		return (error instanceof CompletionException && error.getCause() != null) ? error.getCause() : error;
	}

}
