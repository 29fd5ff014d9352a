package dev.llmclient.internal;

import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

import javax.net.ssl.SSLException;

import dev.llmclient.LlmClientException;
import dev.llmclient.LlmClientSettings;
import dev.llmclient.LlmConnectionException;
import dev.llmclient.LlmHttpException;
import dev.llmclient.LlmStreamException;
import dev.llmclient.LlmTimeoutException;

/**
 * Runs the attempts of one call. Retries connection failures, connect timeouts, 408, 409,
 * 429 and 5xx (and whatever the server marks {@code x-should-retry: true}), and a stream
 * cut before any chunk reached the consumer, with exponential backoff and jitter; a
 * server's {@code Retry-After} replaces the computed wait, but only while it fits
 * {@code max-retry-after} and the call's deadline: otherwise the call fails at once,
 * saying why. Every request sent counts as an attempt, also one the server never answered
 * on a pooled connection: a POST may have reached the server, so the server never
 * receives more than {@code max-attempts} requests for one call (pooled connections the
 * server closed while idle are found before reuse, see {@link HttpTransport}). A call
 * whose caller gave up (its thread interrupted, or its async future cancelled) is not
 * retried, nor is a call that closing the client cut off: a wait before a retry ends as
 * soon as the cut-off comes.
 * <p>
 * Spring Framework 7's {@code RetryTemplate} was considered: its back-off cannot see the
 * failure, so it cannot honour {@code Retry-After}, nor give up early when the wait would
 * pass the deadline.
 */
final class Retrier {

	private final LlmClientSettings.Retry settings;

	private final CallMetrics metrics;

	/** How messages and timeouts name settings, such as {@code llm.client.timeout}. */
	private final LlmClientSettings names;

	private final CallGate gate;

	Retrier(LlmClientSettings settings, CallMetrics metrics, CallGate gate) {
		this.settings = settings.retry();
		this.metrics = metrics;
		this.names = settings;
		this.gate = gate;
	}

	/**
	 * Runs the attempts; a call cut off by closing fails with its last failure, which the
	 * caller turns into the closed-client error.
	 */
	<T> T call(Deadline deadline, Supplier<T> attempt) {
		int attempts = 0;
		while (true) {
			try {
				return attempt.get();
			}
			catch (LlmClientException failure) {
				if (AsyncCall.currentIsCancelled() || Thread.currentThread().isInterrupted() || this.gate.isCutOff()) {
					throw failure; // nobody waits for a retry's answer
				}
				attempts++;
				String reason = retryReason(failure);
				if (!this.settings.enabled() || reason == null || attempts >= this.settings.maxAttempts()) {
					throw failure;
				}
				waitBeforeRetry(delayBeforeRetry(failure, attempts, deadline), failure);
				this.metrics.retry(reason);
			}
		}
	}

	/**
	 * The bounded reason of a retryable failure, or {@code null} when it must not be
	 * retried.
	 */
	String retryReason(LlmClientException failure) {
		if (failure instanceof LlmHttpException http) {
			if (Boolean.FALSE.equals(http.serverRetryHint())) {
				return null;
			}
			int status = http.statusCode();
			if (status == 408 || status == 409 || status == 429) {
				return Integer.toString(status);
			}
			if (status >= 500) {
				return "5xx";
			}
			return Boolean.TRUE.equals(http.serverRetryHint()) ? "server_hint" : null;
		}
		if (failure instanceof LlmTimeoutException timeout) {
			return this.names.property("connect-timeout").equals(timeout.timeoutName()) ? "connect_timeout" : null;
		}
		if (failure instanceof LlmStreamException stream) {
			// cut before the consumer saw anything: sending again cannot show a chunk
			// twice
			return (!stream.serverError() && stream.chunksDelivered() == 0) ? "stream_cut" : null;
		}
		if (failure instanceof LlmConnectionException) {
			Throwable cause = failure.getCause();
			return (cause instanceof UnknownHostException || cause instanceof SSLException) ? null : "io";
		}
		return null;
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
