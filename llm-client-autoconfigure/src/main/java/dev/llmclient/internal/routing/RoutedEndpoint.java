package dev.llmclient.internal.routing;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

import dev.llmclient.LlmClientException;
import dev.llmclient.LlmClientHealth;
import dev.llmclient.LlmClientSettings;
import dev.llmclient.internal.call.Route;
import dev.llmclient.internal.http.HttpTransport;
import dev.llmclient.internal.recording.CallMetrics;

/**
 * One endpoint of a client with several: its own transport (connection pool), the
 * {@link Route} its attempts take, its recorder (metrics tagged with its address, its
 * latency window), and what routing reads of it: calls in flight against its
 * {@code max-concurrent}, the latency of its recent attempts, and its {@link Cooldown}.
 */
public final class RoutedEndpoint {

	private final int index;

	private final LlmClientSettings settings;

	private final HttpTransport transport;

	private final Route route;

	private final CallMetrics metrics;

	private final int weight;

	private final int maxConcurrent;

	private final AtomicInteger inFlight = new AtomicInteger();

	private final RecentLatency latency = new RecentLatency();

	private final Cooldown cooldown;

	/**
	 * The latest failed attempt, which the call may have survived on another endpoint.
	 */
	private volatile LlmClientHealth.LastError lastAttemptError;

	public RoutedEndpoint(int index, LlmClientSettings settings, int weight, HttpTransport transport, Route route,
			CallMetrics metrics, LongSupplier clock) {
		this.index = index;
		this.settings = settings;
		this.weight = weight;
		this.transport = transport;
		this.route = route;
		this.metrics = metrics;
		this.maxConcurrent = settings.limits().maxConcurrent();
		this.cooldown = new Cooldown(settings.routing().cooldown(), settings.routing().cooldownAfterFailures(), clock);
	}

	int index() {
		return this.index;
	}

	/** This endpoint's settings: its URL, key, model and pool size. */
	LlmClientSettings settings() {
		return this.settings;
	}

	HttpTransport transport() {
		return this.transport;
	}

	Route route() {
		return this.route;
	}

	CallMetrics metrics() {
		return this.metrics;
	}

	int weight() {
		return this.weight;
	}

	int maxConcurrent() {
		return this.maxConcurrent;
	}

	int inFlight() {
		return this.inFlight.get();
	}

	long recentLatencyNanos() {
		return this.latency.mean();
	}

	Cooldown cooldown() {
		return this.cooldown;
	}

	/** The URL as logs and health show it. */
	String displayUrl() {
		return this.settings.displayEndpoint();
	}

	/** Takes a place below {@code max-concurrent}, if there is one. */
	boolean tryTake() {
		int current;
		do {
			current = this.inFlight.get();
			if (current >= this.maxConcurrent) {
				return false;
			}
		}
		while (!this.inFlight.compareAndSet(current, current + 1));
		return true;
	}

	void release() {
		this.inFlight.decrementAndGet();
	}

	/**
	 * Records a successful attempt: its latency always, its outcome as
	 * {@link Cooldown#succeeded} says.
	 * @param entered the epoch of the cooldown the attempt entered
	 * @param nanos how long the attempt took
	 */
	void succeeded(long entered, long nanos) {
		this.latency.record(nanos);
		this.cooldown.succeeded(entered);
	}

	/**
	 * Records a failed attempt: as the latest error always, its outcome as
	 * {@link Cooldown#failed} says.
	 * @param entered the epoch of the cooldown the attempt entered
	 * @return whether the endpoint started cooling down now
	 */
	boolean failed(long entered, LlmClientException failure, boolean coolAtOnce, Duration serverWait) {
		this.lastAttemptError = LlmClientHealth.LastError.of(failure);
		return this.cooldown.failed(entered, coolAtOnce, serverWait);
	}

	LlmClientHealth.LastError lastAttemptError() {
		return this.lastAttemptError;
	}

	@Override
	public String toString() {
		return "endpoints[" + this.index + "] " + displayUrl();
	}

}
