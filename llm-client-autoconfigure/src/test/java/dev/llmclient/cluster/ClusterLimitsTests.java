package dev.llmclient.cluster;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.llmclient.LlmClusterUnavailableException;
import dev.llmclient.testsupport.RedisServerProcess;
import dev.llmclient.traffic.ConcurrencyLimiter;
import dev.llmclient.traffic.ConcurrencyLimiter.Permit;
import dev.llmclient.traffic.RateBudget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The cluster limits of several instances against one real Redis: the shared limits hold,
 * a crashed instance's permits come back, and an outage of Redis is survived under either
 * policy.
 */
class ClusterLimitsTests {

	private static final Duration TTL = Duration.ofSeconds(1);

	private static final ClusterSettings SETTINGS = ClusterSettings.DEFAULTS.withLeaseTtl(TTL)
		.withCommandTimeout(Duration.ofSeconds(1));

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
	void threeInstancesNeverExceedTheClusterLimitTogether() throws Exception {
		ClusterSettings settings = SETTINGS.withKey("three-instances").withMaxConcurrent(8);
		AtomicInteger inFlight = new AtomicInteger();
		AtomicInteger highest = new AtomicInteger();
		AtomicInteger done = new AtomicInteger();
		ExecutorService threads = Executors.newFixedThreadPool(36);
		try (RedisFixture fixture = new RedisFixture(redis)) {
			List<Future<?>> work = new ArrayList<>();
			for (int instance = 0; instance < 3; instance++) {
				ConcurrencyLimiter limiter = fixture.instance(settings, Duration.ofMinutes(1), null)
					.limiter(new RedisFixture.LocalLimiter(12), null);
				for (int thread = 0; thread < 12; thread++) {
					work.add(threads.submit(() -> {
						for (int call = 0; call < 15; call++) {
							Permit permit = limiter.tryAcquire(Duration.ofSeconds(20));
							assertThat(permit).isNotNull();
							highest.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
							TimeUnit.MILLISECONDS.sleep(2);
							inFlight.decrementAndGet();
							permit.release();
							done.incrementAndGet();
						}
						return null;
					}));
				}
			}
			for (Future<?> future : work) {
				future.get(60, TimeUnit.SECONDS);
			}
		}
		finally {
			threads.shutdownNow();
		}
		assertThat(done).hasValue(3 * 12 * 15);
		assertThat(highest.get()).isEqualTo(8);
	}

	@Test
	void permitsOfAKilledInstanceComeBackWithinTheLeaseTtl() throws Exception {
		ClusterSettings settings = SETTINGS.withKey(RedisFixture.CLIENT.displayEndpoint()).withMaxConcurrent(4);
		Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
				System.getProperty("java.class.path"), LeaseHolder.class.getName(), redis.url(), "4", TTL.toString())
			.redirectErrorStream(true)
			.start();
		try (RedisFixture fixture = new RedisFixture(redis)) {
			BufferedReader output = new BufferedReader(
					new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
			assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
				String line;
				while ((line = output.readLine()) != null && !line.equals("HOLDING")) {
					// the child's start-up logging
				}
				assertThat(line).isEqualTo("HOLDING");
			});
			ClusterLimits survivor = fixture.instance(settings.withKey(null), Duration.ofMinutes(1), null);
			ConcurrencyLimiter limiter = survivor.limiter(new RedisFixture.LocalLimiter(4), null);
			// the holder renews its leases: past several TTLs they are still held
			await().pollDelay(TTL.multipliedBy(2))
				.atMost(TTL.multipliedBy(3))
				.untilAsserted(() -> assertThat(survivor.details()).containsEntry("inFlight", 4L));
			assertThat(limiter.tryAcquire(Duration.ZERO)).isNull();
			long killed = System.nanoTime();
			holder.destroyForcibly();
			assertThat(holder.waitFor(10, TimeUnit.SECONDS)).isTrue();
			List<Permit> regained = Collections.synchronizedList(new ArrayList<>());
			await().atMost(TTL.plusMillis(500)).untilAsserted(() -> {
				Permit permit = limiter.tryAcquire(Duration.ZERO);
				if (permit != null) {
					regained.add(permit);
				}
				assertThat(regained).hasSize(4);
			});
			assertThat(Duration.ofNanos(System.nanoTime() - killed)).isLessThan(TTL.plusMillis(500));
			regained.forEach(Permit::release);
		}
		finally {
			holder.destroyForcibly();
		}
	}

	@Test
	void leasesOfLongCallsAreRenewedAndReleasedAtOnce() throws Exception {
		ClusterSettings settings = SETTINGS.withKey("renewed").withMaxConcurrent(1);
		try (RedisFixture fixture = new RedisFixture(redis)) {
			ConcurrencyLimiter first = fixture.instance(settings, Duration.ofMinutes(1), null)
				.limiter(new RedisFixture.LocalLimiter(1), null);
			ConcurrencyLimiter second = fixture.instance(settings, Duration.ofMinutes(1), null)
				.limiter(new RedisFixture.LocalLimiter(1), null);
			Permit longCall = first.tryAcquire(Duration.ZERO);
			assertThat(longCall).isNotNull();
			await().pollDelay(TTL.multipliedBy(2))
				.atMost(TTL.multipliedBy(3))
				.untilAsserted(() -> assertThat(second.tryAcquire(Duration.ZERO)).isNull());
			longCall.release();
			Permit next = second.tryAcquire(Duration.ofMillis(200));
			assertThat(next).isNotNull();
			next.release();
		}
	}

	@Test
	void redisDownWithLocalPolicyKeepsToLocalLimitsAndResumes() throws Exception {
		try (RedisServerProcess own = RedisServerProcess.start(); RedisFixture fixture = new RedisFixture(own)) {
			SimpleMeterRegistry registry = new SimpleMeterRegistry();
			ClusterLimits limits = fixture.instance(SETTINGS.withMaxConcurrent(1), Duration.ofMinutes(1), registry);
			ConcurrencyLimiter limiter = limits.limiter(new RedisFixture.LocalLimiter(3), null);
			Permit clusterPermit = limiter.tryAcquire(Duration.ZERO);
			assertThat(limiter.tryAcquire(Duration.ZERO)).isNull();
			own.stop();
			List<Permit> local = new ArrayList<>();
			assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
				local.add(limiter.tryAcquire(Duration.ofSeconds(1)));
				local.add(limiter.tryAcquire(Duration.ofSeconds(1)));
			});
			assertThat(local).doesNotContainNull();
			assertThat(limiter.tryAcquire(Duration.ZERO)).as("the local limit of 3 still holds").isNull();
			assertThat(limits.details()).containsEntry("state", "degraded").doesNotContainKey("inFlight");
			assertThat(registry.get("llm.client.cluster.fallbacks").tag("limit", "concurrency").counter().count())
				.isGreaterThanOrEqualTo(2);
			clusterPermit.release();
			local.forEach(Permit::release);
			own.restart();
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(limits.details()).containsEntry("state", "active"));
			Permit resumed = limiter.tryAcquire(Duration.ofSeconds(1));
			assertThat(resumed).isNotNull();
			assertThat(limiter.tryAcquire(Duration.ZERO)).as("the cluster limit of 1 holds again").isNull();
			assertThat(limits.details()).containsEntry("inFlight", 1L).containsEntry("maxConcurrent", 1);
			resumed.release();
		}
	}

	@Test
	void redisDownWithRejectPolicyFailsFastAndResumes() throws Exception {
		try (RedisServerProcess own = RedisServerProcess.start(); RedisFixture fixture = new RedisFixture(own)) {
			ClusterLimits limits = fixture.instance(
					SETTINGS.withMaxConcurrent(2).withOnRedisFailure(ClusterSettings.OnRedisFailure.REJECT),
					Duration.ofMinutes(1), null);
			RedisFixture.LocalLimiter local = new RedisFixture.LocalLimiter(2);
			ConcurrencyLimiter limiter = limits.limiter(local, null);
			own.stop();
			assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
				for (int i = 0; i < 5; i++) {
					assertThatExceptionOfType(LlmClusterUnavailableException.class)
						.isThrownBy(() -> limiter.tryAcquire(Duration.ofSeconds(1)))
						.withMessageContaining("llm.client.cluster.on-redis-failure=reject")
						.satisfies((ex) -> assertThat(ex.errorType()).isEqualTo("cluster_unavailable"));
				}
			});
			assertThat(local.inFlight()).as("local permits given back").isZero();
			assertThat(limits.details()).containsEntry("state", "unavailable");
			own.restart();
			await().atMost(Duration.ofSeconds(10))
				.ignoreException(LlmClusterUnavailableException.class)
				.untilAsserted(() -> {
					Permit permit = limiter.tryAcquire(Duration.ZERO);
					assertThat(permit).isNotNull();
					permit.release();
				});
			assertThat(limits.details()).containsEntry("state", "active");
		}
	}

	@Test
	void threeInstancesShareOneBudget() throws Exception {
		// a minute scaled to 6 s: units one tenth of a second apart, so that the
		// scheduling jitter of a busy test machine stays small beside the spacing
		Duration period = Duration.ofSeconds(6);
		ClusterSettings settings = SETTINGS.withKey("budget").withRequestsPerMinute(60L);
		List<Long> sent = Collections.synchronizedList(new ArrayList<>());
		ExecutorService threads = Executors.newFixedThreadPool(9);
		try (RedisFixture fixture = new RedisFixture(redis)) {
			List<RateBudget> budgets = new ArrayList<>();
			for (int instance = 0; instance < 3; instance++) {
				budgets.add(fixture.instance(settings, period, null).budget(null, "requests", 60));
			}
			long end = System.nanoTime() + Duration.ofMillis(7500).toNanos();
			List<Future<?>> work = new ArrayList<>();
			for (RateBudget budget : budgets) {
				for (int thread = 0; thread < 3; thread++) {
					work.add(threads.submit(() -> {
						while (System.nanoTime() < end) {
							if (budget.tryTake(1, Duration.ofMillis(200))) {
								sent.add(System.nanoTime());
							}
						}
						return null;
					}));
				}
			}
			for (Future<?> future : work) {
				future.get(30, TimeUnit.SECONDS);
			}
		}
		finally {
			threads.shutdownNow();
		}
		List<Long> times = new ArrayList<>(sent);
		Collections.sort(times);
		int most = 0;
		for (int i = 0, j = 0; i < times.size(); i++) {
			while (times.get(i) - times.get(j) >= period.toNanos()) {
				j++;
			}
			most = Math.max(most, i - j + 1);
		}
		assertThat(most).as("requests in any window of one period").isLessThanOrEqualTo(60);
		assertThat(times).as("the budget was used, not starved").hasSizeGreaterThan(60);
	}

}
