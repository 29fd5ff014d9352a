package dev.llmclient.internal.limits;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.http.HttpHeaders;

import dev.llmclient.LlmClientSettings;
import dev.llmclient.internal.wire.RetryAfter;

/**
 * Paces the whole client by what the server says of its rate limit, the one place where
 * that rule lives: when {@code x-ratelimit-remaining-requests} is 0, no call starts until
 * {@code x-ratelimit-reset-requests} has passed; when
 * {@code x-ratelimit-remaining-tokens} is below a call's token estimate, that call waits
 * for {@code x-ratelimit-reset-tokens}; with a fixed limit, a 429 with
 * {@code Retry-After} (or {@code retry-after-ms}) also stops every call until that time
 * has passed. With the adaptive limit on, a 429 pauses no other call, whatever its
 * headers: the limit answers it by shrinking, and the refused call waits out its own
 * {@code Retry-After} (see {@link dev.llmclient.internal.call.Retrier}); pausing every
 * call as well would cost a second of silence for each probe of the limit. Only a spent
 * budget, announced by a remaining count of 0, is the server's word for all calls.
 * <p>
 * Resets are Go durations ({@code 1s}, {@code 6m0s}, {@code 12ms}, {@code 1m7.5s}), as
 * OpenAI sends them; plain seconds are accepted too. A server that sends none of these
 * headers (vLLM, Ollama, llama.cpp) is never paused; a header that cannot be read is
 * ignored with one DEBUG line. A wait longer than {@code retry.max-retry-after} is not
 * honoured, as the retrier does not honour it either: calls go on, and the server answers
 * for itself.
 */
public final class ServerPacing implements ServerSignals {

	private static final Log logger = LogFactory.getLog(ServerPacing.class);

	private static final Pattern GO_DURATION = Pattern.compile("(?:(\\d+(?:\\.\\d+)?)(h|ms|us|µs|ns|m|s))+?");

	private static final Pattern GO_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(h|ms|us|µs|ns|m|s)");

	private static final Pattern SECONDS = Pattern.compile("\\d+(\\.\\d+)?");

	/** Far beyond any wait a call accepts, and safe from overflow when added to now. */
	private static final BigDecimal LONGEST = BigDecimal.valueOf(Long.MAX_VALUE / 4);

	private final Clock clock;

	private final long longestNanos;

	/**
	 * Whether a 429 with {@code Retry-After} pauses every call: only with a fixed limit.
	 */
	private final boolean refusalsPauseAll;

	/** No call starts before this, in {@link System#nanoTime()}; 0 when never paused. */
	private volatile long pausedUntil;

	private volatile boolean paused;

	/** Tokens the server said were left, until {@link #tokensResetAt}. */
	private volatile long tokensRemaining = Long.MAX_VALUE;

	private volatile long tokensResetAt;

	/**
	 * Creates the pacing of one server.
	 * @param settings the settings of the client (or of the endpoint) it paces:
	 * {@code retry.max-retry-after} and {@code adaptive.enabled}
	 * @param clock the clock {@code Retry-After} dates are read against
	 */
	public ServerPacing(LlmClientSettings settings, Clock clock) {
		this.clock = clock;
		this.longestNanos = settings.retry().maxRetryAfter().toNanos();
		this.refusalsPauseAll = !settings.adaptive().enabled();
	}

	/**
	 * Reads the rate-limit headers of one answer, whatever its status.
	 * @param status the HTTP status
	 * @param headers its headers
	 */
	@Override
	public void observe(int status, HttpHeaders headers) {
		long now = System.nanoTime();
		if (status == 429 && this.refusalsPauseAll) {
			Duration retryAfter = RetryAfter.parse(headers, this.clock);
			if (retryAfter != null && honoured(retryAfter)) {
				pauseUntil(now + retryAfter.toNanos());
			}
		}
		Long requests = count(headers, "x-ratelimit-remaining-requests");
		if (requests != null && requests <= 0) {
			Duration reset = duration(headers, "x-ratelimit-reset-requests");
			if (reset != null && honoured(reset)) {
				pauseUntil(now + reset.toNanos());
			}
		}
		Long tokens = count(headers, "x-ratelimit-remaining-tokens");
		if (tokens != null) {
			Duration reset = duration(headers, "x-ratelimit-reset-tokens");
			if (reset != null && honoured(reset)) {
				this.tokensResetAt = now + reset.toNanos();
				this.tokensRemaining = tokens;
			}
		}
	}

	private boolean honoured(Duration wait) {
		return wait.toNanos() <= this.longestNanos;
	}

	private synchronized void pauseUntil(long until) {
		if (!this.paused || until - this.pausedUntil > 0) {
			this.pausedUntil = until;
			this.paused = true;
		}
	}

	/**
	 * How long a call needing {@code tokens} must wait before it is sent.
	 * @param tokens the call's token estimate, or 0 when unknown
	 * @return the wait, zero when none
	 */
	public long waitNanos(long tokens) {
		long now = System.nanoTime();
		long wait = this.paused ? this.pausedUntil - now : 0;
		long tokensReset = this.tokensResetAt - now;
		if (tokens > this.tokensRemaining && tokensReset > 0) {
			wait = Math.max(wait, tokensReset);
		}
		return Math.max(0, wait);
	}

	/** Whether new calls wait for the server now; for health. */
	boolean isPaused() {
		return waitNanos(0) > 0;
	}

	private static Long count(HttpHeaders headers, String name) {
		String value = headers.getFirst(name);
		if (value == null) {
			return null;
		}
		try {
			return Long.parseLong(value.strip());
		}
		catch (NumberFormatException ex) {
			unreadable(name, value);
			return null;
		}
	}

	private static Duration duration(HttpHeaders headers, String name) {
		String value = headers.getFirst(name);
		if (value == null) {
			return null;
		}
		Duration duration = parseDuration(value.strip());
		if (duration == null) {
			unreadable(name, value);
		}
		return duration;
	}

	/**
	 * A Go duration such as {@code 1m7.5s}, or a plain number of seconds; {@code null}
	 * when the text is neither.
	 */
	static Duration parseDuration(String text) {
		if (SECONDS.matcher(text).matches()) {
			return nanos(new BigDecimal(text), 1_000_000_000L);
		}
		if (!GO_DURATION.matcher(text).matches()) {
			return null;
		}
		Duration total = Duration.ZERO;
		Matcher part = GO_PART.matcher(text);
		while (part.find()) {
			BigDecimal amount = new BigDecimal(part.group(1));
			total = total.plus(switch (part.group(2)) {
				case "h" -> nanos(amount, 3_600_000_000_000L);
				case "m" -> nanos(amount, 60_000_000_000L);
				case "s" -> nanos(amount, 1_000_000_000L);
				case "ms" -> nanos(amount, 1_000_000L);
				case "us", "µs" -> nanos(amount, 1_000L);
				default -> nanos(amount, 1L);
			});
		}
		return total;
	}

	private static Duration nanos(BigDecimal amount, long nanosPerUnit) {
		return Duration.ofNanos(amount.multiply(BigDecimal.valueOf(nanosPerUnit)).min(LONGEST).longValue());
	}

	private static void unreadable(String name, String value) {
		if (logger.isDebugEnabled()) {
			logger.debug("Ignoring rate-limit header " + name + ": '" + value + "' is not a number or a duration");
		}
	}

}
