package dev.llmclient.benchmarks;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

import com.sun.management.GarbageCollectionNotificationInfo;

/**
 * How much heap a piece of work adds: the most heap found live after any garbage
 * collection while it runs (from the collectors' notifications, so a buffer held only
 * during the work counts, and garbage does not), less the heap live before it. Run with a
 * small young generation, collections come every few megabytes, so the largest live set
 * is seen closely; objects that die after being promoted count until the old generation
 * is collected, which makes the figure an upper bound.
 */
final class HeapWatch {

	/** Collectors tell of a collection on a thread of their own, a moment later. */
	private static final long NOTIFICATION_WAIT_MILLIS = 200;

	private final AtomicLong maxLiveAfterGc = new AtomicLong();

	private final List<MemoryPoolMXBean> heapPools = ManagementFactory.getMemoryPoolMXBeans()
		.stream()
		.filter((pool) -> pool.getType() == MemoryType.HEAP)
		.toList();

	HeapWatch() {
		Set<String> heapPoolNames = this.heapPools.stream().map(MemoryPoolMXBean::getName).collect(Collectors.toSet());
		for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
			((NotificationEmitter) collector).addNotificationListener((notification, handback) -> {
				if (notification.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
					Map<String, MemoryUsage> after = GarbageCollectionNotificationInfo
						.from((CompositeData) notification.getUserData())
						.getGcInfo()
						.getMemoryUsageAfterGc();
					long live = after.entrySet()
						.stream()
						.filter((pool) -> heapPoolNames.contains(pool.getKey()))
						.mapToLong((pool) -> pool.getValue().getUsed())
						.sum();
					this.maxLiveAfterGc.accumulateAndGet(live, Math::max);
				}
			}, null, null);
		}
	}

	/**
	 * Runs a piece of work and measures it.
	 * @param <T> what the work returns
	 * @param work the work
	 * @return its result, time and heap
	 * @throws Exception what the work throws
	 */
	<T> Measured<T> measure(Callable<T> work) throws Exception {
		long before = liveAfterFullGc();
		this.maxLiveAfterGc.set(0);
		this.heapPools.forEach(MemoryPoolMXBean::resetPeakUsage);
		long start = System.nanoTime();
		T result = work.call();
		long nanos = System.nanoTime() - start;
		long peakUsed = this.heapPools.stream().mapToLong((pool) -> pool.getPeakUsage().getUsed()).sum();
		Thread.sleep(NOTIFICATION_WAIT_MILLIS);
		long maxLive = this.maxLiveAfterGc.get();
		long retained = liveAfterFullGc();
		return new Measured<>(result, nanos, Math.max(maxLive, retained) - before, retained - before,
				peakUsed - before);
	}

	private static long liveAfterFullGc() throws InterruptedException {
		for (int i = 0; i < 2; i++) {
			System.gc();
			Thread.sleep(50);
		}
		return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
	}

	/**
	 * A piece of work measured.
	 *
	 * @param <T> what the work returned
	 * @param result what it returned
	 * @param nanos how long it took
	 * @param addedBytes the most heap live during it, less the heap live before
	 * @param retainedBytes the heap live after it (what it returned and kept), less
	 * before
	 * @param peakUsedBytes the heap pools' peak use during it, garbage included, less the
	 * heap live before
	 */
	record Measured<T>(T result, long nanos, long addedBytes, long retainedBytes, long peakUsedBytes) {

	}

}
