package dev.llmclient.internal.call;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.llmclient.Cost;
import dev.llmclient.LlmClientException;
import dev.llmclient.LlmClientHealth;
import dev.llmclient.LlmHttpException;
import dev.llmclient.LlmRateLimitedException;
import dev.llmclient.LlmTimeoutException;
import dev.llmclient.RequestClass;
import dev.llmclient.Usage;
import dev.llmclient.traffic.ConcurrencyLimiter;
import dev.llmclient.traffic.RateBudget;
import dev.llmclient.internal.limits.Bulkhead;
import dev.llmclient.internal.limits.ServerPacing;
import dev.llmclient.internal.recording.CallMetrics;
import dev.llmclient.internal.wire.Failures;
import dev.llmclient.internal.wire.TierCapacity;

/**
 * The one way into the client for every operation (chat, stream, embeddings, batch
 * items): a call takes, in this order, a permit of the client-wide limit, a request from
 * the request budget, its token estimate from the token budget, and waits while the
 * server has paused the client; all of it within the wait the call is allowed
 * ({@code max-wait}, capped by its deadline). A call of a priced model takes its
 * estimated cost from the spend budgets too, without waiting ({@link SpendBudgets}). A
 * step that fails gives back what the earlier ones took, and counts the throttling under
 * its reason ({@code concurrency}, {@code requests}, {@code tokens}, {@code server}); so
 * does a step that had to wait.
 */
public final class Admission {

	private final Bulkhead bulkhead;

	/** {@code null} without a request budget. */
	private final RateBudget requests;

	/** {@code null} without a token budget. */
	private final RateBudget tokens;

	private final ServerPacing pacing;

	private final SpendBudgets spend;

	private final Failures failures;

	private final CallMetrics metrics;

	/**
	 * Whether a call waiting out a backoff gives its permit back; see
	 * {@link Ticket#backingOff()}.
	 */
	private final boolean yieldDuringBackoff;

	public Admission(Bulkhead bulkhead, RateBudget requests, RateBudget tokens, ServerPacing pacing, Failures failures,
			CallMetrics metrics, boolean yieldDuringBackoff) {
		this(bulkhead, requests, tokens, null, pacing, failures, metrics, yieldDuringBackoff);
	}

	/**
	 * @param spend the spend budgets, or {@code null} for none
	 */
	public Admission(Bulkhead bulkhead, RateBudget requests, RateBudget tokens, SpendBudgets spend, ServerPacing pacing,
			Failures failures, CallMetrics metrics, boolean yieldDuringBackoff) {
		this.spend = (spend != null && spend.isSet()) ? spend : null;
		this.yieldDuringBackoff = yieldDuringBackoff;
		this.bulkhead = bulkhead;
		this.requests = requests;
		this.tokens = tokens;
		this.pacing = pacing;
		this.failures = failures;
		this.metrics = metrics;
	}

	/**
	 * Whether calls are counted against a spend budget, and so need a cost estimate.
	 * @return {@code true} with {@code budget.cost-per-day} or {@code cost-per-hour}
	 */
	boolean countsSpend() {
		return this.spend != null;
	}

	/**
	 * Lets a call in, or fails it.
	 * @param wait the longest the call may wait in all, already capped by its deadline
	 * @param tokenEstimate the tokens the call is expected to use
	 * @param costEstimate the most the call may cost, or {@code null} when its model is
	 * not priced
	 * @param requestClass the call's class: interactive calls wait before batch calls
	 * @return what the call took, to be closed exactly once
	 * @throws dev.llmclient.LlmBulkheadFullException when no permit came in time
	 * @throws LlmRateLimitedException when a budget would not refill in time, or a spend
	 * budget has no room for the estimate
	 */
	Ticket admit(Duration wait, long tokenEstimate, BigDecimal costEstimate, RequestClass requestClass) {
		long start = System.nanoTime();
		Ticket ticket = new Ticket(permit(wait, requestClass), requestClass);
		try {
			takeSpend(ticket, costEstimate);
			take(ticket, this.requests, 1, LlmRateLimitedException.Budget.REQUESTS, "requests", wait, start);
			ticket.requestTaken = (this.requests != null);
			take(ticket, this.tokens, tokenEstimate, LlmRateLimitedException.Budget.TOKENS, "tokens", wait, start);
			ticket.tokensTaken = (this.tokens != null) ? tokenEstimate : 0;
			awaitServer(ticket, tokenEstimate, wait, start);
			return ticket;
		}
		catch (RuntimeException ex) {
			ticket.refund();
			ticket.close();
			throw ex;
		}
	}

	private void takeSpend(Ticket ticket, BigDecimal costEstimate) {
		if (this.spend == null) {
			return;
		}
		try {
			ticket.spendTaken = this.spend.take(costEstimate, this.bulkhead.inFlight());
		}
		catch (LlmRateLimitedException ex) {
			this.metrics.throttled("spend");
			throw ex;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new LlmClientException("Interrupted while taking from the spend budget", ex);
		}
	}

	private ConcurrencyLimiter.Permit permit(Duration wait, RequestClass requestClass) {
		ConcurrencyLimiter.Permit permit = this.bulkhead.tryAcquireNow(requestClass);
		if (permit != null) {
			this.metrics.permitWait(requestClass, 0);
			return permit;
		}
		this.metrics.throttled("concurrency");
		long start = System.nanoTime();
		try {
			permit = this.bulkhead.acquire(requestClass, wait);
		}
		finally {
			this.metrics.permitWait(requestClass, System.nanoTime() - start);
		}
		return permit;
	}

	/**
	 * Takes from a budget; a call that must wait for it gives its permit back meanwhile
	 * when the limit is adaptive (see {@link Ticket#backingOff()}), and takes one again
	 * within what is left of its wait.
	 */
	private void take(Ticket ticket, RateBudget budget, long amount, LlmRateLimitedException.Budget name, String reason,
			Duration totalWait, long start) {
		if (budget == null) {
			return;
		}
		try {
			if (budget.tryTake(amount, Duration.ZERO)) {
				return;
			}
			this.metrics.throttled(reason);
			Duration wait = left(totalWait, start);
			ticket.backingOff();
			if (!budget.tryTake(amount, wait)) {
				throw (budget.property() != null)
						? this.failures.rateLimited(name, budget.property(), budget.limit(), refill(budget, amount),
								wait, this.bulkhead.inFlight())
						: this.failures.rateLimited(name, refill(budget, amount), wait, this.bulkhead.inFlight());
			}
			ticket.resume(left(totalWait, start));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new LlmClientException("Interrupted while waiting for the " + reason + " budget", ex);
		}
	}

	/** A rough time to refill: the units missing at the budget's average rate. */
	private static Duration refill(RateBudget budget, long amount) {
		long missing = Math.max(1, amount - budget.available());
		return Duration.ofMillis(Math.max(1, missing * 60_000 / budget.limit()));
	}

	/**
	 * Waits while the server has paused the client; with an adaptive limit the permit is
	 * given back meanwhile, as for a budget.
	 */
	private void awaitServer(Ticket ticket, long tokenEstimate, Duration wait, long start) {
		long pause = this.pacing.waitNanos(tokenEstimate);
		if (pause <= 0) {
			return;
		}
		this.metrics.throttled("server");
		ticket.backingOff();
		while (pause > 0) {
			Duration left = left(wait, start);
			if (pause > left.toNanos()) {
				throw this.failures.rateLimited(LlmRateLimitedException.Budget.SERVER, Duration.ofNanos(pause), left,
						this.bulkhead.inFlight());
			}
			try {
				TimeUnit.NANOSECONDS.sleep(pause);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new LlmClientException("Interrupted while waiting for the server's rate limit to reset", ex);
			}
			// another answer may have moved the pause on meanwhile
			pause = this.pacing.waitNanos(tokenEstimate);
		}
		ticket.resume(left(wait, start));
	}

	private static Duration left(Duration wait, long start) {
		return Duration.ofNanos(Math.max(0, wait.toNanos() - (System.nanoTime() - start)));
	}

	LlmClientHealth.Bulkhead bulkheadStats() {
		return this.bulkhead.stats();
	}

	/** What health shows of the budgets and the server's pause. */
	LlmClientHealth.RateLimit rateLimitStats() {
		long pause = this.pacing.waitNanos(0);
		return new LlmClientHealth.RateLimit((this.requests != null) ? this.requests.available() : null,
				(this.tokens != null) ? this.tokens.available() : null, pause > 0, Duration.ofNanos(pause).toMillis(),
				(this.spend != null) ? this.spend.dailyLeft() : null,
				(this.spend != null) ? this.spend.hourlyLeft() : null);
	}

	/**
	 * What the server's pause asks a retry to wait, or zero.
	 */
	public Duration serverPause() {
		return Duration.ofNanos(this.pacing.waitNanos(0));
	}

	/**
	 * What one admitted call took. Closing it gives the permit back; budgets already
	 * spent stay spent, since the request was sent.
	 */
	final class Ticket implements AutoCloseable {

		/** {@code null} while the call waits out a backoff without it, or once closed. */
		private ConcurrencyLimiter.Permit permit;

		private boolean requestTaken;

		private long tokensTaken;

		/** Billionths of the currency taken from the spend budgets. */
		private long spendTaken;

		private boolean closed;

		private final RequestClass requestClass;

		private Ticket(ConcurrencyLimiter.Permit permit, RequestClass requestClass) {
			this.permit = permit;
			this.requestClass = requestClass;
		}

		/**
		 * Tells the limiter how an attempt ended: 429, 503 and timeouts are drops, an
		 * answer is a success, anything else says nothing of the server's capacity.
		 * @param startNanos when the attempt started
		 * @param failure how it failed, or {@code null} when the server answered
		 */
		void attemptEnded(long startNanos, LlmClientException failure) {
			this.permit.attemptEnded(startNanos, System.nanoTime() - startNanos, signal(failure));
		}

		/**
		 * Tells the limiter an attempt was ended by the caller (cancelled, cut off by
		 * {@code close()}): it says nothing of the server's capacity.
		 * @param startNanos when the attempt started
		 */
		void attemptCancelled(long startNanos) {
			this.permit.attemptEnded(startNanos, System.nanoTime() - startNanos, ConcurrencyLimiter.Signal.IGNORED);
		}

		/**
		 * Called before a call waits out a backoff. With an adaptive limit the permit is
		 * given back meanwhile: the limit counts requests at the server, and a call
		 * holding a permit while it waits would make the limiter grow the limit past what
		 * the server takes, by as many calls as are backing off.
		 */
		void backingOff() {
			if (Admission.this.yieldDuringBackoff && this.permit != null) {
				ConcurrencyLimiter.Permit yielded = this.permit;
				this.permit = null;
				yielded.release();
			}
		}

		/**
		 * Called after the backoff: takes a permit again if it was given back.
		 * @param wait the longest wait for it, already capped by the call's deadline
		 * @throws dev.llmclient.LlmBulkheadFullException when none came in time
		 */
		void resume(Duration wait) {
			if (this.permit == null && !this.closed) {
				this.permit = permit(wait, this.requestClass);
			}
		}

		/** Charges a retry to the request budget: the server counts it as a request. */
		void retrying() {
			if (Admission.this.requests != null) {
				Admission.this.requests.charge(1);
			}
		}

		/**
		 * Settles the token and cost estimates with what the server reported the call
		 * used, once.
		 * @param usage the usage, or {@code null} when the server sent none
		 * @param cost its cost, or {@code null} when it has none
		 */
		void settle(Usage usage, Cost cost) {
			if (this.spendTaken > 0 && cost != null) {
				Admission.this.spend.settle(this.spendTaken, cost);
				this.spendTaken = 0;
			}
			if (usage == null || this.tokensTaken == 0) {
				return;
			}
			TokenSettlement.settle(Admission.this.tokens, this.tokensTaken, usage);
			this.tokensTaken = 0;
		}

		/**
		 * Gives back everything of a call that will not be sent: its budgets and its
		 * permit.
		 */
		void giveBack() {
			refund();
			close();
		}

		/** Gives back the budgets of a call that was never sent. */
		private void refund() {
			if (this.requestTaken) {
				Admission.this.requests.refund(1);
			}
			if (this.tokensTaken > 0) {
				Admission.this.tokens.refund(this.tokensTaken);
			}
			if (this.spendTaken > 0) {
				Admission.this.spend.refund(this.spendTaken);
				this.spendTaken = 0;
			}
		}

		@Override
		public void close() {
			if (!this.closed) {
				this.closed = true;
				if (this.permit != null) {
					this.permit.release();
					this.permit = null;
				}
			}
		}

	}

	/**
	 * What an attempt's end says of the server's capacity, as an adaptive limit learns
	 * from it.
	 * @param failure how the attempt failed, or {@code null} when the server answered
	 * @return the signal
	 */
	public static ConcurrencyLimiter.Signal signal(LlmClientException failure) {
		if (failure == null) {
			return ConcurrencyLimiter.Signal.SUCCESS;
		}
		if (TierCapacity.unavailable(failure)) {
			return ConcurrencyLimiter.Signal.IGNORED; // the tier is full, not the server
		}
		if (failure instanceof LlmHttpException http) {
			int status = http.statusCode();
			return (status == 429 || status == 503) ? ConcurrencyLimiter.Signal.DROPPED
					: ConcurrencyLimiter.Signal.IGNORED;
		}
		if (failure instanceof LlmTimeoutException timeout
				&& timeout.kind() != LlmTimeoutException.Kind.BULKHEAD_WAIT) {
			return ConcurrencyLimiter.Signal.DROPPED;
		}
		return ConcurrencyLimiter.Signal.IGNORED;
	}

}
