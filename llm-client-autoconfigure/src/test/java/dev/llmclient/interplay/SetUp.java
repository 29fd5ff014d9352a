package dev.llmclient.interplay;

/**
 * How the client under test is set up: the second axis of the matrix. Every set-up keeps
 * {@value Rig#MAX_CONCURRENT} calls in flight at most, retries with a short backoff and
 * opens no connection before its first call.
 */
enum SetUp {

	/** One endpoint, a fixed limit of calls in flight. */
	ONE_ENDPOINT(1),

	/** Three endpoints behind one client, routed to the least busy. */
	THREE_ENDPOINTS(3),

	/** One endpoint, the limit of calls in flight adapting (AIMD) to the server. */
	ADAPTIVE(1),

	/**
	 * Three endpoints routed by {@code cache-affinity}: calls of a few prompt cache keys,
	 * each held on its endpoint up to its load bound.
	 */
	CACHE_AFFINITY(3),

	/**
	 * Three endpoints, each adapting a limit of its own and with budgets of its own (the
	 * client-wide limit fixed, capping the sum).
	 */
	ROUTED_ADAPTIVE(3),

	/** One endpoint, budgets of requests and tokens in this JVM. */
	LOCAL_BUDGETS(1),

	/**
	 * One endpoint, a cluster-wide limit of calls in flight (leases) and cluster-wide
	 * budgets on a real {@code redis-server}, in front of local budgets.
	 */
	CLUSTER(1);

	private final int servers;

	SetUp(int servers) {
		this.servers = servers;
	}

	int servers() {
		return this.servers;
	}

	/** Whether a limit adapts: the client's, or each endpoint's. */
	boolean isAdaptive() {
		return this == ADAPTIVE || this == ROUTED_ADAPTIVE;
	}

	boolean hasBudgets() {
		return this == LOCAL_BUDGETS || this == CLUSTER;
	}

}
