package dev.llmclient.internal;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

import dev.llmclient.LlmClientHealth;

/**
 * The latest {@code capacity} call latencies in a ring buffer: O(1) and allocation-free per
 * record, fixed memory (one {@code long} per slot), safe under concurrent writers. Each writer
 * claims its own slot with one atomic increment, so writers never wait for each other or for
 * readers. Percentiles are computed on demand from a copy, so readers never block writers.
 */
final class LatencyWindow {

    /** Marks a slot that no call has filled yet (or whose writer has claimed it and not yet written). */
    private static final long EMPTY = -1;

    private final int capacity;

    private final AtomicLongArray slots;

    private final AtomicLong writes = new AtomicLong();

    LatencyWindow(int capacity) {
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

    /** Latencies recorded since the window was created, including those it no longer holds. */
    long recorded() {
        return this.writes.get();
    }

    /**
     * Computes count and percentiles of the latencies held now. Costs one copy of the window and
     * a sort: O(capacity log capacity), only when asked.
     * @return the snapshot
     */
    LlmClientHealth.Latency snapshot() {
        long[] values = new long[this.capacity];
        int count = 0;
        for (int i = 0; i < this.capacity; i++) {
            long value = this.slots.get(i);
            if (value != EMPTY) {
                values[count++] = value;
            }
        }
        if (count == 0) {
            return new LlmClientHealth.Latency(0, this.capacity, 0, 0, 0, 0);
        }
        Arrays.sort(values, 0, count);
        return new LlmClientHealth.Latency(count, this.capacity, millis(percentile(values, count, 0.50)),
                millis(percentile(values, count, 0.95)), millis(percentile(values, count, 0.99)),
                millis(values[count - 1]));
    }

    /** Nearest-rank percentile of the first {@code count} sorted values. */
    private static long percentile(long[] sorted, int count, double quantile) {
        int rank = (int) Math.ceil(quantile * count);
        return sorted[Math.max(0, rank - 1)];
    }

    /** Milliseconds rounded to the microsecond. */
    private static double millis(long nanos) {
        return Math.round(nanos / 1_000.0) / 1_000.0;
    }

}
