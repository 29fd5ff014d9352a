package dev.llmclient.cluster;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.llmclient.testsupport.RedisServerProcess;
import dev.llmclient.traffic.ConcurrencyLimiter;
import dev.llmclient.traffic.ConcurrencyLimiter.Permit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A call waiting for a cluster permit is woken when another instance releases one, over
 * Redis pub/sub, and still finds it by polling when no message tells of it; against a
 * real Redis. The poll interval is set far longer than the tests' bounds wherever only a
 * wake-up may let the call through.
 */
class ReleaseWakeUpTests {

	private static final Duration NEVER = Duration.ofHours(1);

	private static final ClusterSettings SETTINGS = ClusterSettings.DEFAULTS.withMaxConcurrent(1)
		.withLeaseTtl(Duration.ofSeconds(60));

	private static RedisServerProcess redis;

	@BeforeAll
	static void startRedis() {
		redis = RedisServerProcess.start();
	}

	@AfterAll
	static void stopRedis() {
		redis.close();
	}

	@Test
	void waitingCallIsWokenByAReleaseOnAnotherInstance() throws Exception {
		ClusterSettings settings = SETTINGS.withKey("woken");
		try (RedisFixture fixture = new RedisFixture(redis)) {
			MeterRegistry registry = new SimpleMeterRegistry();
			ConcurrencyLimiter a = limiter(fixture.instance(settings, subscriptions(fixture), NEVER, null));
			ConcurrencyLimiter b = limiter(fixture.instance(settings, subscriptions(fixture), NEVER, registry));
			Permit held = a.tryAcquire(Duration.ZERO);
			assertThat(held).isNotNull();
			Waiting waiting = acquireInBackground(b);
			await().atMost(Duration.ofSeconds(10)).until(waiting::isParked);
			held.release();
			Permit permit = waiting.permit();
			assertThat(permit).as("woken by the release, well before its poll interval").isNotNull();
			assertThat(retries(registry, "wake-up")).isEqualTo(1);
			assertThat(retries(registry, "poll")).isZero();
			permit.release();
		}
	}

	@Test
	void releaseNoMessageTellsOfIsFoundByPolling() throws Exception {
		ClusterSettings settings = SETTINGS.withKey("missed");
		try (RedisFixture fixture = new RedisFixture(redis)) {
			MeterRegistry registry = new SimpleMeterRegistry();
			ConcurrencyLimiter a = limiter(fixture.instance(settings, subscriptions(fixture), NEVER, null));
			ConcurrencyLimiter b = limiter(fixture.instance(settings, () -> {
				throw new RedisConnectionException("pub/sub unavailable");
			}, NEVER, registry));
			Permit held = a.tryAcquire(Duration.ZERO);
			assertThat(held).isNotNull();
			Waiting waiting = acquireInBackground(b);
			await().atMost(Duration.ofSeconds(10)).until(() -> retries(registry, "poll") > 0);
			held.release();
			Permit permit = waiting.permit();
			assertThat(permit).as("found by polling, the subscription being down").isNotNull();
			assertThat(retries(registry, "wake-up")).isZero();
			permit.release();
		}
	}

	@Test
	void releaseByAnInstanceThatDoesNotAnnounceIsFoundByTheSlowPoll() throws Exception {
		ClusterSettings settings = SETTINGS.withKey("silent");
		try (RedisFixture fixture = new RedisFixture(redis)) {
			MeterRegistry registry = new SimpleMeterRegistry();
			ConcurrencyLimiter a = limiter(fixture.instance(settings, subscriptions(fixture), NEVER, null));
			ConcurrencyLimiter b = limiter(
					fixture.instance(settings, subscriptions(fixture), Duration.ofMillis(100), registry));
			Permit held = a.tryAcquire(Duration.ZERO);
			assertThat(held).isNotNull();
			Waiting waiting = acquireInBackground(b);
			await().atMost(Duration.ofSeconds(10)).until(() -> waiting.isParked());
			// removed as an instance of an older version does: without a message
			fixture.raw().sync().del(leasesKey(settings));
			Permit permit = waiting.permit();
			assertThat(permit).isNotNull();
			assertThat(retries(registry, "poll")).isPositive();
			assertThat(retries(registry, "wake-up")).isZero();
			permit.release();
		}
	}

	@Test
	void cancelledWaitingCallLeavesNoLeaseAndTheNextIsWoken() throws Exception {
		ClusterSettings settings = SETTINGS.withKey("cancelled");
		try (RedisFixture fixture = new RedisFixture(redis)) {
			ConcurrencyLimiter a = limiter(fixture.instance(settings, subscriptions(fixture), NEVER, null));
			ConcurrencyLimiter b = limiter(fixture.instance(settings, subscriptions(fixture), NEVER, null));
			Permit held = a.tryAcquire(Duration.ZERO);
			assertThat(held).isNotNull();
			Waiting cancelled = acquireInBackground(b);
			await().atMost(Duration.ofSeconds(10)).until(cancelled::isParked);
			Waiting next = acquireInBackground(b);
			await().atMost(Duration.ofSeconds(10)).until(() -> next.isParked());
			cancelled.thread().interrupt();
			assertThat(cancelled.result()).failsWithin(Duration.ofSeconds(10))
				.withThrowableOfType(ExecutionException.class)
				.withCauseInstanceOf(InterruptedException.class);
			held.release();
			Permit permit = next.permit();
			assertThat(permit).isNotNull();
			assertThat(fixture.raw().sync().zcard(leasesKey(settings))).as("only the woken call's lease").isOne();
			permit.release();
			await().atMost(Duration.ofSeconds(10)).until(() -> fixture.raw().sync().zcard(leasesKey(settings)) == 0);
		}
	}

	@Test
	void waitThatRunsOutLeavesNoLeaseAndTheLineMovesOn() throws Exception {
		ClusterSettings settings = SETTINGS.withKey("ran-out");
		try (RedisFixture fixture = new RedisFixture(redis)) {
			ConcurrencyLimiter a = limiter(fixture.instance(settings, subscriptions(fixture), NEVER, null));
			ConcurrencyLimiter b = limiter(fixture.instance(settings, subscriptions(fixture), NEVER, null));
			Permit held = a.tryAcquire(Duration.ZERO);
			assertThat(held).isNotNull();
			assertThat(b.tryAcquire(Duration.ofMillis(200))).as("no permit within the wait").isNull();
			assertThat(b.inFlight()).as("the local permit is given back").isZero();
			Waiting next = acquireInBackground(b);
			await().atMost(Duration.ofSeconds(10)).until(next::isParked);
			held.release();
			Permit permit = next.permit();
			assertThat(permit).as("woken: first in line once the other call left it").isNotNull();
			assertThat(fixture.raw().sync().zcard(leasesKey(settings))).isOne();
			permit.release();
		}
	}

	@Test
	void closeEndsTheSubscription() throws Exception {
		ClusterSettings settings = SETTINGS.withKey("closed");
		try (RedisFixture fixture = new RedisFixture(redis)) {
			ClusterLimits limits = fixture.instance(settings, subscriptions(fixture), NEVER, null);
			limiter(limits);
			String channel = "llm-client:{closed}:released";
			assertThat(fixture.raw().sync().pubsubNumsub(channel)).containsEntry(channel, 1L);
			limits.close();
			await().atMost(Duration.ofSeconds(10))
				.until(() -> fixture.raw().sync().pubsubNumsub(channel).get(channel) == 0L);
		}
	}

	private static Supplier<StatefulRedisPubSubConnection<byte[], byte[]>> subscriptions(RedisFixture fixture) {
		RedisClient client = fixture.client();
		return () -> client.connectPubSub(ByteArrayCodec.INSTANCE);
	}

	private static ConcurrencyLimiter limiter(ClusterLimits limits) {
		return limits.limiter(new RedisFixture.LocalLimiter(4), null);
	}

	private static Waiting acquireInBackground(ConcurrencyLimiter limiter) {
		CompletableFuture<Permit> result = new CompletableFuture<>();
		Thread thread = new Thread(() -> {
			try {
				result.complete(limiter.tryAcquire(Duration.ofSeconds(30)));
			}
			catch (Throwable ex) {
				result.completeExceptionally(ex);
			}
		});
		thread.setDaemon(true);
		thread.start();
		return new Waiting(thread, result);
	}

	/**
	 * A call waiting for a permit in a thread of its own.
	 */
	private record Waiting(Thread thread, CompletableFuture<Permit> result) {

		/** Whether the call waits in line for a lease, not for Redis's answer. */
		boolean isParked() {
			Thread.State state = this.thread.getState();
			return (state == Thread.State.TIMED_WAITING || state == Thread.State.WAITING)
					&& Arrays.stream(this.thread.getStackTrace())
						.anyMatch((frame) -> frame.getClassName().equals(LeaseWaiters.class.getName()));
		}

		Permit permit() throws Exception {
			return this.result.get(10, TimeUnit.SECONDS);
		}

	}

	private static double retries(MeterRegistry registry, String reason) {
		var counter = registry.find("llm.client.cluster.lease.retries").tag("reason", reason).counter();
		return (counter != null) ? counter.count() : 0;
	}

	private static String leasesKey(ClusterSettings settings) {
		return "llm-client:{" + settings.key() + "}:leases";
	}

}
