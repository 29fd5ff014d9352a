package dev.llmclient.internal.routing;

/**
 * The mean of an endpoint's latest {@value #SIZE} successful attempt durations, which
 * {@code lowest-latency} routing compares: a short window, so a slowed endpoint is seen
 * within a few calls, readable in O(1) on every attempt.
 */
final class RecentLatency {

	static final int SIZE = 16;

	private final long[] values = new long[SIZE];

	private int next;

	private int count;

	private long sum;

	private volatile long mean;

	synchronized void record(long nanos) {
		long value = Math.max(0, nanos);
		if (this.count == SIZE) {
			this.sum -= this.values[this.next];
		}
		else {
			this.count++;
		}
		this.values[this.next] = value;
		this.next = (this.next + 1) % SIZE;
		this.sum += value;
		this.mean = this.sum / this.count;
	}

	/**
	 * The mean in nanoseconds, 0 before the first attempt: an unknown endpoint is tried.
	 */
	long mean() {
		return this.mean;
	}

}
