package dev.llmclient.internal.call;

import java.time.Duration;

import dev.llmclient.LlmClientSettings;
import dev.llmclient.LlmTimeoutException;

/**
 * The whole-call deadline ({@code timeout}): fixed when the call starts, and covering the
 * wait for a slot, every attempt and every backoff.
 */
public final class Deadline {

	static final Deadline NONE = new Deadline(null, Long.MAX_VALUE);

	private static final Duration FOREVER = Duration.ofNanos(Long.MAX_VALUE);

	private final Duration timeout;

	private final long deadlineNanos;

	private Deadline(Duration timeout, long deadlineNanos) {
		this.timeout = timeout;
		this.deadlineNanos = deadlineNanos;
	}

	static Deadline after(Duration timeout) {
		return (timeout != null) ? new Deadline(timeout, System.nanoTime() + timeout.toNanos()) : NONE;
	}

	boolean isSet() {
		return this.timeout != null;
	}

	Duration remaining() {
		return isSet() ? Duration.ofNanos(Math.max(0, this.deadlineNanos - System.nanoTime())) : FOREVER;
	}

	/** The shorter of {@code wait} and the time left. */
	public Duration cap(Duration wait) {
		Duration remaining = remaining();
		return (remaining.compareTo(wait) < 0) ? remaining : wait;
	}

	boolean expired() {
		return isSet() && System.nanoTime() - this.deadlineNanos >= 0;
	}

	LlmTimeoutException exceeded(LlmClientSettings settings, Throwable cause) {
		String name = settings.property("timeout");
		return new LlmTimeoutException("Call to " + settings.displayEndpoint() + " did not finish within " + name + "="
				+ this.timeout + " (waiting for a slot, attempts and backoff included). Raise " + name
				+ ", or lower max_tokens.", LlmTimeoutException.Kind.CALL_DEADLINE, this.timeout, cause);
	}

}
