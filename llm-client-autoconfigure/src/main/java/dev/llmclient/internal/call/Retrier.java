package dev.llmclient.internal.call;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

import dev.llmclient.LlmBulkheadFullException;
import dev.llmclient.LlmClientException;
import dev.llmclient.LlmClientSettings;
import dev.llmclient.LlmHttpException;
import dev.llmclient.RetrySettings;
import dev.llmclient.internal.recording.CallMetrics;
import dev.llmclient.internal.recording.CallObservations;

/**
 * Runs the attempts of one call. Retries what the failure itself says may be retried
 * ({@link LlmClientException#isRetryable()}: connection failures, connect timeouts, 408,
 * 409, 429 and 5xx, whatever the server marks {@code x-should-retry: true}, and a stream
 * cut before any chunk reached the consumer), counting each retry under the failure's
 * {@link LlmClientException#errorType()}, with exponential backoff and jitter; a server's
 * {@code Retry-After} replaces the computed wait, but only while it fits
 * {@code max-retry-after} and the call's deadline: otherwise the call fails at once,
 * saying why. Every request sent counts as an attempt, also one the server never answered
 * on a pooled connection: a POST may have reached the server, so the server never
 * receives more than {@code max-attempts} requests for one call (pooled connections the
 * server closed while idle are found before reuse, see
 * {@link dev.llmclient.internal.http.HttpTransport}). A call whose caller gave up (its
 * thread interrupted, or its async future cancelled) is not retried, nor is a call that
 * closing the client cut off: a wait before a retry ends as soon as the cut-off comes.
 * <p>
 * With several endpoints, a failure another endpoint may not share (see
 * {@link RouteSource#failsOver}) moves the next attempt to another endpoint at once,
 * without backoff: a failover is an attempt like any other, within {@code max-attempts}
 * and the deadline, and counts as a retry.
 * <p>
 * A 429 is waited out without spending an attempt: the server refused the request before
 * working on it. With {@code Retry-After} the call waits what the server asked (never
 * past {@code max-retry-after} nor its deadline); a bare 429, as vLLM, llama.cpp or a
 * gateway's slot limit sends it, says nothing of when, and the call backs off as for a
 * retry, the backoff growing with each refusal. Then it goes again; a call whose limit is
 * adaptive gives its permit back meanwhile, so the others go on at the limit the refusal
 * lowered. Waiting what the server asked is the polite rule, and costs little: with the
 * adaptive limit such refusals are rare, and with a fixed limit the whole client waits
 * anyway (see {@link dev.llmclient.internal.limits.ServerPacing}). So that a call cannot
 * go round forever, these waits count against {@code max-wait}, each as at least one
 * second (the unit of {@code Retry-After}): once they would pass it, a refusal spends an
 * attempt as any other failure does. A fixed limit set too high thus loses no item,
 * whether the server says when to come back or not. A 429 saying the account's quota is
 * spent is not retried at all (see {@link LlmHttpException#isRetryable()}).
 * <p>
 * A batch call refused because the service tier the client added has no capacity now (see
 * {@link dev.llmclient.internal.wire.TierCapacity}) goes again at once on the default
 * tier when {@code batch.service-tier-fallback} is on, once per call, whether retries are
 * on or not: it spends no attempt, since the provider did no work and the request it
 * refused is not the one sent next; it counts as a retry under
 * {@value #SERVICE_TIER_FALLBACK}.
 * <p>
 * Spring Framework 7's {@code RetryTemplate} was considered: its back-off cannot see the
 * failure, so it cannot honour {@code Retry-After}, nor give up early when the wait would
 * pass the deadline.
 */
public final class Retrier {

	/**
	 * The reason a call's move to the default tier is counted and observed under, as a
	 * retry.
	 */
	static final String SERVICE_TIER_FALLBACK = "service_tier_fallback";

	/** The least a waited-out refusal counts against {@code max-wait}. */
	private static final Duration ONE_SECOND = Duration.ofSeconds(1);

	private final RetrySettings settings;

	private final CallMetrics metrics;

	/** How messages name settings, such as {@code llm.client.timeout}. */
	private final LlmClientSettings names;

	private final CallGate gate;

	/**
	 * How long a call that gave its permit back for a backoff waits for one again, and
	 * how long in all it may wait out refusals without spending attempts.
	 */
	private final Duration maxWait;

	/** How much longer the server has paused the whole client; zero when it has not. */
	private final Supplier<Duration> serverPause;

	/** Runs each attempt, on the endpoint its route source picks. */
	private final Attempts attempts;

	public Retrier(LlmClientSettings settings, CallMetrics metrics, CallGate gate, Supplier<Duration> serverPause,
			Attempts attempts) {
		this.settings = settings.retry();
		this.metrics = metrics;
		this.names = settings;
		this.gate = gate;
		this.maxWait = settings.limits().maxWait();
		this.serverPause = serverPause;
		this.attempts = attempts;
	}

	/**
	 * Runs the attempts; a call cut off by closing fails with its last failure, which the
	 * caller turns into the closed-client error.
	 */
	<T> T call(Call call, Operation<T> operation) {
		int attempts = 0;
		Duration refusalsWaited = Duration.ZERO;
		int refusals = 0;
		while (true) {
			try {
				return this.attempts.run(call, operation);
			}
			catch (LlmClientException failure) {
				if (call.isCancelled() || Thread.currentThread().isInterrupted() || this.gate.isCutOff()) {
					throw failure; // nobody waits for a retry's answer
				}
				if (call.fallBackToDefaultTier(failure)) {
					CallObservations.retry(call.observation(), SERVICE_TIER_FALLBACK, Duration.ZERO);
					this.metrics.retry(call.operation(), SERVICE_TIER_FALLBACK);
					call.ticket().retrying();
					continue;
				}
				attempts++;
				if (!this.settings.enabled()) {
					throw failure;
				}
				boolean spent = attempts >= this.settings.maxAttempts();
				if (!spent && this.attempts.routes().failsOver(call, failure)) {
					CallObservations.retry(call.observation(), failure.errorType(), Duration.ZERO);
					this.metrics.retry(call.operation(), failure.errorType());
					call.ticket().retrying();
					continue;
				}
				Duration delay;
				Duration refusal = refusalWait(failure, call.deadline(), refusals + 1, refusalsWaited);
				if (refusal != null) {
					attempts--;
					refusals++;
					delay = refusal;
					refusalsWaited = refusalsWaited.plus(max(delay, ONE_SECOND));
				}
				else if (spent || !failure.isRetryable()) {
					throw failure;
				}
				else {
					delay = withServerPause(delayBeforeRetry(failure, attempts, call.deadline()), call.deadline());
				}
				CallObservations.retry(call.observation(), failure.errorType(), delay);
				call.ticket().backingOff();
				waitBeforeRetry(delay, failure);
				resume(call, failure);
				this.metrics.retry(call.operation(), failure.errorType());
				call.ticket().retrying();
			}
		}
	}

	/**
	 * Takes the permit back after a backoff; when none comes in time, the call fails with
	 * the failure it was retrying, the full bulkhead added as suppressed.
	 */
	private void resume(Call call, LlmClientException failure) {
		try {
			call.ticket().resume(call.deadline().cap(this.maxWait));
		}
		catch (LlmBulkheadFullException ex) {
			failure.addSuppressed(ex);
			throw failure;
		}
	}

	/**
	 * The wait of a 429 that the call waits out without spending an attempt: what its
	 * {@code Retry-After} asks or, for a bare 429, the backoff of retry number
	 * {@code refusal}, either lengthened to the end of a pause of the whole client; or
	 * {@code null} when it must spend one: when the wait would pass
	 * {@code max-retry-after}, the deadline, or {@code max-wait} counting the refusals
	 * already waited out.
	 */
	private Duration refusalWait(LlmClientException failure, Deadline deadline, int refusal, Duration waited) {
		if (!(failure instanceof LlmHttpException http) || http.statusCode() != 429 || !failure.isRetryable()) {
			return null;
		}
		Duration asked = (http.retryAfter() != null) ? http.retryAfter() : backoff(refusal);
		if (asked.compareTo(this.settings.maxRetryAfter()) > 0 || asked.compareTo(deadline.remaining()) >= 0) {
			return null;
		}
		Duration wait = withServerPause(asked, deadline);
		return (waited.plus(max(wait, ONE_SECOND)).compareTo(this.maxWait) <= 0) ? wait : null;
	}

	private static Duration max(Duration a, Duration b) {
		return (a.compareTo(b) >= 0) ? a : b;
	}

	private Duration delayBeforeRetry(LlmClientException failure, int attempts, Deadline deadline) {
		Duration serverWait = (failure instanceof LlmHttpException http) ? http.retryAfter() : null;
		if (serverWait != null) {
			if (serverWait.compareTo(this.settings.maxRetryAfter()) > 0) {
				throw ((LlmHttpException) failure)
					.withNote("not retried: the server asked to wait " + serverWait + " (Retry-After), longer than "
							+ this.names.property("retry.max-retry-after") + "=" + this.settings.maxRetryAfter());
			}
			if (serverWait.compareTo(deadline.remaining()) >= 0) {
				throw ((LlmHttpException) failure)
					.withNote("not retried: the server asked to wait " + serverWait + " (Retry-After), past the call's "
							+ this.names.property("timeout") + " deadline (" + deadline.remaining() + " left)");
			}
			return serverWait;
		}
		Duration backoff = backoff(attempts);
		if (backoff.compareTo(deadline.remaining()) >= 0) {
			throw (failure instanceof LlmHttpException http)
					? http.withNote("not retried: the next attempt would start after the "
							+ this.names.property("timeout") + " deadline")
					: failure;
		}
		return backoff;
	}

	/**
	 * Lengthens the wait to the end of a pause the server asked of the whole client (a
	 * 429 with {@code Retry-After} to another call), when that fits the deadline and
	 * {@code max-retry-after}; a retry sent during the pause would only be refused.
	 */
	private Duration withServerPause(Duration delay, Deadline deadline) {
		Duration pause = this.serverPause.get();
		if (pause.compareTo(delay) > 0 && pause.compareTo(deadline.remaining()) < 0
				&& pause.compareTo(this.settings.maxRetryAfter()) <= 0) {
			return pause;
		}
		return delay;
	}

	/** Exponential backoff before retry number {@code retry}, with jitter. */
	Duration backoff(int retry) {
		double base = this.settings.initialBackoff().toNanos() * Math.pow(this.settings.multiplier(), retry - 1);
		double capped = Math.min(base, this.settings.maxBackoff().toNanos());
		double jitter = this.settings.jitter();
		double factor = 1 - jitter + 2 * jitter * ThreadLocalRandom.current().nextDouble();
		return Duration.ofNanos((long) (capped * factor));
	}

	/**
	 * Waits before a retry; closing the client ends the wait at once, failing the call
	 * with {@code failure}.
	 */
	private void waitBeforeRetry(Duration delay, LlmClientException failure) {
		try {
			if (this.gate.awaitCutOff(delay)) {
				throw failure;
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new LlmClientException("Interrupted while waiting " + delay + " before retrying", ex);
		}
	}

}
