package dev.llmclient.internal.limits;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.llmclient.LlmBulkheadFullException;
import dev.llmclient.LlmClientException;
import dev.llmclient.LlmClientSettings;
import dev.llmclient.RequestClass;
import dev.llmclient.testsupport.TestClients;
import dev.llmclient.traffic.ConcurrencyLimiter;
import dev.llmclient.traffic.ConcurrencyLimiter.Signal;

import static dev.llmclient.RequestClass.BATCH;
import static dev.llmclient.RequestClass.INTERACTIVE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Admission by request class over real limiters: who gets the next permit while both
 * classes wait, the shares as the adaptive limit moves, and every permit back after every
 * way a wait ends.
 */
class ClassQueueTests {

	private final ExecutorService threads = Executors.newCachedThreadPool();

	/** The time the recent peak of interactive calls ages by. */
	private final AtomicLong clock = new AtomicLong(1_000_000_000L);

	@AfterEach
	void stopThreads() throws InterruptedException {
		this.threads.shutdownNow();
		assertThat(this.threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void waitingInteractiveCallsGetPermitsBeforeBatchCallsThatWaitedLonger() throws Exception {
		FixedLimiter limiter = new FixedLimiter(2);
		Bulkhead bulkhead = bulkhead(settings(2, 0.75, 0.75), limiter);
		List<ConcurrencyLimiter.Permit> held = take(bulkhead, BATCH, 2);
		Future<ConcurrencyLimiter.Permit> batch = waitFor(bulkhead, BATCH);
		await().until(() -> bulkhead.waiting(BATCH) == 1);
		Future<ConcurrencyLimiter.Permit> interactive = waitFor(bulkhead, INTERACTIVE);
		await().until(() -> bulkhead.waiting(INTERACTIVE) == 1);
		held.get(0).release();
		ConcurrencyLimiter.Permit first = interactive.get(10, TimeUnit.SECONDS);
		assertThat(batch).isNotDone();
		assertThat(bulkhead.inFlight(INTERACTIVE)).isEqualTo(1);
		held.get(1).release();
		ConcurrencyLimiter.Permit second = batch.get(10, TimeUnit.SECONDS);
		first.release();
		second.release();
		assertAllBack(bulkhead, limiter);
	}

	@Test
	void batchKeepsPermitsFreeForTheInteractiveCallsSeenLately() throws Exception {
		FixedLimiter limiter = new FixedLimiter(8);
		Bulkhead bulkhead = bulkhead(settings(8, 0.5, 0.75), limiter);
		assertThat(take(bulkhead, BATCH, 8)).as("a batch alone takes the whole limit")
			.allSatisfy(ConcurrencyLimiter.Permit::release);
		// three interactive calls at once
		take(bulkhead, INTERACTIVE, 3).forEach(ConcurrencyLimiter.Permit::release);
		List<ConcurrencyLimiter.Permit> batch = take(bulkhead, BATCH, 5);
		assertThat(bulkhead.tryAcquireNow(BATCH)).as("three permits kept free").isNull();
		assertThat(bulkhead.stats().byClass().get("batch").share()).isEqualTo(5 / 8.0);
		List<ConcurrencyLimiter.Permit> interactive = take(bulkhead, INTERACTIVE, 3);
		assertThat(bulkhead.stats().byClass().get("interactive").share()).isEqualTo(1.0);
		interactive.forEach(ConcurrencyLimiter.Permit::release);
		batch.forEach(ConcurrencyLimiter.Permit::release);
		// never more than 1 - batch-share of the limit kept free
		take(bulkhead, INTERACTIVE, 8).forEach(ConcurrencyLimiter.Permit::release);
		batch = take(bulkhead, BATCH, 4);
		assertThat(bulkhead.tryAcquireNow(BATCH)).as("batch-share 0.5 of 8").isNull();
		batch.forEach(ConcurrencyLimiter.Permit::release);
		// a batch waiting in line gets the whole limit again once no interactive call
		// came
		// for a while
		List<ConcurrencyLimiter.Permit> all = take(bulkhead, BATCH, 4);
		Future<ConcurrencyLimiter.Permit> waiting = waitFor(bulkhead, BATCH);
		await().until(() -> bulkhead.waiting(BATCH) == 1);
		this.clock.addAndGet(TimeUnit.SECONDS.toNanos(2 * ClassQueue.RECENT_SECONDS));
		all.add(waiting.get(10, TimeUnit.SECONDS));
		all.addAll(take(bulkhead, BATCH, 3));
		assertThat(bulkhead.inFlight(BATCH)).isEqualTo(8);
		all.forEach(ConcurrencyLimiter.Permit::release);
		assertAllBack(bulkhead, limiter);
	}

	@Test
	void interactiveFloodLeavesBatchTheRestOfTheLimit() throws Exception {
		FixedLimiter limiter = new FixedLimiter(4);
		// interactive-share 0.75 of 4: interactive calls hold at most 3 while batch waits
		Bulkhead bulkhead = bulkhead(settings(4, 0.75, 0.75), limiter);
		List<ConcurrencyLimiter.Permit> interactiveHeld = take(bulkhead, INTERACTIVE, 4);
		List<Future<ConcurrencyLimiter.Permit>> flood = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			flood.add(waitFor(bulkhead, INTERACTIVE));
		}
		await().until(() -> bulkhead.waiting(INTERACTIVE) == 5);
		Future<ConcurrencyLimiter.Permit> batch = waitFor(bulkhead, BATCH);
		await().until(() -> bulkhead.waiting(BATCH) == 1);
		assertThat(bulkhead.stats().byClass().get("interactive").share()).isEqualTo(0.75);
		interactiveHeld.remove(0).release();
		ConcurrencyLimiter.Permit batchPermit = batch.get(10, TimeUnit.SECONDS);
		assertThat(bulkhead.inFlight(INTERACTIVE)).isEqualTo(3);
		assertThat(bulkhead.inFlight(BATCH)).isEqualTo(1);
		assertThat(flood).noneMatch(Future::isDone);
		// with no batch call waiting, interactive calls take all of it again
		batchPermit.release();
		interactiveHeld.forEach(ConcurrencyLimiter.Permit::release);
		List<ConcurrencyLimiter.Permit> floodPermits = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			floodPermits.add(await().until(() -> done(flood), (permit) -> permit != null));
		}
		assertThat(bulkhead.inFlight(INTERACTIVE)).isEqualTo(4);
		floodPermits.forEach(ConcurrencyLimiter.Permit::release);
		flood.get(0).get(10, TimeUnit.SECONDS).release();
		assertAllBack(bulkhead, limiter);
	}

	@Test
	void sharesFollowTheAdaptiveLimitAsItMoves() throws Exception {
		AtomicLong clock = new AtomicLong(1_000_000_000L);
		LlmClientSettings settings = TestClients.builder()
			.endpoint("http://127.0.0.1:1/v1")
			.limits((limits) -> limits.withMaxConcurrent(8).withBatchShare(0.5).withInteractiveShare(0.5))
			.adaptive((adaptive) -> adaptive.withEnabled(true))
			.settings();
		AdaptiveLimiter limiter = new AdaptiveLimiter(settings, clock::get);
		Bulkhead bulkhead = new Bulkhead(settings, limiter, this.clock::get);
		// slow start: one more per answer, up to max-concurrent 8
		for (int i = 0; i < 7; i++) {
			ConcurrencyLimiter.Permit permit = bulkhead.tryAcquireNow(BATCH);
			permit.attemptEnded(clock.addAndGet(1_000), 1, Signal.SUCCESS);
			permit.release();
		}
		assertThat(limiter.limit()).isEqualTo(8);
		assertThat(interactiveHeldWhenBatchGetsAPermit(bulkhead)).as("half of 8").isEqualTo(4);
		// the first refusal halves the limit at most
		List<ConcurrencyLimiter.Permit> out = take(bulkhead, INTERACTIVE, 8);
		out.get(7).attemptEnded(clock.addAndGet(1_000), 1, Signal.DROPPED);
		out.forEach(ConcurrencyLimiter.Permit::release);
		assertThat(limiter.limit()).isEqualTo(7);
		assertThat(interactiveHeldWhenBatchGetsAPermit(bulkhead)).as("half of 7").isEqualTo(3);
		assertAllBack(bulkhead, limiter);
	}

	/**
	 * Fills the limit with batch calls, lines up as many interactive calls and one more
	 * batch call, and ends batch calls one by one: each permit goes to an interactive
	 * call until they hold their share, then to the batch call.
	 * @return the interactive calls in flight when the batch call got its permit
	 */
	private int interactiveHeldWhenBatchGetsAPermit(Bulkhead bulkhead) throws Exception {
		// no interactive call for a while: batch calls may take the whole limit
		this.clock.addAndGet(TimeUnit.SECONDS.toNanos(2 * ClassQueue.RECENT_SECONDS));
		int limit = bulkhead.limit();
		List<ConcurrencyLimiter.Permit> batchHeld = take(bulkhead, BATCH, limit);
		List<ConcurrencyLimiter.Permit> interactiveHeld = new ArrayList<>();
		List<Future<ConcurrencyLimiter.Permit>> flood = new ArrayList<>();
		for (int i = 0; i < limit; i++) {
			flood.add(waitFor(bulkhead, INTERACTIVE));
		}
		await().until(() -> bulkhead.waiting(INTERACTIVE) == limit);
		Future<ConcurrencyLimiter.Permit> batch = waitFor(bulkhead, BATCH);
		await().until(() -> bulkhead.waiting(BATCH) == 1);
		while (!batch.isDone()) {
			int waitingBefore = bulkhead.waiting(INTERACTIVE);
			batchHeld.remove(0).release();
			await().until(() -> batch.isDone() || bulkhead.waiting(INTERACTIVE) < waitingBefore);
			if (!batch.isDone()) {
				interactiveHeld.add(await().until(() -> done(flood), (permit) -> permit != null));
			}
		}
		int interactiveWhenBatchGotIt = bulkhead.inFlight(INTERACTIVE);
		assertThat(interactiveHeld).hasSize(interactiveWhenBatchGotIt);
		batch.get().release();
		batchHeld.forEach(ConcurrencyLimiter.Permit::release);
		interactiveHeld.forEach(ConcurrencyLimiter.Permit::release);
		for (Future<ConcurrencyLimiter.Permit> waiter : flood) {
			waiter.get(10, TimeUnit.SECONDS).release();
		}
		return interactiveWhenBatchGotIt;
	}

	@Test
	void waitsThatTimeOutOrAreInterruptedGiveEverythingBack() throws Exception {
		FixedLimiter limiter = new FixedLimiter(1);
		Bulkhead bulkhead = bulkhead(settings(1, 0.75, 0.75), limiter);
		ConcurrencyLimiter.Permit held = bulkhead.tryAcquireNow(BATCH);
		Future<ConcurrencyLimiter.Permit> interrupted = waitFor(bulkhead, INTERACTIVE);
		await().until(() -> bulkhead.waiting(INTERACTIVE) == 1);
		interrupted.cancel(true);
		await().until(() -> bulkhead.waiting(INTERACTIVE) == 0);
		assertThatExceptionOfType(LlmBulkheadFullException.class)
			.isThrownBy(() -> bulkhead.acquire(BATCH, Duration.ofMillis(20)));
		assertThatExceptionOfType(LlmBulkheadFullException.class)
			.isThrownBy(() -> bulkhead.acquire(INTERACTIVE, Duration.ofMillis(20)));
		held.release();
		assertAllBack(bulkhead, limiter);
		assertThat(bulkhead.tryAcquireNow(INTERACTIVE)).as("the permit is free again")
			.isNotNull()
			.satisfies(ConcurrencyLimiter.Permit::release);
	}

	@Test
	void fullBulkheadSaysWhenTheClassWaitedForItsShare() throws Exception {
		FixedLimiter limiter = new FixedLimiter(4);
		Bulkhead bulkhead = bulkhead(settings(4, 0.75, 0.5), limiter);
		List<ConcurrencyLimiter.Permit> held = take(bulkhead, INTERACTIVE, 4);
		Future<ConcurrencyLimiter.Permit> batch = waitFor(bulkhead, BATCH);
		await().until(() -> bulkhead.waiting(BATCH) == 1);
		assertThatExceptionOfType(LlmBulkheadFullException.class)
			.isThrownBy(() -> bulkhead.acquire(INTERACTIVE, Duration.ofMillis(20)))
			.withMessageContaining("interactive")
			.withMessageContaining("llm.client.interactive-share=0.5")
			.withMessageContaining("4 interactive calls in flight");
		held.forEach(ConcurrencyLimiter.Permit::release);
		batch.get(10, TimeUnit.SECONDS).release();
		this.clock.addAndGet(TimeUnit.SECONDS.toNanos(2 * ClassQueue.RECENT_SECONDS));
		assertThatExceptionOfType(LlmBulkheadFullException.class).isThrownBy(() -> {
			List<ConcurrencyLimiter.Permit> all = take(bulkhead, BATCH, 4);
			try {
				bulkhead.acquire(BATCH, Duration.ofMillis(20));
			}
			finally {
				all.forEach(ConcurrencyLimiter.Permit::release);
			}
		}).withMessageNotContaining("share");
		assertAllBack(bulkhead, limiter);
	}

	@Test
	void mixedStormOfBothClassesEndsWithEveryPermitBack() throws Exception {
		FixedLimiter limiter = new FixedLimiter(3);
		Bulkhead bulkhead = bulkhead(settings(3, 0.75, 0.75), limiter);
		List<Future<?>> workers = new ArrayList<>();
		for (int w = 0; w < 8; w++) {
			RequestClass requestClass = (w % 2 == 0) ? INTERACTIVE : BATCH;
			workers.add(this.threads.submit(() -> {
				ThreadLocalRandom random = ThreadLocalRandom.current();
				for (int i = 0; i < 300; i++) {
					try {
						ConcurrencyLimiter.Permit permit = random.nextBoolean() ? bulkhead.tryAcquireNow(requestClass)
								: bulkhead.acquire(requestClass, Duration.ofNanos(random.nextInt(200_000)));
						if (permit != null) {
							Thread.onSpinWait();
							permit.release();
						}
					}
					catch (LlmBulkheadFullException ex) {
						// waited in vain: nothing to give back
					}
				}
				return null;
			}));
		}
		// and waits ended by interrupts meanwhile
		List<Future<ConcurrencyLimiter.Permit>> interrupted = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			Future<ConcurrencyLimiter.Permit> waiter = waitFor(bulkhead, (i % 2 == 0) ? INTERACTIVE : BATCH);
			waiter.cancel(true);
			interrupted.add(waiter);
		}
		for (Future<?> worker : workers) {
			worker.get(30, TimeUnit.SECONDS);
		}
		await().until(() -> bulkhead.waiting() == 0);
		// a waiter whose permit came before its interrupt holds it, as a caller would
		for (Future<ConcurrencyLimiter.Permit> waiter : interrupted) {
			ConcurrencyLimiter.Permit permit = permitOf(waiter);
			if (permit != null) {
				permit.release();
			}
		}
		assertAllBack(bulkhead, limiter);
	}

	private Future<ConcurrencyLimiter.Permit> waitFor(Bulkhead bulkhead, RequestClass requestClass) {
		CompletableFuture<ConcurrencyLimiter.Permit> result = new CompletableFuture<>();
		Future<?> task = this.threads.submit(() -> {
			try {
				result.complete(bulkhead.acquire(requestClass, Duration.ofSeconds(30)));
			}
			catch (LlmClientException ex) {
				result.completeExceptionally(ex);
			}
		});
		return new Future<>() {

			@Override
			public boolean cancel(boolean mayInterruptIfRunning) {
				return task.cancel(mayInterruptIfRunning);
			}

			@Override
			public boolean isCancelled() {
				return task.isCancelled();
			}

			@Override
			public boolean isDone() {
				return result.isDone();
			}

			@Override
			public ConcurrencyLimiter.Permit get()
					throws java.util.concurrent.ExecutionException, InterruptedException {
				return result.get();
			}

			@Override
			public ConcurrencyLimiter.Permit get(long timeout, TimeUnit unit)
					throws java.util.concurrent.ExecutionException, InterruptedException,
					java.util.concurrent.TimeoutException {
				return result.get(timeout, unit);
			}

		};
	}

	/** The permit the waiter got, or {@code null} when it got none or never ran. */
	private static ConcurrencyLimiter.Permit permitOf(Future<ConcurrencyLimiter.Permit> waiter) {
		try {
			return waiter.isDone() ? waiter.get() : null;
		}
		catch (Exception ex) {
			return null;
		}
	}

	/** The permit of a waiter that got one, taking it out of the list, or null. */
	private static ConcurrencyLimiter.Permit done(List<Future<ConcurrencyLimiter.Permit>> waiters) throws Exception {
		for (Future<ConcurrencyLimiter.Permit> waiter : waiters) {
			if (waiter.isDone()) {
				waiters.remove(waiter);
				return waiter.get();
			}
		}
		return null;
	}

	private static List<ConcurrencyLimiter.Permit> take(Bulkhead bulkhead, RequestClass requestClass, int count) {
		List<ConcurrencyLimiter.Permit> permits = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			ConcurrencyLimiter.Permit permit = bulkhead.tryAcquireNow(requestClass);
			assertThat(permit).as("permit %d of %d", i + 1, count).isNotNull();
			permits.add(permit);
		}
		return permits;
	}

	private static void assertAllBack(Bulkhead bulkhead, ConcurrencyLimiter limiter) {
		assertThat(limiter.inFlight()).as("limiter's permits out").isZero();
		for (RequestClass requestClass : RequestClass.values()) {
			assertThat(bulkhead.inFlight(requestClass)).as(requestClass + " in flight").isZero();
			assertThat(bulkhead.waiting(requestClass)).as(requestClass + " waiting").isZero();
		}
	}

	private Bulkhead bulkhead(LlmClientSettings settings, ConcurrencyLimiter limiter) {
		return new Bulkhead(settings, limiter, this.clock::get);
	}

	private static LlmClientSettings settings(int maxConcurrent, double batchShare, double interactiveShare) {
		return TestClients.builder()
			.endpoint("http://127.0.0.1:1/v1")
			.limits((limits) -> limits.withMaxConcurrent(maxConcurrent)
				.withBatchShare(batchShare)
				.withInteractiveShare(interactiveShare))
			.settings();
	}

}
