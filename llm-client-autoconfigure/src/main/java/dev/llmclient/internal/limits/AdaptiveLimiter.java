package dev.llmclient.internal.limits;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

import dev.llmclient.LlmClientSettings;
import dev.llmclient.traffic.ConcurrencyLimiter;

/**
 * A limit of calls in flight that follows what the server takes: additive increase while
 * the server answers, decrease when it refuses (429, 503) or times out, between
 * {@code adaptive.min-concurrent} and {@code max-concurrent}. It reacts to refusals only,
 * never to a longer round trip (as Netflix concurrency-limits' Vegas or Gradient would):
 * an LLM call's duration is set by how many tokens it generates, so a long answer would
 * shrink the limit for nothing.
 * <p>
 * The rules, sample by sample (LLM calls are slow and few, so there are no windows of
 * samples to average):
 * <ul>
 * <li><b>Slow start.</b> The limit starts at {@code min-concurrent} and grows by one per
 * answer (doubling every round trip) until the first refusal.</li>
 * <li><b>The end of slow start lands on what the server took.</b> The first refusal, of
 * an attempt that took its permit while {@code n} were out (its own included), says the
 * server would not take {@code n} at once: the limit drops to {@code n - 1}, but not
 * below half of it, which the server answered a round trip earlier (when the client is
 * busy, the count at the time a permit was taken can lag what reached the server). So
 * slow start's overshoot does not leave the limit above the cap, as a cut by
 * {@code adaptive.backoff-ratio} of an overshot limit would.</li>
 * <li><b>Later refusals.</b> A refusal in the round of a probe steps back one: the probe
 * found the cap. A refusal at a limit that had held for a round cuts it by
 * {@code adaptive.backoff-ratio}: the server's capacity shrank, or it is overloaded.</li>
 * <li><b>Probing.</b> After slow start the limit grows by one at most once per round, a
 * round being as many answers as the limit and at least {@link #MIN_ROUND}. A step that
 * is refused (the end of slow start, or a probe) doubles the rounds before the next probe
 * (up to {@value #MAX_PROBE_INTERVAL}); a probe that holds for a round brings them back
 * to one. A server that keeps its cap is probed less and less often, each probe costing
 * one refused request (and, with {@code Retry-After}, that request's wait); a server that
 * grows is followed one step per round.</li>
 * <li><b>Old news is ignored.</b> Only refusals of attempts started after the last
 * decrease count: earlier ones answer a limit already left behind.</li>
 * </ul>
 * The permits are a fair semaphore resized as the limit moves; calls beyond a shrunk
 * limit finish, and no new call starts until the count is below it.
 */
final class AdaptiveLimiter implements ConcurrencyLimiter {

	/** Shortest round between two increases after slow start. */
	static final Duration MIN_ROUND = Duration.ofSeconds(1);

	/** Most rounds between two probes, after probes kept being refused. */
	static final int MAX_PROBE_INTERVAL = 8;

	private final int min;

	private final int max;

	private final double backoffRatio;

	private final LongSupplier nanoClock;

	private final Resizable permits;

	private final AtomicInteger inFlight = new AtomicInteger();

	/** The limit; this and the fields below are only used under the lock of this. */
	private int limit;

	/** The limit the permits are sized to. */
	private int sized;

	private boolean slowStart = true;

	/** Whether the last change was a probe whose round has not ended. */
	private boolean probing;

	/** Rounds between two probes. */
	private int probeInterval = 1;

	private int roundsSinceProbe;

	private int answersInRound;

	private long roundStart;

	private long lastDecrease;

	AdaptiveLimiter(LlmClientSettings settings) {
		this(settings, System::nanoTime);
	}

	AdaptiveLimiter(LlmClientSettings settings, LongSupplier nanoClock) {
		this.min = settings.adaptive().minConcurrent();
		this.max = settings.limits().maxConcurrent();
		this.backoffRatio = settings.adaptive().backoffRatio();
		this.nanoClock = nanoClock;
		this.limit = this.min;
		this.sized = this.min;
		this.permits = new Resizable(this.min);
		this.roundStart = nanoClock.getAsLong();
		this.lastDecrease = this.roundStart;
	}

	@Override
	public Permit tryAcquire(Duration wait) throws InterruptedException {
		boolean taken = this.permits.tryAcquire() || this.permits.tryAcquire(wait.toNanos(), TimeUnit.NANOSECONDS);
		if (!taken) {
			return null;
		}
		return new AdaptivePermit(this.inFlight.incrementAndGet());
	}

	@Override
	public synchronized int limit() {
		return this.limit;
	}

	@Override
	public int inFlight() {
		return this.inFlight.get();
	}

	private synchronized void answered() {
		if (this.slowStart) {
			resize(this.limit + 1);
			return;
		}
		long now = this.nanoClock.getAsLong();
		this.answersInRound++;
		if (this.answersInRound < this.limit || now - this.roundStart < MIN_ROUND.toNanos()) {
			return;
		}
		if (this.probing) {
			this.probing = false;
			this.probeInterval = 1;
		}
		startRound(now);
		this.roundsSinceProbe++;
		if (this.roundsSinceProbe >= this.probeInterval && this.limit < this.max) {
			this.probing = true;
			this.roundsSinceProbe = 0;
			resize(this.limit + 1);
		}
	}

	/**
	 * @param startNanos when the refused attempt started
	 * @param permitsOut the permits out when its permit was taken, its own included
	 */
	private synchronized void refused(long startNanos, int permitsOut) {
		if (startNanos - this.lastDecrease < 0) {
			return;
		}
		int next;
		if (this.slowStart) {
			next = Math.max(this.limit / 2, Math.min(this.limit, permitsOut) - 1);
		}
		else if (this.probing) {
			next = this.limit - 1;
		}
		else {
			next = (int) (this.limit * this.backoffRatio);
		}
		if (this.slowStart || this.probing) {
			this.probeInterval = Math.min(MAX_PROBE_INTERVAL, this.probeInterval * 2);
		}
		this.slowStart = false;
		this.probing = false;
		this.roundsSinceProbe = 0;
		long now = this.nanoClock.getAsLong();
		this.lastDecrease = now;
		startRound(now);
		resize(next);
	}

	private void startRound(long now) {
		this.answersInRound = 0;
		this.roundStart = now;
	}

	private void resize(int target) {
		this.limit = Math.max(this.min, Math.min(this.max, target));
		if (this.limit > this.sized) {
			this.permits.release(this.limit - this.sized);
		}
		else if (this.limit < this.sized) {
			this.permits.reducePermits(this.sized - this.limit);
		}
		this.sized = this.limit;
	}

	@Override
	public String toString() {
		return "AdaptiveLimiter[limit=" + limit() + ", inFlight=" + inFlight() + "]";
	}

	/** One permit taken, with the count of permits out when it was taken. */
	private final class AdaptivePermit implements Permit {

		private final int permitsOut;

		AdaptivePermit(int permitsOut) {
			this.permitsOut = permitsOut;
		}

		@Override
		public void attemptEnded(long startNanos, long durationNanos, Signal signal) {
			if (signal == Signal.SUCCESS) {
				answered();
			}
			else if (signal == Signal.DROPPED) {
				refused(startNanos, this.permitsOut);
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
