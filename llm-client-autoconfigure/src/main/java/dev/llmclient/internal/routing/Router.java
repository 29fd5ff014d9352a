package dev.llmclient.internal.routing;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.llmclient.LlmClientException;
import dev.llmclient.LlmClientHealth;
import dev.llmclient.LlmClientSettings;
import dev.llmclient.LlmEndpointsUnavailableException;
import dev.llmclient.LlmHttpException;
import dev.llmclient.LlmTimeoutException;
import dev.llmclient.traffic.ConcurrencyLimiter;
import dev.llmclient.internal.call.Admission;
import dev.llmclient.internal.call.Call;
import dev.llmclient.internal.call.Route;

/**
 * Sends each attempt of a call to one of several endpoints: those cooling down, running
 * their half-open trial, at their own limit of calls in flight, paced by their server
 * (its {@code x-ratelimit-*} headers or {@code Retry-After} say to wait before this
 * call), or whose own budget has no room now are skipped without waiting, as is the one
 * the call's previous attempt just failed on while another can take it; the
 * {@link RoutingStrategy} picks among the rest. When none can take the attempt, it waits
 * for the first to come back, within {@code max-wait} and the call's deadline, then fails
 * with an {@link LlmEndpointsUnavailableException} listing why each endpoint was skipped.
 * Each attempt's outcome is reported back, which decides the endpoint's {@link Cooldown}
 * and feeds its own adaptive limit.
 * <p>
 * An attempt is known by its <em>lease</em>, a {@code long} that {@link #acquire} returns
 * and the outcome hands back: the endpoint's index in its low {@value #INDEX_BITS} bits,
 * above them the epoch of the endpoint's cooldown the attempt entered, so that the answer
 * of an attempt sent before the endpoint's state changed is told apart from the half-open
 * trial's. A primitive, so routing allocates nothing per attempt.
 */
public final class Router {

	private static final Log logger = LogFactory.getLog(Router.class);

	private static final int INDEX_BITS = 16;

	private static final long INDEX_MASK = (1L << INDEX_BITS) - 1;

	/** What {@link #tryAcquire} returns when no endpoint takes the attempt. */
	static final long NONE = -1;

	private final RoutedEndpoint[] endpoints;

	/** The same endpoints, as a list handed out without copying. */
	private final List<RoutedEndpoint> endpointList;

	private final RoutingStrategy strategy;

	private final LlmClientSettings settings;

	private final EndpointWaiters waiters = new EndpointWaiters();

	public Router(LlmClientSettings settings, List<RoutedEndpoint> endpoints) {
		this.settings = settings;
		this.endpoints = endpoints.toArray(RoutedEndpoint[]::new);
		if (this.endpoints.length > INDEX_MASK + 1) {
			throw new IllegalArgumentException("At most " + (INDEX_MASK + 1) + " endpoints can be routed");
		}
		this.endpointList = List.of(this.endpoints);
		this.strategy = RoutingStrategy.of(settings.routing(), this.endpoints);
	}

	List<RoutedEndpoint> endpoints() {
		return this.endpointList;
	}

	/**
	 * Picks the endpoint of the call's next attempt and points the call at it; the caller
	 * must report the attempt's end with {@link #succeeded}, {@link #failed},
	 * {@link #abandoned} or {@link #cancelled}, handing back the lease.
	 * @return the attempt's lease
	 * @throws LlmEndpointsUnavailableException when none can take it in time
	 */
	long acquire(Call call) {
		RoutedEndpoint previous = endpointOf(call.route());
		long tokens = call.tokenEstimate();
		int pinned = call.pinnedEndpoint();
		long lease = tryAcquire(previous, tokens, pinned);
		if (lease == NONE) {
			lease = awaitEndpoint(call, previous, tokens, pinned);
		}
		RoutedEndpoint chosen = endpoint(lease);
		try {
			call.routeTo(chosen.route(), chosen.settings().model());
		}
		catch (RuntimeException ex) {
			giveBack(lease, tokens);
			throw ex;
		}
		call.charged(chosen.budgets().taken(tokens));
		return lease;
	}

	/**
	 * Waits until an endpoint takes the attempt, for at most {@code max-wait} and the
	 * call's deadline.
	 * @throws LlmEndpointsUnavailableException when none took it in time
	 */
	private long awaitEndpoint(Call call, RoutedEndpoint previous, long tokens, int pinned) {
		long start = System.nanoTime();
		long waitNanos = call.deadline().cap(this.settings.limits().maxWait()).toNanos();
		// with an adaptive limit, a call waiting here is not in flight at the server
		call.waitingOutsideAdmission();
		long lease = this.waiters.await(waitNanos, () -> tryAcquire(previous, tokens, pinned),
				() -> nanosUntilOneOpens(tokens));
		if (lease == NONE) {
			throw unavailable(Duration.ofNanos(waitNanos), tokens);
		}
		try {
			call.resumeAfterWaiting(Duration.ofNanos(Math.max(0, waitNanos - (System.nanoTime() - start))));
		}
		catch (RuntimeException ex) {
			giveBack(lease, tokens);
			throw ex;
		}
		return lease;
	}

	/**
	 * Takes an endpoint for the attempt: another than {@code previous} when one may take
	 * it, else {@code previous}; only endpoint {@code pinned} when it is not -1.
	 */
	private long tryAcquire(RoutedEndpoint previous, long tokens, int pinned) {
		RoutedEndpoint[] candidates = new RoutedEndpoint[this.endpoints.length];
		int count = 0;
		for (RoutedEndpoint endpoint : this.endpoints) {
			boolean eligible = (pinned < 0) ? endpoint != previous : endpoint.index() == pinned;
			if (eligible && mayTake(endpoint, tokens)) {
				candidates[endpoint.index()] = endpoint;
				count++;
			}
		}
		if (pinned < 0 && count == 0 && previous != null && mayTake(previous, tokens)) {
			candidates[previous.index()] = previous;
			count = 1;
		}
		while (count > 0) {
			RoutedEndpoint chosen = this.strategy.choose(candidates);
			if (chosen.tryTake(tokens)) {
				long entered = chosen.cooldown().tryEnter();
				if (entered != Cooldown.CLOSED) {
					return (entered << INDEX_BITS) | chosen.index();
				}
				// a call waiting meanwhile may have seen this endpoint full
				chosen.untake(tokens);
				this.waiters.attemptEnded();
			}
			candidates[chosen.index()] = null;
			count--;
		}
		return NONE;
	}

	/**
	 * Whether the endpoint may take an attempt needing {@code tokens} now: below its
	 * limit, not cooling down, not paced by its server, with room in its budgets.
	 */
	private static boolean mayTake(RoutedEndpoint endpoint, long tokens) {
		return endpoint.hasRoom() && endpoint.cooldown().isOpen() && endpoint.pacing().waitNanos(tokens) <= 0
				&& (endpoint.budgets().isNone() || endpoint.budgets().nanosUntilRoom(tokens) == 0);
	}

	/**
	 * Nanoseconds until an endpoint below its limit may take an attempt needing
	 * {@code tokens}, as far as its cooldown, its server's pacing and its budgets go: 0
	 * when one may take it now, {@code Long.MAX_VALUE} when only the end of an attempt
	 * can change that (each endpoint at its limit or running its trial).
	 */
	private long nanosUntilOneOpens(long tokens) {
		long soonest = Long.MAX_VALUE;
		for (RoutedEndpoint endpoint : this.endpoints) {
			if (endpoint.hasRoom()) {
				long opens = Math.max(endpoint.cooldown().nanosUntilOpen(),
						Math.max(endpoint.pacing().waitNanos(tokens), endpoint.budgets().nanosUntilRoom(tokens)));
				soonest = Math.min(soonest, opens);
			}
		}
		return soonest;
	}

	/**
	 * Whether the call's failed attempt moves to another endpoint at once, without the
	 * backoff a retry of the same endpoint waits: when the failure is one the next
	 * endpoint may not share (no connection, a timeout, 5xx, 429, refused credentials;
	 * for a stream only before its first chunk) and another endpoint can take it now.
	 * Counted as a failover of the endpoint that failed.
	 */
	boolean failsOver(Call call, LlmClientException failure) {
		if (call.pinnedEndpoint() >= 0 || !movesOn(call, failure)) {
			return false;
		}
		RoutedEndpoint failed = endpointOf(call.route());
		if (failed == null) {
			return false;
		}
		long tokens = call.tokenEstimate();
		for (RoutedEndpoint endpoint : this.endpoints) {
			if (endpoint != failed && mayTake(endpoint, tokens)) {
				failed.metrics().failover();
				return true;
			}
		}
		return false;
	}

	private static boolean movesOn(Call call, LlmClientException failure) {
		return failure.isRetryable() || failure.origin() == LlmClientException.Origin.CONFIGURATION || (!call.isStream()
				&& failure instanceof LlmTimeoutException timeout && timeout.kind() == LlmTimeoutException.Kind.READ);
	}

	/**
	 * Reports a successful attempt: the half-open trial's success makes its endpoint
	 * active again; the late answer of an attempt sent before the endpoint's state
	 * changed only counts towards its latency.
	 * @param lease what {@link #acquire} returned
	 * @param nanos how long the attempt took
	 */
	void succeeded(long lease, long nanos) {
		RoutedEndpoint endpoint = endpoint(lease);
		endpoint.attemptEnded(nanos, ConcurrencyLimiter.Signal.SUCCESS);
		endpoint.succeeded(epoch(lease), nanos);
		release(endpoint);
	}

	/**
	 * Reports a failed attempt to the endpoint's own limit and to its cooldown. A 429
	 * that the endpoint's adaptive limit answers (by lowering itself), or after which the
	 * endpoint's pacing holds it back (its {@code Retry-After} or {@code x-ratelimit-*}
	 * headers), says the server is at its limit, not failing: the limit or the pacing
	 * keeps attempts off the endpoint, and the cooldown does not count it. Else the
	 * server's trouble (no connection, timeouts, 5xx, 408, 429) counts towards cooling
	 * the endpoint down; refused credentials, or a 429 asking a wait longer than
	 * {@code retry.max-retry-after} (which pacing does not honour), cool it down at once;
	 * a request the server refused (other 4xx) proves the endpoint answers; a failure of
	 * the client's own says nothing. Only the trial decides a half-open endpoint; the
	 * late answer of an attempt sent before the endpoint's state changed is not counted.
	 * @param lease what {@link #acquire} returned
	 * @param nanos how long the attempt took
	 * @param failure how the attempt failed
	 */
	void failed(long lease, long nanos, LlmClientException failure) {
		RoutedEndpoint endpoint = endpoint(lease);
		long entered = epoch(lease);
		try {
			endpoint.attemptEnded(nanos, Admission.signal(failure));
			LlmHttpException http = (failure instanceof LlmHttpException ex) ? ex : null;
			boolean credentials = failure.origin() == LlmClientException.Origin.CONFIGURATION;
			boolean rateLimited = http != null && http.statusCode() == 429;
			if (rateLimited && (endpoint.settings().adaptive().enabled() || endpoint.pacing().waitNanos(1) > 0)) {
				endpoint.paced(entered, failure);
			}
			else if (credentials || rateLimited
					|| (failure.origin() == LlmClientException.Origin.SERVER
							&& !(failure instanceof LlmTimeoutException timeout
									&& timeout.kind() == LlmTimeoutException.Kind.CALL_DEADLINE))) {
				Duration serverWait = (http != null) ? http.retryAfter() : null;
				if (endpoint.failed(entered, failure, credentials || (rateLimited && serverWait != null), serverWait)) {
					cooledDown(endpoint, failure, credentials);
				}
			}
			else if (failure.origin() == LlmClientException.Origin.REQUEST) {
				endpoint.cooldown().succeeded(entered);
			}
			else {
				endpoint.cooldown().abandoned(entered);
			}
		}
		finally {
			release(endpoint);
		}
	}

	/**
	 * Reports an attempt that ended in a way that says nothing about the endpoint (a
	 * failure of the client's own): a half-open trial is given back for another attempt.
	 * @param lease what {@link #acquire} returned
	 */
	void abandoned(long lease) {
		RoutedEndpoint endpoint = endpoint(lease);
		endpoint.cooldown().abandoned(epoch(lease));
		release(endpoint);
	}

	/**
	 * Reports an attempt its caller cancelled (the call's future cancelled, its batch's
	 * deadline, the client closed), however it failed then: it frees its place and says
	 * nothing about the endpoint, and a cancelled half-open trial is given back for
	 * another attempt.
	 * @param lease what {@link #acquire} returned
	 */
	void cancelled(long lease) {
		abandoned(lease);
	}

	/**
	 * Gives back what an attempt took that does not go out: its place, its budgets, and
	 * the half-open trial when it was that.
	 */
	private void giveBack(long lease, long tokens) {
		RoutedEndpoint endpoint = endpoint(lease);
		endpoint.cooldown().abandoned(epoch(lease));
		endpoint.untake(tokens);
		this.waiters.attemptEnded();
	}

	private void cooledDown(RoutedEndpoint endpoint, LlmClientException failure, boolean credentials) {
		endpoint.metrics().cooldown();
		Duration remaining = Duration.ofMillis(TimeUnit.NANOSECONDS.toMillis(endpoint.cooldown().remainingNanos()));
		if (credentials) {
			logger.warn("LLM endpoint " + endpoint.displayUrl() + " refused the client's credentials ("
					+ failure.errorType() + "): no calls go there for " + remaining + ". Check "
					+ this.settings.property("endpoints[" + endpoint.index() + "].api-key") + " (or "
					+ this.settings.property("api-key") + " when it sets none).");
		}
		else if (logger.isInfoEnabled()) {
			logger.info("LLM endpoint " + endpoint.displayUrl() + " cooling down for " + remaining + " after "
					+ failure.errorType() + "; calls go to the other endpoints meanwhile.");
		}
	}

	/** Frees the attempt's place, waking the calls waiting for one. */
	private void release(RoutedEndpoint endpoint) {
		endpoint.release();
		this.waiters.attemptEnded();
	}

	private RoutedEndpoint endpoint(long lease) {
		return this.endpoints[(int) (lease & INDEX_MASK)];
	}

	private static long epoch(long lease) {
		return lease >>> INDEX_BITS;
	}

	private RoutedEndpoint endpointOf(Route route) {
		for (RoutedEndpoint endpoint : this.endpoints) {
			if (endpoint.route() == route) {
				return endpoint;
			}
		}
		return null;
	}

	/**
	 * Each endpoint's state, in the order configured, as it stands for an attempt needing
	 * {@code tokens}.
	 */
	List<LlmEndpointsUnavailableException.EndpointState> states(long tokens) {
		List<LlmEndpointsUnavailableException.EndpointState> states = new ArrayList<>(this.endpoints.length);
		Instant now = Instant.now();
		for (RoutedEndpoint endpoint : this.endpoints) {
			Cooldown.State state = endpoint.cooldown().state();
			long remaining = endpoint.cooldown().remainingNanos();
			long paced = endpoint.pacing().waitNanos(tokens);
			LlmClientHealth.LastError lastError = endpoint.lastAttemptError();
			states.add(new LlmEndpointsUnavailableException.EndpointState(endpoint.displayUrl(), state.label(),
					(state == Cooldown.State.COOLING_DOWN) ? now.plusNanos(remaining) : null, endpoint.inFlight(),
					endpoint.limit(), (lastError != null) ? lastError.message() : null,
					(paced > 0) ? now.plusNanos(paced) : null, endpoint.budgets().shortage(tokens)));
		}
		return states;
	}

	private LlmEndpointsUnavailableException unavailable(Duration waited, long tokens) {
		return new LlmEndpointsUnavailableException(states(tokens), waited, this.settings.property("max-wait"));
	}

}
