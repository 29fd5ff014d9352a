package dev.llmclient.internal;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

import dev.llmclient.LlmClientHealth;

/**
 * The latest {@code capacity} call latencies in a ring buffer: O(1) and allocation-free per
 * record, fixed memory, safe under concurrent writers. Percentiles are computed on demand from a
 * copy, so readers never block writers.
 */
final class LatencyWindow {

    private static final long EMPTY = -1;

    private final int capacity;

    private final AtomicLongArray slots;

    private final AtomicLong writes = new AtomicLong();

    LatencyWindow(int capacity) {
        this.capacity = capacity;
        this.slots = new AtomicLongArray(capacity);
        for (int i = 0; i < capacity; i++) {
            this.slots.set(i, EMPTY);
        }
    }

    void record(long nanos) {
        long index = this.writes.getAndIncrement();
        this.slots.set((int) (index % this.capacity), nanos);
    }

    int capacity() {
        return this.capacity;
    }

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

    private static double millis(long nanos) {
        return Math.round(nanos / 1_000.0) / 1_000.0;
    }

}
