package dev.llmclient.internal.routing;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code least-busy}: the endpoint with the fewest calls in flight relative to its
 * {@code max-concurrent}. Ties go to each endpoint in turn, so idle endpoints share a
 * trickle of calls instead of the first one taking them all.
 */
final class LeastBusyStrategy implements RoutingStrategy {

	private final AtomicInteger turn = new AtomicInteger();

	@Override
	public RoutedEndpoint choose(RoutedEndpoint[] candidates, long promptPrefix) {
		return leastBusy(candidates, this.turn.getAndIncrement(), Long.MAX_VALUE);
	}

	/**
	 * The least busy candidate whose recent latency is at most {@code maxLatencyNanos},
	 * looking from position {@code start} on so that ties go round.
	 */
	static RoutedEndpoint leastBusy(RoutedEndpoint[] candidates, int start, long maxLatencyNanos) {
		int n = candidates.length;
		RoutedEndpoint best = null;
		int from = Math.floorMod(start, n);
		for (int k = 0; k < n; k++) {
			RoutedEndpoint candidate = candidates[(from + k) % n];
			if (candidate != null && candidate.recentLatencyNanos() <= maxLatencyNanos
					&& (best == null || (long) candidate.inFlight() * best.maxConcurrent() < (long) best.inFlight()
							* candidate.maxConcurrent())) {
				best = candidate;
			}
		}
		return best;
	}

}
