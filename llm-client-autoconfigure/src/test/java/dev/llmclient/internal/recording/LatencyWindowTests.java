package dev.llmclient.internal.recording;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.llmclient.LlmClientHealth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assumptions.assumeThat;

class LatencyWindowTests {

	private static final long MS = 1_000_000;

	@Test
	void emptyWindowReportsItsCapacityAndZeros() {
		assertThat(new LatencyWindow(50).snapshot()).isEqualTo(new LlmClientHealth.Latency(0, 50, 0, 0, 0, 0));
	}

	@Test
	void percentilesAreNearestRankInMilliseconds() {
		LatencyWindow window = new LatencyWindow(1000);
		for (long ms = 1; ms <= 200; ms++) {
			window.record(ms * MS);
		}
		LlmClientHealth.Latency latency = window.snapshot();
		assertThat(latency.count()).isEqualTo(200);
		assertThat(latency.p50Ms()).isEqualTo(100.0);
		assertThat(latency.p95Ms()).isEqualTo(190.0);
		assertThat(latency.p99Ms()).isEqualTo(198.0);
		assertThat(latency.maxMs()).isEqualTo(200.0);
	}

	@Test
	void millisecondsKeepMicrosecondPrecision() {
		LatencyWindow window = new LatencyWindow(10);
		window.record(1_234_567);
		assertThat(window.snapshot().maxMs()).isEqualTo(1.235);
	}

	@Test
	void afterMoreCallsThanItHoldsOnlyTheLatestCount() {
		LatencyWindow window = new LatencyWindow(100);
		for (long ms = 1; ms <= 1000; ms++) {
			window.record(ms * MS);
		}
		LlmClientHealth.Latency latency = window.snapshot();
		assertThat(latency.count()).isEqualTo(100);
		assertThat(latency.capacity()).isEqualTo(100);
		// the window holds 901..1000 ms: the 900 older calls no longer count
		assertThat(latency.p50Ms()).isEqualTo(950.0);
		assertThat(latency.p95Ms()).isEqualTo(995.0);
		assertThat(latency.p99Ms()).isEqualTo(999.0);
		assertThat(latency.maxMs()).isEqualTo(1000.0);
	}

	@Test
	void oneSlowCallLeavesTheWindowOnceEnoughNewerCallsArrive() {
		LatencyWindow window = new LatencyWindow(10);
		window.record(60_000 * MS);
		for (int i = 0; i < 9; i++) {
			window.record(5 * MS);
		}
		assertThat(window.snapshot().maxMs()).isEqualTo(60_000.0);
		window.record(5 * MS);
		assertThat(window.snapshot().maxMs()).isEqualTo(5.0);
	}

	@Test
	void negativeDurationCountsAsZeroRatherThanAnEmptySlot() {
		LatencyWindow window = new LatencyWindow(4);
		window.record(-1);
		assertThat(window.snapshot()).isEqualTo(new LlmClientHealth.Latency(1, 4, 0, 0, 0, 0));
	}

	@Test
	void selectionGivesTheSameValuesAsAFullSort() {
		Random random = new Random(7);
		for (int round = 0; round < 500; round++) {
			int count = 1 + random.nextInt(3000);
			int distinct = 1 + random.nextInt((round % 3 == 0) ? 5 : 1_000_000);
			long[] values = new long[count];
			for (int i = 0; i < count; i++) {
				values[i] = (round % 7 == 0) ? i : random.nextInt(distinct);
			}
			long[] sorted = values.clone();
			Arrays.sort(sorted);
			int p99 = LatencyWindow.rank(count, 0.99);
			int p95 = LatencyWindow.rank(count, 0.95);
			int p50 = LatencyWindow.rank(count, 0.50);
			LatencyWindow.select(values, 0, count, p99);
			LatencyWindow.select(values, 0, p99, p95);
			LatencyWindow.select(values, 0, p95, p50);
			assertThat(new long[] { values[p50], values[p95], values[p99] }).as("round %d, %d values", round, count)
				.containsExactly(sorted[p50], sorted[p95], sorted[p99]);
		}
	}

	@Test
	void capacityBelowOneIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> new LatencyWindow(0)).withMessageContaining("at least 1");
	}

	@Test
	@Timeout(60)
	void concurrentWritersKeepTheInvariants() throws Exception {
		int threads = 8;
		int perThread = 50_000;
		int capacity = 1000;
		LatencyWindow window = new LatencyWindow(capacity);
		CyclicBarrier start = new CyclicBarrier(threads + 1);
		AtomicBoolean writing = new AtomicBoolean(true);
		ExecutorService executor = Executors.newFixedThreadPool(threads + 1);
		try {
			List<Future<?>> writers = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				long base = (t + 1) * 1_000L;
				writers.add(executor.submit(() -> {
					start.await(10, TimeUnit.SECONDS);
					// thread t writes (t+1) s + i µs, so every value held can be traced
					// to a write
					for (int i = 0; i < perThread; i++) {
						window.record((base * MS) + (i % 1000) * 1000L);
					}
					return null;
				}));
			}
			Future<Integer> reader = executor.submit(() -> {
				start.await(10, TimeUnit.SECONDS);
				int snapshots = 0;
				while (writing.get()) {
					assertConsistent(window.snapshot(), capacity, threads);
					snapshots++;
				}
				return snapshots;
			});
			for (Future<?> writer : writers) {
				writer.get(30, TimeUnit.SECONDS);
			}
			writing.set(false);
			assertThat(reader.get(30, TimeUnit.SECONDS)).isPositive();
		}
		finally {
			executor.shutdownNow();
		}
		assertThat(window.recorded()).isEqualTo((long) threads * perThread);
		LlmClientHealth.Latency latency = window.snapshot();
		assertThat(latency.count()).isEqualTo(capacity);
		assertConsistent(latency, capacity, threads);
	}

	private static void assertConsistent(LlmClientHealth.Latency latency, int capacity, int threads) {
		assertThat(latency.count()).isBetween(0, capacity);
		assertThat(latency.capacity()).isEqualTo(capacity);
		if (latency.count() > 0) {
			assertThat(latency.p50Ms()).isBetween(1_000.0, threads * 1_000.0 + 1.0);
			assertThat(latency.p50Ms()).isLessThanOrEqualTo(latency.p95Ms());
			assertThat(latency.p95Ms()).isLessThanOrEqualTo(latency.p99Ms());
			assertThat(latency.p99Ms()).isLessThanOrEqualTo(latency.maxMs());
			assertThat(latency.maxMs()).isLessThanOrEqualTo(threads * 1_000.0 + 1.0);
		}
	}

	@Test
	void recordingAllocatesNothingSoHeldMemoryCannotGrowWithCalls() {
		com.sun.management.ThreadMXBean threads = threadMXBean();
		LatencyWindow window = new LatencyWindow(1000);
		for (int i = 0; i < 200_000; i++) {
			window.record(i);
		}
		long threadId = Thread.currentThread().getId();
		long before = threads.getThreadAllocatedBytes(threadId);
		for (int i = 0; i < 1_000_000; i++) {
			window.record(i);
		}
		long allocated = threads.getThreadAllocatedBytes(threadId) - before;
		// a million records: any per-record allocation would show as megabytes
		assertThat(allocated).isLessThan(16 * 1024);
		assertThat(window.snapshot().count()).isEqualTo(1000);
	}

	private static com.sun.management.ThreadMXBean threadMXBean() {
		java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
		assumeThat(bean).isInstanceOf(com.sun.management.ThreadMXBean.class);
		com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
		assumeThat(threads.isThreadAllocatedMemorySupported()).isTrue();
		threads.setThreadAllocatedMemoryEnabled(true);
		return threads;
	}

}
