package dev.llmclient.sample.demo;

import java.time.Duration;

/**
 * Knobs of the demo backend that the web console (and its tests) turn while the sample
 * runs: how long the echo model takes per generated token, so streams and batches are
 * slow enough to watch, how long each phase of a batch job takes, an HTTP status that
 * every chat completion fails with, so errors can be seen without a real server, and
 * whether the {@code flex} service tier has capacity.
 */
final class DemoControls {

	static final Duration MAX_TOKEN_DELAY = Duration.ofSeconds(1);

	static final Duration MAX_BATCH_PHASE = Duration.ofMinutes(1);

	/** A job then ends some four seconds after it is created: slow enough to watch. */
	static final Duration DEFAULT_BATCH_PHASE = Duration.ofSeconds(1);

	private volatile Duration tokenDelay;

	private volatile Duration batchPhase = DEFAULT_BATCH_PHASE;

	private volatile int failStatus;

	private final int prefixCacheSize;

	private volatile boolean flexUnavailable;

	private final int slots;

	DemoControls(Duration tokenDelay) {
		this(tokenDelay, PrefixCache.DEFAULT_SIZE, 0);
	}

	/**
	 * Creates the controls.
	 * @param tokenDelay the time the echo model takes per generated token
	 * @param prefixCacheSize the prompt prefixes each backend caches
	 * ({@code sample.demo.prefix-cache-size})
	 * @param slots completions each backend generates at once, the others waiting by
	 * priority ({@link PrioritySlots}); 0 for no limit
	 */
	DemoControls(Duration tokenDelay, int prefixCacheSize, int slots) {
		setTokenDelay(tokenDelay);
		this.prefixCacheSize = prefixCacheSize;
		this.slots = slots;
	}

	/** The prompt prefixes each backend started from now on caches. */
	int prefixCacheSize() {
		return this.prefixCacheSize;
	}

	/**
	 * Returns how many completions each backend generates at once.
	 * @return the slots, 0 for no limit
	 */
	int slots() {
		return this.slots;
	}

	/**
	 * Whether a request for the {@code flex} service tier is refused as OpenAI refuses it
	 * when flex capacity runs out.
	 * @return {@code true} when flex is refused
	 */
	boolean flexUnavailable() {
		return this.flexUnavailable;
	}

	/**
	 * Makes requests for the {@code flex} tier be refused, or served again.
	 * @param flexUnavailable {@code true} to refuse them
	 */
	void setFlexUnavailable(boolean flexUnavailable) {
		this.flexUnavailable = flexUnavailable;
	}

	Duration tokenDelay() {
		return this.tokenDelay;
	}

	/**
	 * Sets the time the echo model takes per generated token.
	 * @param tokenDelay between zero and {@link #MAX_TOKEN_DELAY}
	 * @throws IllegalArgumentException when out of that range
	 */
	void setTokenDelay(Duration tokenDelay) {
		if (tokenDelay == null || tokenDelay.isNegative() || tokenDelay.compareTo(MAX_TOKEN_DELAY) > 0) {
			throw new IllegalArgumentException(
					"The demo's token delay must be between 0 and " + MAX_TOKEN_DELAY.toMillis() + " ms, was "
							+ ((tokenDelay != null) ? tokenDelay.toMillis() + " ms" : "null"));
		}
		this.tokenDelay = tokenDelay;
	}

	/**
	 * Returns how long each phase of a batch job takes: validating, finalizing, and half
	 * of answering.
	 * @return the time per phase
	 */
	Duration batchPhase() {
		return this.batchPhase;
	}

	/**
	 * Sets how long each phase of a batch job takes.
	 * @param batchPhase between zero and {@link #MAX_BATCH_PHASE}
	 * @throws IllegalArgumentException when out of that range
	 */
	void setBatchPhase(Duration batchPhase) {
		if (batchPhase == null || batchPhase.isNegative() || batchPhase.compareTo(MAX_BATCH_PHASE) > 0) {
			throw new IllegalArgumentException(
					"The demo's batch phase must be between 0 and " + MAX_BATCH_PHASE.toMillis() + " ms, was "
							+ ((batchPhase != null) ? batchPhase.toMillis() + " ms" : "null"));
		}
		this.batchPhase = batchPhase;
	}

	/**
	 * Returns the status every chat completion fails with.
	 * @return an HTTP error status, or 0 when the demo answers normally
	 */
	int failStatus() {
		return this.failStatus;
	}

	/**
	 * Makes every chat completion fail with the given status, or answer again.
	 * @param failStatus 0 to answer normally, else an HTTP error status (400 to 599)
	 * @throws IllegalArgumentException when neither
	 */
	void setFailStatus(int failStatus) {
		if (failStatus != 0 && (failStatus < 400 || failStatus > 599)) {
			throw new IllegalArgumentException(
					"The demo's fail status must be 0 (answer normally) or an HTTP error status from 400 to 599, was "
							+ failStatus);
		}
		this.failStatus = failStatus;
	}

	/**
	 * Waits as long as generating the given number of tokens takes.
	 * @param tokens tokens generated
	 */
	void pauseFor(int tokens) {
		long millis = this.tokenDelay.toMillis() * tokens;
		if (millis > 0) {
			try {
				Thread.sleep(millis);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

}
