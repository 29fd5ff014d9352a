package dev.llmclient.internal.routing;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code lowest-latency}: among the endpoints whose recent attempts took at most
 * {@code 1 + latency-tolerance} times the fastest one's, the least busy, so near-equal
 * endpoints share the load. One attempt in {@value #EXPLORE_EVERY} goes to the least busy
 * of all candidates, so an endpoint that was slow is measured again and wins back its
 * share once it is fast.
 */
final class LowestLatencyStrategy implements RoutingStrategy {

	static final int EXPLORE_EVERY = 32;

	private final double tolerance;

	private final AtomicInteger turn = new AtomicInteger();

	LowestLatencyStrategy(double tolerance) {
		this.tolerance = tolerance;
	}

	@Override
	public RoutedEndpoint choose(RoutedEndpoint[] candidates, long promptPrefix) {
		int turn = this.turn.getAndIncrement();
		if (Math.floorMod(turn, EXPLORE_EVERY) == EXPLORE_EVERY - 1) {
			return LeastBusyStrategy.leastBusy(candidates, turn, Long.MAX_VALUE);
		}
		long fastest = Long.MAX_VALUE;
		for (RoutedEndpoint candidate : candidates) {
			if (candidate != null) {
				fastest = Math.min(fastest, candidate.recentLatencyNanos());
			}
		}
		return LeastBusyStrategy.leastBusy(candidates, turn, (long) (fastest * (1 + this.tolerance)));
	}

}
