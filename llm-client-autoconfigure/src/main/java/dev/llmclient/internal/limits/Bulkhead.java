package dev.llmclient.internal.limits;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import dev.llmclient.LlmBulkheadFullException;
import dev.llmclient.LlmClientException;
import dev.llmclient.LlmClientHealth;
import dev.llmclient.LlmClientSettings;
import dev.llmclient.traffic.ConcurrencyLimiter;

/**
 * Client-wide limit on calls in flight: single, async, streamed and batched calls all
 * take a permit here, from the client's {@link ConcurrencyLimiter} (fixed at
 * {@code max-concurrent}, adaptive, or what the builder made of them). The bulkhead keeps
 * what is the same for every limiter: {@code max-wait}, the count of waiting calls and
 * the failure of a call that waited in vain.
 */
public final class Bulkhead {

	private final int maxConcurrent;

	private final Duration maxWait;

	private final String maxConcurrentName;

	private final String maxWaitName;

	private final ConcurrencyLimiter limiter;

	private final AtomicInteger waiting = new AtomicInteger();

	public Bulkhead(LlmClientSettings settings, ConcurrencyLimiter limiter) {
		this.maxConcurrent = settings.limits().maxConcurrent();
		this.maxWait = settings.limits().maxWait();
		this.maxConcurrentName = settings.property("max-concurrent");
		this.maxWaitName = settings.property("max-wait");
		this.limiter = limiter;
	}

	/**
	 * The limiter the settings ask for: adaptive when {@code adaptive.enabled}, else
	 * fixed at {@code max-concurrent}.
	 */
	public static ConcurrencyLimiter limiter(LlmClientSettings settings) {
		return settings.adaptive().enabled() ? new AdaptiveLimiter(settings)
				: new FixedLimiter(settings.limits().maxConcurrent());
	}

	/**
	 * Takes a permit if one is free now.
	 * @return the permit, to be released exactly once, or {@code null}
	 */
	public ConcurrencyLimiter.Permit tryAcquireNow() {
		try {
			return this.limiter.tryAcquire(Duration.ZERO);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw interrupted(ex);
		}
	}

	/**
	 * Takes a permit, waiting at most {@code wait}.
	 * @param wait the longest wait, at most {@code max-wait}
	 * @return the permit, to be released exactly once
	 * @throws LlmBulkheadFullException when no permit came in time
	 */
	public ConcurrencyLimiter.Permit acquire(Duration wait) {
		this.waiting.incrementAndGet();
		try {
			ConcurrencyLimiter.Permit permit = this.limiter.tryAcquire(wait);
			if (permit == null) {
				throw full();
			}
			return permit;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw interrupted(ex);
		}
		finally {
			this.waiting.decrementAndGet();
		}
	}

	private LlmClientException interrupted(InterruptedException ex) {
		return new LlmClientException(
				"Interrupted while waiting for a free slot (" + this.maxConcurrentName + "=" + this.maxConcurrent + ")",
				ex);
	}

	/**
	 * Counts a call that waits for a thread before it can ask for a permit (see
	 * {@link dev.llmclient.internal.call.QueuedAsyncCalls}) as waiting.
	 */
	public void queued() {
		this.waiting.incrementAndGet();
	}

	/** Ends what {@link #queued()} began. */
	public void dequeued() {
		this.waiting.decrementAndGet();
	}

	/**
	 * The failure of a call that waited {@code max-wait} in vain, quoting the limit of
	 * the moment when it is adaptive.
	 */
	public LlmBulkheadFullException full() {
		return new LlmBulkheadFullException(inFlight(), limit(), this.maxConcurrent, this.maxWait,
				this.maxConcurrentName, this.maxWaitName);
	}

	public Duration maxWait() {
		return this.maxWait;
	}

	public int maxConcurrent() {
		return this.maxConcurrent;
	}

	public int inFlight() {
		return this.limiter.inFlight();
	}

	/** The limit of the moment: {@code max-concurrent}, or below it when adaptive. */
	public int limit() {
		return this.limiter.limit();
	}

	public int waiting() {
		return this.waiting.get();
	}

	public LlmClientHealth.Bulkhead stats() {
		return new LlmClientHealth.Bulkhead(this.maxConcurrent, limit(), inFlight(), waiting());
	}

}
