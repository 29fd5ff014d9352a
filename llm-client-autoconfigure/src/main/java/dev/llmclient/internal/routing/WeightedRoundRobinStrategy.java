package dev.llmclient.internal.routing;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code round-robin}: each endpoint in turn, as often as its weight says, in a fixed
 * schedule computed once (the smooth weighted round-robin of nginx, so weights 2 and 1
 * give A B A, not A A B). An endpoint that may not take the attempt is skipped and loses
 * its turn.
 */
final class WeightedRoundRobinStrategy implements RoutingStrategy {

	private final int[] schedule;

	private final AtomicInteger next = new AtomicInteger();

	WeightedRoundRobinStrategy(RoutedEndpoint[] endpoints) {
		this.schedule = schedule(endpoints);
	}

	static int[] schedule(RoutedEndpoint[] endpoints) {
		int total = 0;
		for (RoutedEndpoint endpoint : endpoints) {
			total += endpoint.weight();
		}
		int[] schedule = new int[total];
		int[] current = new int[endpoints.length];
		for (int slot = 0; slot < total; slot++) {
			int best = 0;
			for (int i = 0; i < endpoints.length; i++) {
				current[i] += endpoints[i].weight();
				if (current[i] > current[best]) {
					best = i;
				}
			}
			current[best] -= total;
			schedule[slot] = best;
		}
		return schedule;
	}

	@Override
	public RoutedEndpoint choose(RoutedEndpoint[] candidates, long promptPrefix) {
		for (int k = 0; k < this.schedule.length; k++) {
			RoutedEndpoint candidate = candidates[this.schedule[Math.floorMod(this.next.getAndIncrement(),
					this.schedule.length)]];
			if (candidate != null) {
				return candidate;
			}
		}
		return LeastBusyStrategy.leastBusy(candidates, 0, Long.MAX_VALUE);
	}

}
