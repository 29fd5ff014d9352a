package dev.llmclient.internal.limits;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

import dev.llmclient.LlmBulkheadFullException;
import dev.llmclient.LlmClientException;
import dev.llmclient.LlmClientHealth;
import dev.llmclient.LlmClientSettings;
import dev.llmclient.RequestClass;
import dev.llmclient.traffic.ConcurrencyLimiter;

/**
 * Client-wide limit on calls in flight: single, async, streamed and batched calls all
 * take a permit here, from the client's {@link ConcurrencyLimiter} (fixed at
 * {@code max-concurrent}, adaptive, or what the builder made of them). The bulkhead keeps
 * what is the same for every limiter: {@code max-wait}, the count of waiting calls and
 * the failure of a call that waited in vain. Calls wait in one line ordered by request
 * class ({@link ClassQueue}): interactive calls before batch calls, each class within its
 * share of the limit while the other waits.
 */
public final class Bulkhead {

	private final int maxConcurrent;

	private final Duration maxWait;

	private final String maxConcurrentName;

	private final String maxWaitName;

	private final ConcurrencyLimiter limiter;

	private final ClassQueue line;

	/**
	 * What batch calls take a permit of as well, first: the limiter's
	 * {@link ConcurrencyLimiter#batchLimiter()}, or {@code null}.
	 */
	private final ConcurrencyLimiter batchLimiter;

	private final double batchShare;

	private final double interactiveShare;

	private final String batchShareName;

	private final String interactiveShareName;

	/** Async calls waiting for a thread before they ask for a permit. */
	private final AtomicInteger queued = new AtomicInteger();

	public Bulkhead(LlmClientSettings settings, ConcurrencyLimiter limiter) {
		this(settings, limiter, System::nanoTime);
	}

	/**
	 * Creates the bulkhead with a clock of its own.
	 * @param clock tells the time the recent peak of interactive calls ages by, as
	 * {@link System#nanoTime()}
	 */
	Bulkhead(LlmClientSettings settings, ConcurrencyLimiter limiter, LongSupplier clock) {
		this.maxConcurrent = settings.limits().maxConcurrent();
		this.maxWait = settings.limits().maxWait();
		this.maxConcurrentName = settings.property("max-concurrent");
		this.maxWaitName = settings.property("max-wait");
		this.limiter = limiter;
		this.batchShare = settings.limits().batchShare();
		this.interactiveShare = settings.limits().interactiveShare();
		this.batchShareName = settings.property("batch-share");
		this.interactiveShareName = settings.property("interactive-share");
		this.line = new ClassQueue(limiter, this.interactiveShare, this.batchShare, clock);
		this.batchLimiter = limiter.batchLimiter();
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
	 * Takes a permit if one is free now and no call that goes first waits.
	 * @param requestClass the call's class
	 * @return the permit, to be released exactly once, or {@code null}
	 */
	public ConcurrencyLimiter.Permit tryAcquireNow(RequestClass requestClass) {
		try {
			if (requestClass == RequestClass.BATCH && this.batchLimiter != null) {
				ConcurrencyLimiter.Permit batchPermit = this.batchLimiter.tryAcquire(Duration.ZERO);
				return (batchPermit != null) ? both(batchPermit, () -> this.line.tryAcquireNow(requestClass)) : null;
			}
			return this.line.tryAcquireNow(requestClass);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw interrupted(ex);
		}
	}

	/**
	 * Takes a permit, waiting at most {@code wait} in line with the calls of both
	 * classes.
	 * @param requestClass the call's class
	 * @param wait the longest wait, at most {@code max-wait}
	 * @return the permit, to be released exactly once
	 * @throws LlmBulkheadFullException when no permit came in time
	 */
	public ConcurrencyLimiter.Permit acquire(RequestClass requestClass, Duration wait) {
		try {
			if (requestClass == RequestClass.BATCH && this.batchLimiter != null) {
				long start = System.nanoTime();
				ConcurrencyLimiter.Permit batchPermit = this.batchLimiter.tryAcquire(wait);
				if (batchPermit == null) {
					throw batchSharesFull();
				}
				Duration left = wait.minusNanos(Math.min(wait.toNanos(), System.nanoTime() - start));
				ConcurrencyLimiter.Permit permit = both(batchPermit, () -> this.line.acquire(requestClass, left));
				if (permit == null) {
					throw full(requestClass);
				}
				return permit;
			}
			ConcurrencyLimiter.Permit permit = this.line.acquire(requestClass, wait);
			if (permit == null) {
				throw full(requestClass);
			}
			return permit;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw interrupted(ex);
		}
	}

	/**
	 * Takes the permit of the line after the batch calls' own: both as one permit, or
	 * {@code null} and the batch permit given back when the line's does not come.
	 */
	private static ConcurrencyLimiter.Permit both(ConcurrencyLimiter.Permit batchPermit, PermitSource line)
			throws InterruptedException {
		ConcurrencyLimiter.Permit permit = null;
		try {
			permit = line.take();
		}
		finally {
			if (permit == null) {
				batchPermit.release();
			}
		}
		if (permit == null) {
			return null;
		}
		ConcurrencyLimiter.Permit linePermit = permit;
		return new ConcurrencyLimiter.Permit() {

			@Override
			public void attemptEnded(long startNanos, long durationNanos, ConcurrencyLimiter.Signal signal) {
				linePermit.attemptEnded(startNanos, durationNanos, signal);
			}

			@Override
			public void release() {
				linePermit.release();
				batchPermit.release();
			}

		};
	}

	/** Where {@link #both} takes the line's permit. */
	@FunctionalInterface
	private interface PermitSource {

		ConcurrencyLimiter.Permit take() throws InterruptedException;

	}

	/** The failure of a batch call whose class held all of its own limiter's permits. */
	private LlmBulkheadFullException batchSharesFull() {
		String reason = "This batch call waited because batch calls held their share of the shared limit ("
				+ this.batchShareName + "=" + this.batchShare + " of the cluster-wide limit). Raise "
				+ this.batchShareName + " to give batch calls more of it, or " + this.maxWaitName + " to queue longer.";
		return new LlmBulkheadFullException(inFlight(), limit(), this.maxConcurrent, this.maxWait,
				this.maxConcurrentName, this.maxWaitName, reason);
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
		this.queued.incrementAndGet();
	}

	/** Ends what {@link #queued()} began. */
	public void dequeued() {
		this.queued.decrementAndGet();
	}

	/**
	 * The failure of a call that waited {@code max-wait} in vain, quoting the limit of
	 * the moment when it is adaptive.
	 */
	public LlmBulkheadFullException full() {
		return new LlmBulkheadFullException(inFlight(), limit(), this.maxConcurrent, this.maxWait,
				this.maxConcurrentName, this.maxWaitName);
	}

	/**
	 * The failure of a call of {@code requestClass} that waited in vain; when its class
	 * held its share of the limit while the other class waited, the message says so.
	 */
	LlmBulkheadFullException full(RequestClass requestClass) {
		if (!this.line.heldAtShare(requestClass)) {
			return full();
		}
		ClassQueue.Snapshot mine = this.line.snapshot(requestClass);
		boolean batch = requestClass == RequestClass.BATCH;
		String name = batch ? this.batchShareName : this.interactiveShareName;
		double share = batch ? this.batchShare : this.interactiveShare;
		String other = batch ? "interactive" : "batch";
		String reason = "This " + className(requestClass) + " call waited because its class held its share: "
				+ mine.inFlight() + " " + className(requestClass) + " calls in flight, "
				+ Math.round(mine.share() * limit()) + " of the limit of " + limit() + " allowed now ("
				+ (batch ? name + "=" + share + " while interactive calls wait; permits for the interactive calls "
						+ "seen at once lately are kept free meanwhile"
						: name + "=" + share + " while batch calls wait")
				+ "). Raise " + name + " to give the class more of the limit, or make this call " + other + ".";
		return new LlmBulkheadFullException(inFlight(), limit(), this.maxConcurrent, this.maxWait,
				this.maxConcurrentName, this.maxWaitName, reason);
	}

	/** The class as tags and health name it: {@code interactive} or {@code batch}. */
	public static String className(RequestClass requestClass) {
		return (requestClass == RequestClass.BATCH) ? "batch" : "interactive";
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

	/**
	 * Calls waiting for a permit, of both classes, and async calls waiting for a thread.
	 */
	public int waiting() {
		return this.queued.get() + waiting(RequestClass.INTERACTIVE) + waiting(RequestClass.BATCH);
	}

	/** Calls of {@code requestClass} waiting in line for a permit. */
	public int waiting(RequestClass requestClass) {
		return this.line.snapshot(requestClass).waiting();
	}

	/** Permits held by calls of {@code requestClass}. */
	public int inFlight(RequestClass requestClass) {
		return this.line.snapshot(requestClass).inFlight();
	}

	public LlmClientHealth.Bulkhead stats() {
		Map<String, LlmClientHealth.ClassShare> byClass = new LinkedHashMap<>();
		for (RequestClass requestClass : RequestClass.values()) {
			ClassQueue.Snapshot snapshot = this.line.snapshot(requestClass);
			byClass.put(className(requestClass),
					new LlmClientHealth.ClassShare(snapshot.inFlight(), snapshot.waiting(), snapshot.share()));
		}
		return new LlmClientHealth.Bulkhead(this.maxConcurrent, limit(), inFlight(), waiting(), byClass);
	}

}
