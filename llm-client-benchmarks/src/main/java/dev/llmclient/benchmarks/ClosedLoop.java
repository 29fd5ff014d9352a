package dev.llmclient.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * K threads calling one contender back to back for a fixed time. The counters (this JVM's
 * CPU time, the allocation of every live thread, the stub's requests and accepted
 * connections) are read after every thread has finished its last call but before any has
 * ended, so nothing the workers did is missed.
 */
final class ClosedLoop {

	static final String PROMPT = "Say hello to the benchmark.";

	private ClosedLoop() {
	}

	static Measurement run(Contender contender, int threads, long windowMillis, StubProcess stub)
			throws InterruptedException {
		CountDownLatch ready = new CountDownLatch(threads);
		CountDownLatch go = new CountDownLatch(1);
		CountDownLatch finished = new CountDownLatch(threads);
		CountDownLatch release = new CountDownLatch(1);
		long[] calls = new long[threads];
		long[] errors = new long[threads];
		AtomicReference<Throwable> firstError = new AtomicReference<>();
		Stop stop = new Stop();
		List<Thread> workers = new ArrayList<>();
		for (int i = 0; i < threads; i++) {
			int index = i;
			Thread worker = new Thread(() -> {
				ready.countDown();
				awaitQuietly(go);
				long done = 0;
				long failed = 0;
				while (!stop.requested) {
					try {
						contender.call(PROMPT);
						done++;
					}
					catch (Throwable ex) {
						failed++;
						firstError.compareAndSet(null, ex);
					}
				}
				calls[index] = done;
				errors[index] = failed;
				finished.countDown();
				awaitQuietly(release);
			}, "bench-worker-" + i);
			worker.setDaemon(true);
			workers.add(worker);
			worker.start();
		}
		ready.await();
		StubProcess.Stats stubBefore = stub.stats();
		Jvm.AllocationSnapshot allocationBefore = Jvm.allocation();
		long cpuBefore = Jvm.processCpuNanos();
		long start = System.nanoTime();
		go.countDown();
		Thread.sleep(windowMillis);
		stop.requested = true;
		if (!finished.await(Contender.READ_TIMEOUT.toSeconds() + 10, TimeUnit.SECONDS)) {
			throw new IllegalStateException("workers did not finish their last call");
		}
		long wall = System.nanoTime() - start;
		long cpu = Jvm.processCpuNanos() - cpuBefore;
		long allocated = Jvm.allocation().since(allocationBefore);
		StubProcess.Stats stubDelta = stub.stats().minus(stubBefore);
		release.countDown();
		for (Thread worker : workers) {
			worker.join();
		}
		long totalCalls = 0;
		long totalErrors = 0;
		for (int i = 0; i < threads; i++) {
			totalCalls += calls[i];
			totalErrors += errors[i];
		}
		Throwable error = firstError.get();
		return new Measurement(totalCalls, totalErrors, wall, cpu, allocated, stubDelta.connections(),
				stubDelta.requests(), stubDelta.cpuNanos(), (error != null) ? error.toString() : null);
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static final class Stop {

		volatile boolean requested;

	}

	/** What one window measured. */
	record Measurement(long calls, long errors, long wallNanos, long cpuNanos, long allocatedBytes, long newConnections,
			long stubRequests, long stubCpuNanos, String firstError) {

		double callsPerSecond() {
			return this.calls * 1e9 / this.wallNanos;
		}

		double cpuMicrosPerCall() {
			return this.cpuNanos / 1e3 / Math.max(1, this.calls);
		}

		double kilobytesPerCall() {
			return this.allocatedBytes / 1024.0 / Math.max(1, this.calls);
		}

		double stubCpuMicrosPerCall() {
			return this.stubCpuNanos / 1e3 / Math.max(1, this.stubRequests);
		}

		/** New connections the stub accepted, per 5 s of load. */
		double newConnectionsPer5s() {
			return this.newConnections * 5e9 / this.wallNanos;
		}

	}

}
