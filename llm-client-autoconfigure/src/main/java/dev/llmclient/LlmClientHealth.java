package dev.llmclient;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A snapshot of the client's health: the same facts the Actuator indicator
 * {@code llmClient} shows.
 *
 * @param up whether the client is healthy (see the guide for the rule)
 * @param reason why the client is down, or {@code null} when it is up
 * @param endpoint the endpoint, without user-info or query
 * @param model the default model, or {@code null}
 * @param pool the connection pool
 * @param bulkhead the client-wide concurrency limit
 * @param latency the capped window of the latest call latencies
 * @param calls call counts since the client was created
 * @param lastError the latest failure, or {@code null} when no call has failed
 * @param rateLimit the budgets left and whether the server has paused the client
 * @param endpoints one entry per endpoint of a client with several, each with the same
 * facts for that endpoint and its routing state; empty for a client of one endpoint
 * @since 0.1.0
 */
public record LlmClientHealth(boolean up, String reason, String endpoint, String model, Pool pool, Bulkhead bulkhead,
		Latency latency, Calls calls, LastError lastError, RateLimit rateLimit, List<EndpointHealth> endpoints) {

	/**
	 * Keeps the list of endpoints unmodifiable.
	 */
	public LlmClientHealth {
		endpoints = (endpoints != null) ? List.copyOf(endpoints) : List.of();
	}

	/**
	 * One endpoint of a client with several: its health, as for a client of its own (its
	 * {@code bulkhead} being its own {@code max-concurrent}), and whether routing sends
	 * it calls.
	 *
	 * @param state {@code active}, {@code cooling-down} (no calls until
	 * {@code coolingDownUntil}) or {@code half-open} (one trial call decides)
	 * @param coolingDownUntil when cooling down ends, or {@code null} when not cooling
	 * down
	 * @param health the endpoint's health; DOWN while cooling down
	 * @since 0.1.0
	 */
	public record EndpointHealth(String state, Instant coolingDownUntil, LlmClientHealth health) {
	}

	/**
	 * The connection pool.
	 *
	 * @param available idle connections ready for reuse
	 * @param leased connections carrying a call
	 * @param pending calls waiting for a connection
	 * @param max the most connections the pool opens
	 */
	public record Pool(int available, int leased, int pending, int max) {
	}

	/**
	 * The client-wide concurrency limit.
	 *
	 * @param maxConcurrent calls allowed in flight at once, at most
	 * ({@code max-concurrent})
	 * @param limit calls allowed in flight now: {@code maxConcurrent}, or less while the
	 * adaptive limit has found the server takes fewer
	 * @param inFlight calls in flight now
	 * @param waiting calls waiting for a permit
	 * @param byClass the same by request class, keyed {@code interactive} and
	 * {@code batch}; empty where calls are not told apart (an endpoint's own limit)
	 */
	public record Bulkhead(int maxConcurrent, int limit, int inFlight, int waiting, Map<String, ClassShare> byClass) {

		/**
		 * Creates the state of a limit whose calls are not told apart by class.
		 * @param maxConcurrent calls allowed in flight at once, at most
		 * @param limit calls allowed in flight now
		 * @param inFlight calls in flight now
		 * @param waiting calls waiting for a permit
		 */
		public Bulkhead(int maxConcurrent, int limit, int inFlight, int waiting) {
			this(maxConcurrent, limit, inFlight, waiting, Map.of());
		}

		/**
		 * Copies the map.
		 */
		public Bulkhead {
			byClass = (byClass != null) ? Collections.unmodifiableMap(new LinkedHashMap<>(byClass)) : Map.of();
		}

	}

	/**
	 * One request class's part of the client-wide limit.
	 *
	 * @param inFlight calls of the class in flight now
	 * @param waiting calls of the class waiting for a permit
	 * @param share the fraction (0 to 1) of the current limit the class may hold now: its
	 * {@code batch-share} or {@code interactive-share} while the other class waits, else
	 * 1
	 * @since 0.1.0
	 */
	public record ClassShare(int inFlight, int waiting, double share) {
	}

	/**
	 * The budgets of requests and tokens, and the server's own pacing.
	 *
	 * @param requestsRemaining requests that could start now without waiting, or
	 * {@code null} without a request budget
	 * @param tokensRemaining tokens that could be reserved now without waiting, or
	 * {@code null} without a token budget
	 * @param pausedByServer whether new calls wait because the server said its rate limit
	 * is spent ({@code Retry-After} on a 429, or {@code x-ratelimit-remaining-*} at zero)
	 * @param pauseRemainingMs how much longer that pause lasts, in milliseconds; 0 when
	 * not paused
	 * @param costPerDayRemaining what is left to spend this UTC day, in the currency of
	 * {@code pricing.currency}, or {@code null} without {@code budget.cost-per-day}
	 * @param costPerHourRemaining what is left to spend this hour, or {@code null}
	 * without {@code budget.cost-per-hour}
	 */
	public record RateLimit(Long requestsRemaining, Long tokensRemaining, boolean pausedByServer, long pauseRemainingMs,
			BigDecimal costPerDayRemaining, BigDecimal costPerHourRemaining) {

		/**
		 * Creates the budgets' state without spend budgets.
		 * @param requestsRemaining requests that could start now, or {@code null}
		 * @param tokensRemaining tokens that could be reserved now, or {@code null}
		 * @param pausedByServer whether the server paused new calls
		 * @param pauseRemainingMs how much longer the pause lasts
		 */
		public RateLimit(Long requestsRemaining, Long tokensRemaining, boolean pausedByServer, long pauseRemainingMs) {
			this(requestsRemaining, tokensRemaining, pausedByServer, pauseRemainingMs, null, null);
		}

	}

	/**
	 * The latest call latencies, by count.
	 *
	 * @param count latencies held, at most {@code capacity}
	 * @param capacity {@code max-latency-records}
	 * @param p50Ms median in milliseconds
	 * @param p95Ms 95th percentile in milliseconds
	 * @param p99Ms 99th percentile in milliseconds
	 * @param maxMs largest in milliseconds
	 */
	public record Latency(int count, int capacity, double p50Ms, double p95Ms, double p99Ms, double maxMs) {
	}

	/**
	 * Call counts since the client was created.
	 *
	 * @param total calls that ended
	 * @param succeeded calls that returned an answer
	 * @param failed calls that ended with an exception, refused by the client's own
	 * limits or failed by the server
	 * @param cancelled calls their caller ended: a cancelled future, a batch deadline, a
	 * stream its consumer stopped, {@code close()}; never counted as failed
	 */
	public record Calls(long total, long succeeded, long failed, long cancelled) {

		/**
		 * Counts without cancelled calls.
		 * @param total calls that ended
		 * @param succeeded calls that returned an answer
		 * @param failed calls that ended with an exception
		 */
		public Calls(long total, long succeeded, long failed) {
			this(total, succeeded, failed, 0);
		}

	}

	/**
	 * The latest failure.
	 *
	 * @param type the failure's {@link LlmClientException#errorType()}, as the metrics'
	 * {@code error.type} tag and problem details name it ({@code 401}, {@code timeout},
	 * {@code io})
	 * @param exception the exception's simple class name, such as
	 * {@code LlmHttpException}
	 * @param message its message (never holds the API key)
	 * @param at when it happened
	 */
	public record LastError(String type, String exception, String message, Instant at) {

		/**
		 * Describes a failure that happened now.
		 * @param failure the failure
		 * @return its description
		 */
		public static LastError of(LlmClientException failure) {
			return new LastError(failure.errorType(), failure.getClass().getSimpleName(), failure.getMessage(),
					Instant.now());
		}

	}

}
