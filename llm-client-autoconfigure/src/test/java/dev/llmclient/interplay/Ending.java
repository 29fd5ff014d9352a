package dev.llmclient.interplay;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

import org.awaitility.core.ConditionTimeoutException;

import dev.llmclient.ChatResponse;
import dev.llmclient.LlmClient;
import dev.llmclient.LlmClientException;
import dev.llmclient.LlmClientClosedException;
import dev.llmclient.LlmTimeoutException;
import dev.llmclient.batch.BatchItem;
import dev.llmclient.batch.BatchOptions;
import dev.llmclient.batch.BatchResult;
import dev.llmclient.batch.LlmBatchDeadlineException;
import dev.llmclient.batch.LlmBatchService;
import dev.llmclient.traffic.ConcurrencyLimiter;

import static org.awaitility.Awaitility.await;

/**
 * How the caller ends its calls: the first axis of the matrix. Each ending runs a storm
 * of {@value #CALLS} calls through the public API against the rig's client, ends them at
 * moments drawn from the cell's random, and tells what the callers saw.
 */
enum Ending {

	/** {@code chatAsync}, then {@code future.cancel(true)} after a random delay. */
	CANCEL_FUTURES(Set.of("cancelled"), true) {
		@Override
		Storm run(Rig rig, SplittableRandom random) {
			LlmClient client = rig.client(UnaryOperator.identity());
			Storm storm = new Storm();
			long[] starts = draws(random, SPREAD);
			long[] cancels = draws(random, CANCEL_WITHIN);
			ScheduledExecutorService timer = timer();
			try {
				List<CompletableFuture<ChatResponse>> calls = submitAtRandomMoments(rig, client, storm, timer, starts,
						false, (call, future) -> timer.schedule(() -> future.cancel(true), cancels[call],
								TimeUnit.MILLISECONDS));
				classify(calls, storm, CancellationException.class::isInstance);
			}
			finally {
				timer.shutdownNow();
			}
			return storm;
		}
	},

	/** A batch whose deadline ({@code BatchOptions.withDeadline}) passes mid-batch. */
	BATCH_DEADLINE(Set.of("cancelled"), true) {
		@Override
		Storm run(Rig rig, SplittableRandom random) {
			LlmClient client = rig.client(UnaryOperator.identity());
			Storm storm = new Storm();
			// a whole batch takes about 1 s: 200 calls of 60 ms, 8 to 12 at once
			Duration deadline = Duration.ofMillis(200 + random.nextInt(400));
			storm.note("batch deadline " + deadline.toMillis() + " ms");
			BatchResult result = new LlmBatchService(client).generateAll(Rig.prompts(CALLS),
					BatchOptions.defaults().withDeadline(deadline).withProgress((ended, total) -> rig.callEnded()));
			for (BatchItem item : result.items()) {
				if (item instanceof BatchItem.Failure failure
						&& failure.error() instanceof LlmBatchDeadlineException expired && !expired.started()) {
					continue; // never sent: not a call
				}
				storm.started();
				if (item instanceof BatchItem.Failure failure) {
					if (failure.error() instanceof LlmBatchDeadlineException) {
						storm.ended();
					}
					else {
						storm.unexpected(failure.error());
					}
				}
				else {
					storm.succeeded();
				}
			}
			return storm;
		}
	},

	/**
	 * {@code stream}, whose consumer throws a {@code RuntimeException} after k chunks.
	 */
	CONSUMER_STOPS_STREAM(Set.of("cancelled"), true) {
		@Override
		Storm run(Rig rig, SplittableRandom random) {
			return streams(rig, random, (chunks) -> new IllegalStateException("enough after " + chunks + " chunks"));
		}
	},

	/**
	 * {@code stream}, whose consumer throws a checked {@code IOException} (sneakily)
	 * after k chunks.
	 */
	CONSUMER_THROWS_CHECKED(Set.of("cancelled"), true) {
		@Override
		Storm run(Rig rig, SplittableRandom random) {
			return streams(rig, random, (chunks) -> new IOException("could not write chunk " + chunks));
		}
	},

	/**
	 * {@code close()} while async calls arrive and run, with a shutdown timeout short
	 * enough to cut some off. Calls refused because the client was closing are not calls.
	 */
	CLOSE_DURING_LOAD(Set.of("cancelled"), true) {
		@Override
		Storm run(Rig rig, SplittableRandom random) {
			LlmClient client = rig.client(UnaryOperator.identity());
			Storm storm = new Storm();
			long[] starts = draws(random, SPREAD);
			long closeAt = 100 + random.nextInt(200);
			storm.note("closed at " + closeAt + " ms");
			ScheduledExecutorService timer = timer();
			try {
				CompletableFuture<Void> closed = new CompletableFuture<>();
				timer.schedule(() -> {
					client.close();
					closed.complete(null);
				}, closeAt, TimeUnit.MILLISECONDS);
				List<CompletableFuture<ChatResponse>> calls = submitAtRandomMoments(rig, client, storm, timer, starts,
						true, (call, future) -> {
						});
				classify(calls, storm, (failure) -> failure instanceof LlmClientClosedException
						|| failure instanceof IllegalStateException || failure instanceof CancellationException);
				closed.get(STORM_LIMIT.toSeconds(), TimeUnit.SECONDS);
			}
			catch (Exception ex) {
				storm.unexpected("close() did not return: " + ex);
			}
			finally {
				timer.shutdownNow();
			}
			return storm;
		}
	},

	/**
	 * Calls whose deadline ({@code limits.timeout}) is shorter than the wait for a
	 * permit: another instance's calls, held by the server, keep every permit (the
	 * client-wide limiter the two clients share, or the cluster's leases), so the calls
	 * expire before they are sent. Only the wait for a permit can expire a call before it
	 * is sent: a budget that would not refill in time refuses a call at once instead of
	 * letting it wait out its deadline.
	 */
	DEADLINE_BEFORE_SEND(Set.of("timeout", "cancelled"), false) {
		@Override
		Storm run(Rig rig, SplittableRandom random) {
			boolean cluster = rig.setUp() == SetUp.CLUSTER;
			AtomicReference<ConcurrencyLimiter> shared = new AtomicReference<>();
			LlmClient holder = rig.otherInstance("holder",
					(builder) -> cluster ? builder : builder.concurrencyLimiter((limiter) -> {
						shared.set(limiter);
						return limiter;
					}));
			int holding = cluster ? Rig.CLUSTER_MAX_CONCURRENT : Rig.MAX_CONCURRENT;
			List<CompletableFuture<ChatResponse>> holds = new ArrayList<>();
			for (int i = 0; i < holding; i++) {
				holds.add(holder.chatAsync(Rig.request("hold", i)));
			}
			// every permit the holder can take is taken: the adaptive limit starts at 1;
			// with several endpoints each adapts its own, and the calls beyond them hold
			// the client-wide permits while they wait for an endpoint
			boolean routed = rig.setUp() == SetUp.ROUTED_ADAPTIVE;
			await().atMost(STORM_LIMIT)
				.until(() -> cluster ? rig.held() == holding
						: routed ? holder.health().bulkhead().inFlight() == holding
								&& rig.held() == rig.limit(holder.health())
								: rig.held() == holder.health().bulkhead().limit());
			LlmClient client = rig.client((builder) -> {
				builder.limits((limits) -> limits.withTimeout(DEADLINE));
				return cluster ? builder : builder.concurrencyLimiter((own) -> shared.get());
			});
			Storm storm = new Storm();
			storm.note("deadline " + DEADLINE.toMillis() + " ms, " + rig.held() + " permits held by another instance");
			long[] starts = draws(random, Duration.ofMillis(300));
			ScheduledExecutorService timer = timer();
			try {
				List<CompletableFuture<ChatResponse>> calls = submitAtRandomMoments(rig, client, storm, timer, starts,
						false, (call, future) -> {
						});
				classify(calls, storm, LlmTimeoutException.class::isInstance);
			}
			finally {
				timer.shutdownNow();
				rig.releaseHeld();
			}
			try {
				await().atMost(STORM_LIMIT).until(() -> holds.stream().allMatch(Future::isDone));
			}
			catch (ConditionTimeoutException ex) {
				storm.unexpected("the other instance's calls never ended");
			}
			return storm;
		}
	};

	static final int CALLS = 200;

	/** Async calls are made over this span. */
	private static final Duration SPREAD = Duration.ofMillis(400);

	/** A future is cancelled this long after it was made, at most. */
	private static final Duration CANCEL_WITHIN = Duration.ofMillis(200);

	private static final Duration DEADLINE = Duration.ofMillis(60);

	/** Threads calling {@code stream}: more than the client lets in, so some wait. */
	private static final int STREAM_CALLERS = 16;

	/** The longest a storm may take to end before its calls count as hung. */
	static final Duration STORM_LIMIT = Duration.ofSeconds(20);

	private final Set<String> errorTypes;

	private final boolean cancellation;

	Ending(Set<String> errorTypes, boolean cancellation) {
		this.errorTypes = errorTypes;
		this.cancellation = cancellation;
	}

	/**
	 * Runs the storm.
	 * @param rig where the client under test is built and the servers run
	 * @param random the cell's random, which draws every moment and count
	 * @return what the callers saw
	 */
	abstract Storm run(Rig rig, SplittableRandom random);

	/**
	 * The {@code error.type} values a call ended by this ending may be timed under: its
	 * own outcome, never a server's failure.
	 */
	Set<String> errorTypes() {
		return this.errorTypes;
	}

	/**
	 * Whether the calls ended are cancellations (the DESIGN's "cancelled by the caller":
	 * future, batch deadline, consumer, close), which are not failures and never become
	 * the latest error. A deadline that expires is a timeout, which may.
	 */
	boolean isCancellation() {
		return this.cancellation;
	}

	private static long[] draws(SplittableRandom random, Duration bound) {
		long[] draws = new long[CALLS];
		for (int i = 0; i < CALLS; i++) {
			draws[i] = random.nextLong(bound.toMillis() + 1);
		}
		return draws;
	}

	private static ScheduledExecutorService timer() {
		return Executors.newScheduledThreadPool(3, (task) -> {
			Thread thread = new Thread(task, "interplay-storm");
			thread.setDaemon(true);
			return thread;
		});
	}

	/**
	 * Makes one async call at each moment, then hands it to {@code then}, and waits until
	 * every call has been made and has ended.
	 * @param refusalExpected whether a call refused because the client is closing is a
	 * refusal (no call made) rather than an unexpected outcome
	 */
	private static List<CompletableFuture<ChatResponse>> submitAtRandomMoments(Rig rig, LlmClient client, Storm storm,
			ScheduledExecutorService timer, long[] startsMillis, boolean refusalExpected,
			BiConsumer<Integer, CompletableFuture<ChatResponse>> then) {
		List<CompletableFuture<ChatResponse>> calls = new CopyOnWriteArrayList<>();
		CountDownLatch made = new CountDownLatch(startsMillis.length);
		AtomicInteger refused = new AtomicInteger();
		for (int i = 0; i < startsMillis.length; i++) {
			int call = i;
			timer.schedule(() -> {
				try {
					CompletableFuture<ChatResponse> future = client.chatAsync(Rig.request("call", call));
					storm.started();
					future.whenComplete((response, failure) -> rig.callEnded());
					calls.add(future);
					then.accept(call, future);
				}
				catch (IllegalStateException ex) {
					if (refusalExpected) {
						refused.incrementAndGet();
					}
					else {
						storm.unexpected("chatAsync threw " + ex.getClass().getSimpleName());
					}
				}
				catch (RuntimeException ex) {
					storm.unexpected("chatAsync threw " + ex.getClass().getSimpleName());
				}
				finally {
					made.countDown();
				}
			}, startsMillis[i], TimeUnit.MILLISECONDS);
		}
		try {
			await().atMost(STORM_LIMIT)
				.until(() -> made.getCount() == 0 && calls.stream().allMatch(CompletableFuture::isDone));
		}
		catch (ConditionTimeoutException ex) {
			// counted by classify as calls that never ended
		}
		storm.refused(refused.get());
		return calls;
	}

	/** Counts how each call ended: success, the ending's own outcome, or another. */
	private static void classify(List<CompletableFuture<ChatResponse>> calls, Storm storm,
			Predicate<Throwable> endedByTheEnding) {
		for (CompletableFuture<ChatResponse> call : calls) {
			if (!call.isDone()) {
				storm.unexpected("never ended");
				continue;
			}
			Throwable failure = failure(call);
			if (failure == null) {
				storm.succeeded();
			}
			else if (endedByTheEnding.test(failure)) {
				storm.ended();
			}
			else {
				storm.unexpected(failure);
			}
		}
	}

	private static Throwable failure(CompletableFuture<?> call) {
		try {
			call.join();
			return null;
		}
		catch (CancellationException ex) {
			return ex;
		}
		catch (CompletionException ex) {
			return (ex.getCause() != null) ? ex.getCause() : ex;
		}
	}

	/**
	 * Streams from more threads than the client lets in; each consumer throws what
	 * {@code stop} makes after a number of chunks drawn at random, or never (one stream
	 * in five), and the caller must get exactly that throwable back: an unchecked one as
	 * it was, a checked one as the cause of the {@link LlmClientException} saying the
	 * stream was stopped by its consumer.
	 */
	private static Storm streams(Rig rig, SplittableRandom random, StopFactory stop) {
		LlmClient client = rig.client(UnaryOperator.identity());
		Storm storm = new Storm();
		List<Callable<Void>> callers = new ArrayList<>(CALLS);
		for (int i = 0; i < CALLS; i++) {
			int call = i;
			// the consumer sees every text chunk and the finish reason
			int stopAfter = (random.nextInt(5) == 0) ? Integer.MAX_VALUE
					: 1 + random.nextInt(SlowChatServer.CHUNKS + 1);
			callers.add(() -> {
				Throwable thrown = stop.after(stopAfter);
				AtomicInteger seen = new AtomicInteger();
				storm.started();
				try {
					client.stream(Rig.request("call", call), (chunk) -> {
						if (seen.incrementAndGet() == stopAfter) {
							throw Ending.<RuntimeException>sneaky(thrown);
						}
					});
					if (seen.get() >= stopAfter) {
						// the stream went on (retried) after its consumer threw
						storm.unexpected("an answer after the consumer threw");
					}
					else {
						storm.succeeded();
					}
				}
				catch (Throwable ex) {
					if (ex == thrown || (ex instanceof LlmClientException && ex.getCause() == thrown)) {
						storm.ended();
					}
					else {
						storm.unexpected(ex);
					}
				}
				finally {
					rig.callEnded();
				}
				return null;
			});
		}
		ExecutorService threads = Executors.newFixedThreadPool(STREAM_CALLERS);
		try {
			for (Future<Void> caller : threads.invokeAll(callers, STORM_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
				if (caller.isCancelled()) {
					storm.unexpected("never ended");
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			storm.unexpected("interrupted");
		}
		finally {
			threads.shutdownNow();
		}
		return storm;
	}

	@SuppressWarnings("unchecked")
	private static <T extends Throwable> T sneaky(Throwable throwable) throws T {
		throw (T) throwable;
	}

	/** Makes what a consumer throws to stop its stream after so many chunks. */
	@FunctionalInterface
	private interface StopFactory {

		Throwable after(int chunks);

	}

}
