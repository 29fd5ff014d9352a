package dev.llmclient;

import java.time.Duration;

import static dev.llmclient.SettingChecks.atLeastOne;
import static dev.llmclient.SettingChecks.positive;

/**
 * How a client with several {@code endpoints} picks one for each attempt, and how long it
 * leaves alone an endpoint that fails. Without {@code endpoints} it has no effect.
 * <p>
 * Part of {@link LlmClientSettings}; changed through {@link LlmClientBuilder#routing}.
 *
 * @param strategy how an endpoint is picked among those available
 * ({@code routing.strategy})
 * @param cooldown how long an endpoint that fails repeatedly, or answers 429, 401 or 403,
 * receives no calls; a longer {@code Retry-After} from the server wins
 * ({@code routing.cooldown})
 * @param latencyTolerance how much slower than the fastest endpoint another may be, as a
 * fraction, and still share the load under {@code lowest-latency}
 * ({@code routing.latency-tolerance})
 * @param cooldownAfterFailures failed attempts in a row after which an endpoint cools
 * down; it also does when more than half of its last 10 attempts (at least 6) failed
 * ({@code routing.cooldown-after-failures})
 * @param loadSlack how far above its share of the calls in flight an endpoint may go, as
 * a fraction, and still take the requests whose prompt prefix it holds under
 * {@code cache-affinity}; above {@code 1 + load-slack} times its share, they spill to the
 * next endpoint of the ring ({@code routing.cache-affinity.load-slack})
 * @since 0.1.0
 */
public record RoutingSettings(Strategy strategy, Duration cooldown, double latencyTolerance, int cooldownAfterFailures,
		double loadSlack) {

	private static final double DEFAULT_LOAD_SLACK = 0.35;

	/**
	 * The defaults: least busy first, 5s of cooldown after 3 failures in a row, 20% of
	 * latency tolerance, 35% of load slack (with three equal endpoints, one holds at most
	 * 45% of the calls in flight before spilling).
	 */
	public static final RoutingSettings DEFAULTS = new RoutingSettings(Strategy.LEAST_BUSY, Duration.ofSeconds(5), 0.2,
			3, DEFAULT_LOAD_SLACK);

	/**
	 * Checks every value.
	 * @throws LlmClientSettingException naming the invalid setting
	 */
	public RoutingSettings {
		if (strategy == null) {
			throw new LlmClientSettingException("routing.strategy", null,
					"is required: use least-busy, round-robin, lowest-latency or cache-affinity");
		}
		positive("routing.cooldown", cooldown);
		if (!(latencyTolerance >= 0)) {
			throw new LlmClientSettingException("routing.latency-tolerance", latencyTolerance,
					"must be 0 or more, e.g. 0.2 (endpoints within 20% of the fastest share the load)");
		}
		atLeastOne("routing.cooldown-after-failures", cooldownAfterFailures);
		if (!(loadSlack >= 0) || Double.isInfinite(loadSlack)) {
			throw new LlmClientSettingException("routing.cache-affinity.load-slack", loadSlack,
					"must be 0 or more, e.g. 0.35 (an endpoint takes up to 1.35 times its share of the calls "
							+ "in flight before its requests spill to the next)");
		}
	}

	/**
	 * Returns a copy with another strategy.
	 * @param strategy how an endpoint is picked
	 * @return the copy
	 */
	public RoutingSettings withStrategy(Strategy strategy) {
		return new RoutingSettings(strategy, this.cooldown, this.latencyTolerance, this.cooldownAfterFailures,
				this.loadSlack);
	}

	/**
	 * Returns a copy with another cooldown.
	 * @param cooldown a positive duration
	 * @return the copy
	 */
	public RoutingSettings withCooldown(Duration cooldown) {
		return new RoutingSettings(this.strategy, cooldown, this.latencyTolerance, this.cooldownAfterFailures,
				this.loadSlack);
	}

	/**
	 * Returns a copy with another latency tolerance.
	 * @param latencyTolerance 0 or more, such as 0.2 for 20%
	 * @return the copy
	 */
	public RoutingSettings withLatencyTolerance(double latencyTolerance) {
		return new RoutingSettings(this.strategy, this.cooldown, latencyTolerance, this.cooldownAfterFailures,
				this.loadSlack);
	}

	/**
	 * Returns a copy that cools an endpoint down after another number of failed attempts
	 * in a row: fewer leave a failing endpoint sooner, more ride out short hiccups.
	 * @param cooldownAfterFailures at least 1
	 * @return the copy
	 */
	public RoutingSettings withCooldownAfterFailures(int cooldownAfterFailures) {
		return new RoutingSettings(this.strategy, this.cooldown, this.latencyTolerance, cooldownAfterFailures,
				this.loadSlack);
	}

	/**
	 * Returns a copy with another load slack for {@code cache-affinity}: less keeps the
	 * load more even, more keeps more requests on the endpoint that holds their prefix.
	 * @param loadSlack 0 or more, such as 0.35 for 35% above an endpoint's share
	 * @return the copy
	 */
	public RoutingSettings withLoadSlack(double loadSlack) {
		return new RoutingSettings(this.strategy, this.cooldown, this.latencyTolerance, this.cooldownAfterFailures,
				loadSlack);
	}

	/**
	 * How an endpoint is picked among those not cooling down and below their
	 * {@code max-concurrent}.
	 *
	 * @since 0.1.0
	 */
	public enum Strategy {

		/**
		 * The endpoint with the fewest calls in flight relative to its
		 * {@code max-concurrent}: a slow or saturated endpoint gets fewer calls.
		 */
		LEAST_BUSY,

		/** Each endpoint in turn, as often as its {@code weight} says. */
		ROUND_ROBIN,

		/**
		 * The endpoint whose recent attempts were fastest; endpoints within
		 * {@code latency-tolerance} of it share the load, least busy first.
		 */
		LOWEST_LATENCY,

		/**
		 * The endpoint that holds the request's prompt prefix: requests with the same
		 * {@code prompt_cache_key} (or, without one, the same leading system message) go
		 * to the same endpoint of a consistent-hash ring, unless it is above
		 * {@code 1 + load-slack} times its share of the calls in flight; requests with
		 * neither go to the least busy.
		 */
		CACHE_AFFINITY

	}

}
