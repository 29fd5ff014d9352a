package dev.llmclient.internal;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.llmclient.LlmBulkheadFullException;
import dev.llmclient.LlmClientException;
import dev.llmclient.LlmClientHealth;
import dev.llmclient.LlmClientSettings;

/**
 * Client-wide limit on calls in flight: single, async, streamed and batched calls all
 * take a permit here. Fair, so waiting calls are served in arrival order.
 */
final class Bulkhead {

	private final int maxConcurrent;

	private final Duration maxWait;

	private final String maxConcurrentName;

	private final String maxWaitName;

	private final Semaphore permits;

	private final AtomicInteger waiting = new AtomicInteger();

	Bulkhead(LlmClientSettings settings) {
		this.maxConcurrent = settings.limits().maxConcurrent();
		this.maxWait = settings.limits().maxWait();
		this.maxConcurrentName = settings.property("max-concurrent");
		this.maxWaitName = settings.property("max-wait");
		this.permits = new Semaphore(this.maxConcurrent, true);
	}

	/**
	 * Takes a permit, waiting at most {@code wait}.
	 * @param wait the longest wait, at most {@code max-wait}
	 * @throws LlmBulkheadFullException when no permit came in time
	 */
	void acquire(Duration wait) {
		if (this.permits.tryAcquire()) {
			return;
		}
		this.waiting.incrementAndGet();
		try {
			if (!this.permits.tryAcquire(wait.toNanos(), TimeUnit.NANOSECONDS)) {
				throw full();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new LlmClientException("Interrupted while waiting for a free slot (" + this.maxConcurrentName + "="
					+ this.maxConcurrent + ")", ex);
		}
		finally {
			this.waiting.decrementAndGet();
		}
	}

	void release() {
		this.permits.release();
	}

	/**
	 * Counts a call that waits for a thread before it can ask for a permit (see
	 * {@link QueuedAsyncCalls}) as waiting.
	 */
	void queued() {
		this.waiting.incrementAndGet();
	}

	/** Ends what {@link #queued()} began. */
	void dequeued() {
		this.waiting.decrementAndGet();
	}

	/** The failure of a call that waited {@code max-wait} in vain. */
	LlmBulkheadFullException full() {
		return new LlmBulkheadFullException(inFlight(), this.maxConcurrent, this.maxWait, this.maxConcurrentName,
				this.maxWaitName);
	}

	Duration maxWait() {
		return this.maxWait;
	}

	int maxConcurrent() {
		return this.maxConcurrent;
	}

	int inFlight() {
		return this.maxConcurrent - this.permits.availablePermits();
	}

	int waiting() {
		return this.waiting.get();
	}

	LlmClientHealth.Bulkhead stats() {
		return new LlmClientHealth.Bulkhead(this.maxConcurrent, inFlight(), waiting());
	}

}
