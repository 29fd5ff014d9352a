package dev.llmclient;

import java.time.Instant;

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
 * @since 0.1.0
 */
public record LlmClientHealth(boolean up, String reason, String endpoint, String model, Pool pool, Bulkhead bulkhead,
		Latency latency, Calls calls, LastError lastError, RateLimit rateLimit) {

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
	 */
	public record Bulkhead(int maxConcurrent, int limit, int inFlight, int waiting) {
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
	 */
	public record RateLimit(Long requestsRemaining, Long tokensRemaining, boolean pausedByServer,
			long pauseRemainingMs) {
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
	 * @param failed calls that ended with an exception
	 */
	public record Calls(long total, long succeeded, long failed) {
	}

	/**
	 * The latest failure.
	 *
	 * @param type the exception's simple class name
	 * @param message its message (never holds the API key)
	 * @param at when it happened
	 */
	public record LastError(String type, String message, Instant at) {
	}

}
