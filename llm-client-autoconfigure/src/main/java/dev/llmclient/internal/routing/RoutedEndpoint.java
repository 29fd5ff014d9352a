package dev.llmclient.internal.routing;

import java.time.Duration;
import java.util.function.LongSupplier;

import dev.llmclient.LlmClientException;
import dev.llmclient.LlmClientHealth;
import dev.llmclient.LlmClientSettings;
import dev.llmclient.traffic.ConcurrencyLimiter;
import dev.llmclient.traffic.RateBudget;
import dev.llmclient.internal.call.AttemptBudgets;
import dev.llmclient.internal.call.Route;
import dev.llmclient.internal.http.HttpTransport;
import dev.llmclient.internal.limits.ServerPacing;
import dev.llmclient.internal.recording.CallMetrics;

/**
 * One endpoint of a client with several: its own transport (connection pool), the
 * {@link Route} its attempts take, its recorder (metrics tagged with its address, its
 * latency window), and its own traffic control: its concurrency limit (fixed at its
 * {@code max-concurrent}, or adaptive below it), the server's pacing read from its own
 * answers, and its own budgets. Routing reads of it those, the latency of its recent
 * attempts, and its {@link Cooldown}.
 */
public final class RoutedEndpoint {

	private final int index;

	private final LlmClientSettings settings;

	private final HttpTransport transport;

	private final Route route;

	private final CallMetrics metrics;

	private final int weight;

	private final int maxConcurrent;

	/** Its own limit of calls in flight: fixed at its max-concurrent, or adaptive. */
	private final ConcurrencyLimiter limiter;

	/**
	 * The permit its limiter hands out: the fixed and the adaptive limiter hand out one
	 * permit object, kept here so that an attempt's lease stays a {@code long}.
	 */
	private volatile ConcurrencyLimiter.Permit permit;

	/** What its own answers say of its rate limits; its route's signals. */
	private final ServerPacing pacing;

	private final EndpointBudgets budgets;

	private final RecentLatency latency = new RecentLatency();

	private final Cooldown cooldown;

	/**
	 * The latest failed attempt, which the call may have survived on another endpoint.
	 */
	private volatile LlmClientHealth.LastError lastAttemptError;

	/**
	 * Creates one endpoint.
	 * @param index its index in {@code endpoints}
	 * @param settings its settings, as {@link LlmClientSettings#perEndpoint()} gives them
	 * @param weight its share of calls under round-robin routing
	 * @param transport its transport
	 * @param route the route of its attempts, whose signals are {@code pacing}
	 * @param metrics its meters
	 * @param clock the time of cooldowns
	 * @param limiter its own limit of calls in flight
	 * @param pacing the pacing its answers feed
	 * @param requests its own request budget, or {@code null}
	 * @param tokens its own token budget, or {@code null}
	 */
	public RoutedEndpoint(int index, LlmClientSettings settings, int weight, HttpTransport transport, Route route,
			CallMetrics metrics, LongSupplier clock, ConcurrencyLimiter limiter, ServerPacing pacing,
			RateBudget requests, RateBudget tokens) {
		this.index = index;
		this.settings = settings;
		this.weight = weight;
		this.transport = transport;
		this.route = route;
		this.metrics = metrics;
		this.maxConcurrent = settings.limits().maxConcurrent();
		this.limiter = limiter;
		this.pacing = pacing;
		this.budgets = (requests != null || tokens != null)
				? new EndpointBudgets(requests, tokens,
						settings.property("endpoints[" + index + "].rate-limit.requests-per-minute"),
						settings.property("endpoints[" + index + "].rate-limit.tokens-per-minute"))
				: EndpointBudgets.NONE;
		this.cooldown = new Cooldown(settings.routing().cooldown(), settings.routing().cooldownAfterFailures(), clock);
	}

	int index() {
		return this.index;
	}

	/** This endpoint's settings: its URL, key, model and pool size. */
	LlmClientSettings settings() {
		return this.settings;
	}

	HttpTransport transport() {
		return this.transport;
	}

	Route route() {
		return this.route;
	}

	CallMetrics metrics() {
		return this.metrics;
	}

	int weight() {
		return this.weight;
	}

	int maxConcurrent() {
		return this.maxConcurrent;
	}

	/** Its limit of the moment: its {@code max-concurrent}, or below it when adaptive. */
	int limit() {
		return this.limiter.limit();
	}

	int inFlight() {
		return this.limiter.inFlight();
	}

	/** Whether it is below its limit of calls in flight. */
	boolean hasRoom() {
		return this.limiter.inFlight() < this.limiter.limit();
	}

	ServerPacing pacing() {
		return this.pacing;
	}

	EndpointBudgets budgets() {
		return this.budgets;
	}

	long recentLatencyNanos() {
		return this.latency.mean();
	}

	Cooldown cooldown() {
		return this.cooldown;
	}

	/** The URL as logs and health show it. */
	String displayUrl() {
		return this.settings.displayEndpoint();
	}

	/**
	 * Takes a place below its limit and, from its budgets, a request and the call's
	 * tokens, all now or none.
	 * @param tokens the call's token estimate
	 */
	boolean tryTake(long tokens) {
		ConcurrencyLimiter.Permit taken;
		try {
			taken = this.limiter.tryAcquire(Duration.ZERO);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
		if (taken == null) {
			return false;
		}
		this.permit = taken;
		if (!this.budgets.tryTake(tokens)) {
			taken.release();
			return false;
		}
		return true;
	}

	/** Gives back what {@link #tryTake} took for an attempt that does not go out. */
	void untake(long tokens) {
		AttemptBudgets taken = this.budgets.taken(tokens);
		if (taken != null) {
			taken.giveBack();
		}
		release();
	}

	/** Frees the attempt's place. */
	void release() {
		this.permit.release();
	}

	/**
	 * Tells its limiter how an attempt ended, so that an adaptive limit learns from the
	 * attempts of this endpoint alone.
	 */
	void attemptEnded(long nanos, ConcurrencyLimiter.Signal signal) {
		this.permit.attemptEnded(System.nanoTime() - nanos, nanos, signal);
	}

	/**
	 * Records a successful attempt: its latency always, its outcome as
	 * {@link Cooldown#succeeded} says.
	 * @param entered the epoch of the cooldown the attempt entered
	 * @param nanos how long the attempt took
	 */
	void succeeded(long entered, long nanos) {
		this.latency.record(nanos);
		this.cooldown.succeeded(entered);
	}

	/**
	 * Records a failed attempt: as the latest error always, its outcome as
	 * {@link Cooldown#failed} says.
	 * @param entered the epoch of the cooldown the attempt entered
	 * @return whether the endpoint started cooling down now
	 */
	boolean failed(long entered, LlmClientException failure, boolean coolAtOnce, Duration serverWait) {
		this.lastAttemptError = LlmClientHealth.LastError.of(failure);
		return this.cooldown.failed(entered, coolAtOnce, serverWait);
	}

	/**
	 * Records a 429 that the endpoint's adaptive limit answers, or after which the
	 * server's pacing holds the endpoint back: the latest error, but no outcome of its
	 * cooldown (the server is at its limit, not failing); a half-open trial is given back
	 * for another attempt.
	 * @param entered the epoch of the cooldown the attempt entered
	 */
	void paced(long entered, LlmClientException failure) {
		this.lastAttemptError = LlmClientHealth.LastError.of(failure);
		this.cooldown.abandoned(entered);
	}

	LlmClientHealth.LastError lastAttemptError() {
		return this.lastAttemptError;
	}

	@Override
	public String toString() {
		return "endpoints[" + this.index + "] " + displayUrl();
	}

}
