package dev.llmclient.batch;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import dev.llmclient.LlmClientException;

/**
 * A job run through the service's live batch path ({@code chatAll}, {@code embedAll}) on
 * a thread of its own, for a server without the Batch API: at the usual price, and known
 * only to the process that runs it, under an id {@value #ID_PREFIX}....
 *
 * @param <Q> the request
 * @param <R> the result
 */
final class LiveJob<Q, R> implements BatchJob<R> {

	static final String ID_PREFIX = "live_";

	private final String id = ID_PREFIX + UUID.randomUUID().toString().replace("-", "");

	private final int total;

	private final AtomicInteger completed = new AtomicInteger();

	private final AtomicInteger failed = new AtomicInteger();

	private final CompletableFuture<R> result = new CompletableFuture<>();

	private final Thread thread;

	private volatile boolean cancelled;

	LiveJob(LlmBatchService service, JobKind<Q, R> kind, List<Q> requests, BatchMetrics metrics) {
		this.total = requests.size();
		BatchOptions options = BatchOptions.defaults().withProgress(new BatchProgress() {

			@Override
			public void onProgress(int ended, int of) {
			}

			@Override
			public void onItem(BatchItem item) {
				(item.ok() ? LiveJob.this.completed : LiveJob.this.failed).incrementAndGet();
			}

		});
		this.thread = new Thread(() -> {
			try {
				R outcome = kind.live(service, requests, options);
				metrics.job(this.cancelled ? Status.CANCELLED : Status.COMPLETED, Mode.LIVE);
				this.result.complete(outcome);
			}
			catch (RuntimeException | Error ex) {
				this.result.completeExceptionally(ex);
			}
		}, "llm-client-batch-" + this.id);
		this.thread.setDaemon(true);
	}

	/** Starts the job's thread. */
	LiveJob<Q, R> start() {
		this.thread.start();
		return this;
	}

	@Override
	public String id() {
		return this.id;
	}

	@Override
	public Mode mode() {
		return Mode.LIVE;
	}

	@Override
	public Status status() {
		if (!this.result.isDone()) {
			return this.cancelled ? Status.CANCELLING : Status.IN_PROGRESS;
		}
		return (this.cancelled) ? Status.CANCELLED
				: this.result.isCompletedExceptionally() ? Status.FAILED : Status.COMPLETED;
	}

	@Override
	public Counts counts() {
		return new Counts(this.total, this.completed.get(), this.failed.get());
	}

	@Override
	public Status await(Duration timeout) {
		try {
			this.result.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new LlmClientException("Interrupted while waiting for batch job " + this.id, ex);
		}
		catch (ExecutionException | TimeoutException ex) {
			// the status tells
		}
		return status();
	}

	@Override
	public R result() {
		if (!this.result.isDone()) {
			throw new IllegalStateException("Batch job " + this.id + " is " + status()
					+ ": its result is ready once it has ended; call await(timeout) first");
		}
		try {
			return this.result.join();
		}
		catch (CompletionException ex) {
			throw (ex.getCause() instanceof RuntimeException failure) ? failure
					: new LlmClientException("Batch job " + this.id + " failed", ex.getCause());
		}
	}

	/**
	 * Stops the job: the items in flight are cancelled and the items not started fail;
	 * the answered ones stay in the result.
	 */
	@Override
	public void cancel() {
		if (!this.result.isDone()) {
			this.cancelled = true;
			this.thread.interrupt();
		}
	}

	@Override
	public String toString() {
		return "BatchJob[" + this.id + ", live, " + this.total + " requests]";
	}

}
