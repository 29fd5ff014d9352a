package dev.llmclient.internal.recording;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

import dev.llmclient.LlmClientHealth;

/**
 * The latest {@code capacity} call latencies in a ring buffer: O(1) and allocation-free
 * per record, fixed memory (one {@code long} per slot), safe under concurrent writers.
 * Each writer claims its own slot with one atomic increment, so writers never wait for
 * each other or for readers. Percentiles are computed on demand from a copy, so readers
 * never block writers.
 */
public final class LatencyWindow {

	/**
	 * Marks a slot that no call has filled yet (or whose writer has claimed it and not
	 * yet written).
	 */
	private static final long EMPTY = -1;

	private final int capacity;

	private final AtomicLongArray slots;

	private final AtomicLong writes = new AtomicLong();

	public LatencyWindow(int capacity) {
		if (capacity < 1) {
			throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
		}
		this.capacity = capacity;
		this.slots = new AtomicLongArray(capacity);
		for (int i = 0; i < capacity; i++) {
			this.slots.set(i, EMPTY);
		}
	}

	/**
	 * Records one latency, overwriting the oldest once the window is full.
	 * @param nanos the latency; a negative value (a clock oddity) counts as zero
	 */
	void record(long nanos) {
		long index = this.writes.getAndIncrement();
		this.slots.set((int) (index % this.capacity), Math.max(0, nanos));
	}

	int capacity() {
		return this.capacity;
	}

	/**
	 * Latencies recorded since the window was created, including those it no longer
	 * holds.
	 */
	long recorded() {
		return this.writes.get();
	}

	/**
	 * Computes count and percentiles of the latencies held now, from a copy of the window
	 * and an O(capacity) selection (no full sort), only when asked.
	 * @return the snapshot
	 */
	LlmClientHealth.Latency snapshot() {
		long[] values = new long[this.capacity];
		int count = 0;
		long max = 0;
		for (int i = 0; i < this.capacity; i++) {
			long value = this.slots.get(i);
			if (value != EMPTY) {
				values[count++] = value;
				max = Math.max(max, value);
			}
		}
		if (count == 0) {
			return new LlmClientHealth.Latency(0, this.capacity, 0, 0, 0, 0);
		}
		int p99 = rank(count, 0.99);
		int p95 = rank(count, 0.95);
		int p50 = rank(count, 0.50);
		// each selection leaves only smaller values before its rank, so the next one
		// searches less
		select(values, 0, count, p99);
		select(values, 0, p99, p95);
		select(values, 0, p95, p50);
		return new LlmClientHealth.Latency(count, this.capacity, millis(values[p50]), millis(values[p95]),
				millis(values[p99]), millis(max));
	}

	/** Index of the nearest-rank percentile among {@code count} sorted values. */
	static int rank(int count, double quantile) {
		return Math.max(0, (int) Math.ceil(quantile * count) - 1);
	}

	/**
	 * Moves the value that sorting would put at index {@code k} of
	 * {@code values[from, to)} there, with no larger value before it and no smaller one
	 * after it: quickselect with a median-of-three pivot, falling back to a sort of what
	 * is left if partitions keep coming out lopsided. Does nothing when {@code k} is
	 * outside the range.
	 */
	static void select(long[] values, int from, int to, int k) {
		int lo = from;
		int hi = to - 1;
		int budget = 2 * (32 - Integer.numberOfLeadingZeros(Math.max(1, to - from))) + 4;
		while (lo < hi && k >= lo && k <= hi) {
			if (budget-- == 0) {
				Arrays.sort(values, lo, hi + 1);
				return;
			}
			long pivot = median(values[lo], values[(lo + hi) >>> 1], values[hi]);
			int i = lo;
			int j = hi;
			while (i <= j) {
				while (values[i] < pivot) {
					i++;
				}
				while (values[j] > pivot) {
					j--;
				}
				if (i <= j) {
					long swap = values[i];
					values[i++] = values[j];
					values[j--] = swap;
				}
			}
			// now values[lo..j] <= pivot, values[i..hi] >= pivot, and values strictly
			// between equal it
			if (k <= j) {
				hi = j;
			}
			else if (k >= i) {
				lo = i;
			}
			else {
				return;
			}
		}
	}

	private static long median(long a, long b, long c) {
		return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
	}

	/** Milliseconds rounded to the microsecond. */
	private static double millis(long nanos) {
		return Math.round(nanos / 1_000.0) / 1_000.0;
	}

}
