package dev.llmclient.internal.limits;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.netflix.concurrency.limits.limit.AIMDLimit;

import dev.llmclient.LlmClientSettings;
import dev.llmclient.traffic.ConcurrencyLimiter;

/**
 * A limit of calls in flight that follows what the server takes, computed by Netflix's
 * {@link AIMDLimit}: additive increase while the server answers, multiplicative decrease
 * (by {@code adaptive.backoff-ratio}) when it refuses or times out, between
 * {@code adaptive.min-concurrent} and {@code max-concurrent}. AIMD rather than the
 * library's delay-based limits (Vegas, Gradient): those read a longer round trip as
 * queueing at the server, but an LLM call's duration is set by how many tokens it
 * generates, so a long answer would shrink the limit for nothing.
 * <p>
 * How samples are fed to it is this class's own, because LLM calls are slow and few: the
 * library's {@code WindowedLimit} drops any window with fewer than ten samples, drops
 * included, which at a few calls of several seconds each would leave the limit stuck. So:
 * it starts at {@code min-concurrent} and grows by one per success until the first
 * refusal (slow start, so a fast server is reached in a few round trips); after that it
 * grows by one at most once per round, a round being as many completed attempts as the
 * limit and at least {@link #MIN_ROUND}, so that probing above the server's limit costs
 * one refused request per round at most; a refusal shrinks the limit at once, but only
 * refusals of attempts started after the last shrink count, since earlier ones answer a
 * limit already left behind. The permits are a fair semaphore resized as the limit moves;
 * calls beyond a shrunk limit finish, and no new call starts until the count is below it.
 */
final class AdaptiveLimiter implements ConcurrencyLimiter {

	/** Shortest round between two increases after slow start. */
	static final Duration MIN_ROUND = Duration.ofSeconds(1);

	private final AIMDLimit limit;

	private final Resizable permits;

	private final Permit permit = new AdaptivePermit();

	/** The limit the permits are sized to; only changed under the lock of this. */
	private int sized;

	private final AtomicInteger inFlight = new AtomicInteger();

	private boolean slowStart = true;

	private int completedInRound;

	private long roundStart = System.nanoTime();

	private long lastDecrease = System.nanoTime();

	AdaptiveLimiter(LlmClientSettings settings) {
		int min = settings.adaptive().minConcurrent();
		int max = settings.limits().maxConcurrent();
		this.limit = AIMDLimit.newBuilder()
			.minLimit(min)
			.maxLimit(max)
			.initialLimit(min)
			.backoffRatio(settings.adaptive().backoffRatio())
			// the client decides what a timeout is (read-timeout, timeout): a long
			// generation is no drop
			.timeout(Long.MAX_VALUE, TimeUnit.NANOSECONDS)
			.build();
		this.sized = min;
		this.permits = new Resizable(min);
	}

	@Override
	public Permit tryAcquire(Duration wait) throws InterruptedException {
		boolean taken = this.permits.tryAcquire() || this.permits.tryAcquire(wait.toNanos(), TimeUnit.NANOSECONDS);
		if (!taken) {
			return null;
		}
		this.inFlight.incrementAndGet();
		return this.permit;
	}

	@Override
	public int limit() {
		return this.limit.getLimit();
	}

	@Override
	public int inFlight() {
		return this.inFlight.get();
	}

	private synchronized void sample(long startNanos, long durationNanos, Signal signal) {
		long now = System.nanoTime();
		if (signal == Signal.DROPPED) {
			if (startNanos - this.lastDecrease < 0) {
				return;
			}
			this.slowStart = false;
			this.lastDecrease = now;
			startRound(now);
			this.limit.onSample(startNanos, durationNanos, this.inFlight.get(), true);
		}
		else if (signal == Signal.SUCCESS) {
			this.completedInRound++;
			if (this.slowStart || (this.completedInRound >= this.limit.getLimit()
					&& now - this.roundStart >= MIN_ROUND.toNanos())) {
				startRound(now);
				this.limit.onSample(startNanos, durationNanos, this.inFlight.get(), false);
			}
		}
		resize();
	}

	private void startRound(long now) {
		this.completedInRound = 0;
		this.roundStart = now;
	}

	private void resize() {
		int target = this.limit.getLimit();
		if (target > this.sized) {
			this.permits.release(target - this.sized);
		}
		else if (target < this.sized) {
			this.permits.reducePermits(this.sized - target);
		}
		this.sized = target;
	}

	@Override
	public String toString() {
		return "AdaptiveLimiter[limit=" + limit() + ", inFlight=" + inFlight() + "]";
	}

	private final class AdaptivePermit implements Permit {

		@Override
		public void attemptEnded(long startNanos, long durationNanos, Signal signal) {
			if (signal != Signal.IGNORED) {
				sample(startNanos, durationNanos, signal);
			}
		}

		@Override
		public void release() {
			AdaptiveLimiter.this.inFlight.decrementAndGet();
			AdaptiveLimiter.this.permits.release();
		}

	}

	/** A fair semaphore whose permits can be taken away while they are out. */
	private static final class Resizable extends Semaphore {

		private static final long serialVersionUID = 1L;

		Resizable(int permits) {
			super(permits, true);
		}

		@Override
		protected void reducePermits(int reduction) {
			super.reducePermits(reduction);
		}

	}

}
