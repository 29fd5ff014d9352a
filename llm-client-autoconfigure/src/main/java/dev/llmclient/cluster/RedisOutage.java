package dev.llmclient.cluster;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Whether Redis is reachable, as the cluster limits last saw it. After a failure, calls
 * stop asking Redis (each would otherwise pay the command timeout) and one call, or the
 * renewal thread, tries again every retry interval; the first answer ends the outage. An
 * outage is logged once at WARN when it starts and once at INFO when it ends.
 */
final class RedisOutage {

	private static final Log logger = LogFactory.getLog(RedisOutage.class);

	private final String name;

	private final ClusterSettings.OnRedisFailure policy;

	private final long retryIntervalNanos;

	/** When the outage started, in {@link System#nanoTime()}; 0 while Redis answers. */
	private final AtomicLong downSince = new AtomicLong();

	private final AtomicLong nextTry = new AtomicLong();

	RedisOutage(String name, ClusterSettings.OnRedisFailure policy, Duration retryInterval) {
		this.name = name;
		this.policy = policy;
		this.retryIntervalNanos = retryInterval.toNanos();
	}

	/**
	 * Answers whether this caller should ask Redis: always while it answers, and during
	 * an outage for one caller per retry interval.
	 */
	boolean shouldTry() {
		if (this.downSince.get() == 0) {
			return true;
		}
		long now = System.nanoTime();
		long next = this.nextTry.get();
		return now - next >= 0 && this.nextTry.compareAndSet(next, now + this.retryIntervalNanos);
	}

	boolean isDown() {
		return this.downSince.get() != 0;
	}

	void failed(RuntimeException ex) {
		long now = System.nanoTime();
		this.nextTry.set(now + this.retryIntervalNanos);
		if (this.downSince.compareAndSet(0, (now != 0) ? now : 1)) {
			logger.warn("LLM client '" + this.name + "': Redis is unavailable (" + ex.getMessage() + "); "
					+ ((this.policy == ClusterSettings.OnRedisFailure.LOCAL)
							? "each instance keeps to its own limits until it answers again"
							: "calls are rejected until it answers again")
					+ ". Cluster-wide limits resume by themselves.");
		}
	}

	/**
	 * Answers whether a failure of a Redis command came from an interrupt of the thread
	 * waiting for its answer (a cancelled call) rather than from Redis: it says nothing
	 * of whether Redis is available.
	 */
	static boolean isInterruption(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof InterruptedException) {
				return true;
			}
		}
		return false;
	}

	void succeeded() {
		long since = this.downSince.getAndSet(0);
		if (since != 0) {
			logger.info("LLM client '" + this.name + "': Redis answers again after "
					+ Duration.ofNanos(System.nanoTime() - since).toMillis() + " ms; cluster-wide limits resume");
		}
	}

}
