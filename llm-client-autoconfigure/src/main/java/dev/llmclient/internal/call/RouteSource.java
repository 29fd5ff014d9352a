package dev.llmclient.internal.call;

import dev.llmclient.LlmClientException;
import dev.llmclient.LlmClientHealth;

/**
 * The endpoints a client sends to, behind one interface whether there is one
 * ({@link dev.llmclient.internal.routing.SingleRoute}) or several
 * ({@link dev.llmclient.internal.routing.RoutedEndpoints}): picks the route of each
 * attempt and hears how it ended, and answers for the endpoints' health, warm-up and
 * closing.
 */
public interface RouteSource {

	/** The route a call starts on, and is recorded on until an attempt is routed. */
	Route initial();

	/**
	 * Picks the route of the call's next attempt and points the call at it; the caller
	 * reports the attempt's end with exactly one of {@link #succeeded}, {@link #failed},
	 * {@link #abandoned} or {@link #cancelled}, handing back the lease.
	 * @return the attempt's lease: which endpoint it took, and in which of its states
	 * @throws dev.llmclient.LlmEndpointsUnavailableException when no endpoint can take
	 * the attempt in time
	 */
	long acquire(Call call);

	void succeeded(long lease, long nanos);

	/**
	 * The attempt failed, for a reason the endpoint may or may not be the cause of.
	 * @param lease what {@link #acquire} returned
	 * @param nanos how long the attempt took
	 * @param failure how it failed
	 */
	void failed(long lease, long nanos, LlmClientException failure);

	/** The attempt ended in a way that says nothing about the endpoint. */
	void abandoned(long lease);

	/** The attempt's caller ended it: it says nothing about the endpoint. */
	void cancelled(long lease);

	/**
	 * Whether the call's failed attempt moves to another endpoint at once, without the
	 * backoff a retry of the same endpoint waits.
	 */
	boolean failsOver(Call call, LlmClientException failure);

	/**
	 * The client's health, with the endpoints' states.
	 * @param bulkhead the client-wide limit's state
	 * @param rateLimit the budgets' and the server pause's state
	 */
	LlmClientHealth health(LlmClientHealth.Bulkhead bulkhead, LlmClientHealth.RateLimit rateLimit);

	/**
	 * Opens the warm-up connections (see
	 * {@link dev.llmclient.internal.routing.ConnectionWarmer}) and runs the code path
	 * once.
	 * @throws dev.llmclient.LlmConnectionException when no endpoint can be reached and
	 * {@code warm-up.fail-fast} is set
	 */
	void warmUp(Runnable codePath);

	/** Closes the endpoints' connection pools and meters. */
	void close();

}
