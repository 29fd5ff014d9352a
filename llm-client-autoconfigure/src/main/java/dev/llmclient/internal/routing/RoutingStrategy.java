package dev.llmclient.internal.routing;

import dev.llmclient.RoutingSettings;

/**
 * Picks the endpoint of an attempt among those that may take it now.
 */
interface RoutingStrategy {

	/**
	 * Picks an endpoint.
	 * @param candidates indexed like the client's endpoints; {@code null} where an
	 * endpoint may not take the attempt (cooling down, at its {@code max-concurrent}, or
	 * just failed this call); at least one is not {@code null}
	 * @param promptPrefix the hash of the call's prompt prefix
	 * ({@link dev.llmclient.internal.call.PromptPrefix}), read by {@code cache-affinity}
	 * alone
	 * @return one of the candidates
	 */
	RoutedEndpoint choose(RoutedEndpoint[] candidates, long promptPrefix);

	static RoutingStrategy of(RoutingSettings routing, RoutedEndpoint[] endpoints) {
		return switch (routing.strategy()) {
			case LEAST_BUSY -> new LeastBusyStrategy();
			case ROUND_ROBIN -> new WeightedRoundRobinStrategy(endpoints);
			case LOWEST_LATENCY -> new LowestLatencyStrategy(routing.latencyTolerance());
			case CACHE_AFFINITY -> new CacheAffinityStrategy(endpoints, routing.loadSlack());
		};
	}

}
