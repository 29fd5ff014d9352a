package dev.llmclient.internal.routing;

import java.util.Arrays;

import dev.llmclient.internal.call.PromptPrefix;

/**
 * {@code cache-affinity}: keeps requests that share a prompt prefix on one endpoint, so
 * that the prefix cache of that endpoint (vLLM, SGLang, a provider's prompt cache) is
 * hit. Consistent hashing with bounded load: each endpoint owns
 * {@value #POINTS_PER_WEIGHT} points per unit of its {@code weight} on a ring of 64-bit
 * hashes, placed by the hash of its URL, so adding or removing an endpoint moves only its
 * own share of prefixes, and every instance of an application sends a prefix to the same
 * endpoint. A request goes to the owner of the first point at or after the hash of its
 * prefix ({@link PromptPrefix}), walking on past endpoints that may not take it now
 * (cooling down, full, paced, out of budget: the router leaves them out) and past those
 * above {@code 1 + load-slack} times their share of the calls in flight, their share
 * being their weight over the weights of the candidates. The request then goes to the
 * next endpoint on the ring, the same one for the same prefix, which soon holds the
 * prefix too. Requests with no prefix to share go to the least busy endpoint.
 */
final class CacheAffinityStrategy implements RoutingStrategy {

	/**
	 * Points per unit of weight: enough that each endpoint's share of the ring is within
	 * a few percent of its share of the weights.
	 */
	static final int POINTS_PER_WEIGHT = 100;

	private final RoutedEndpoint[] endpoints;

	private final double loadSlack;

	/** The points of the ring, sorted. */
	private final long[] points;

	/** The index of the endpoint owning each point. */
	private final int[] owners;

	private final LeastBusyStrategy leastBusy = new LeastBusyStrategy();

	CacheAffinityStrategy(RoutedEndpoint[] endpoints, double loadSlack) {
		this.endpoints = endpoints;
		this.loadSlack = loadSlack;
		int size = 0;
		for (RoutedEndpoint endpoint : endpoints) {
			size += endpoint.weight() * POINTS_PER_WEIGHT;
		}
		long[][] ring = new long[size][];
		int next = 0;
		for (RoutedEndpoint endpoint : endpoints) {
			for (int i = 0; i < endpoint.weight() * POINTS_PER_WEIGHT; i++) {
				// by URL, not position: every instance, whatever the order of its
				// endpoints, builds the same ring and sends a prefix to the same endpoint
				long point = PromptPrefix.hash(endpoint.displayUrl() + '#' + i);
				ring[next++] = new long[] { point, endpoint.index() };
			}
		}
		Arrays.sort(ring, (a, b) -> Long.compareUnsigned(a[0], b[0]));
		this.points = new long[size];
		this.owners = new int[size];
		for (int i = 0; i < size; i++) {
			this.points[i] = ring[i][0];
			this.owners[i] = (int) ring[i][1];
		}
	}

	@Override
	public RoutedEndpoint choose(RoutedEndpoint[] candidates, long promptPrefix) {
		if (promptPrefix == PromptPrefix.NONE) {
			return this.leastBusy.choose(candidates, promptPrefix);
		}
		long inFlight = 1;
		for (RoutedEndpoint endpoint : this.endpoints) {
			inFlight += endpoint.inFlight();
		}
		long weights = 0;
		for (RoutedEndpoint candidate : candidates) {
			if (candidate != null) {
				weights += candidate.weight();
			}
		}
		int start = firstPointFrom(promptPrefix);
		for (int k = 0; k < this.points.length; k++) {
			RoutedEndpoint candidate = candidates[this.owners[(start + k) % this.points.length]];
			if (candidate != null && belowBound(candidate, inFlight, weights)) {
				return candidate;
			}
		}
		// not reached: the bounds of the candidates add up to more than their calls
		return LeastBusyStrategy.leastBusy(candidates, 0, Long.MAX_VALUE);
	}

	/**
	 * Whether the candidate holds fewer calls than {@code 1 + load-slack} times its share
	 * of {@code inFlight}, rounded up. The bounds of all candidates add up to at least
	 * {@code inFlight}, which counts this request too, so at least one candidate is below
	 * its bound.
	 */
	private boolean belowBound(RoutedEndpoint candidate, long inFlight, long weights) {
		double bound = Math.ceil((1 + this.loadSlack) * inFlight * candidate.weight() / weights);
		return candidate.inFlight() < bound;
	}

	/** The position of the first point at or after {@code hash}, going round. */
	private int firstPointFrom(long hash) {
		int low = 0;
		int high = this.points.length;
		while (low < high) {
			int middle = (low + high) >>> 1;
			if (Long.compareUnsigned(this.points[middle], hash) < 0) {
				low = middle + 1;
			}
			else {
				high = middle;
			}
		}
		return (low == this.points.length) ? 0 : low;
	}

}
