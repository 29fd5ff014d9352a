package dev.llmclient.cluster;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.llmclient.testsupport.RedisServerProcess;
import dev.llmclient.traffic.ConcurrencyLimiter;
import dev.llmclient.traffic.ConcurrencyLimiter.Permit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Leases whose acquisition did not end normally, against a real Redis held still by
 * {@code CLIENT PAUSE}: the acquiring script is sent, the call gives up on its answer,
 * and Redis runs the script once the pause ends.
 */
class LeaseLimiterTests {

	/** Far longer than a test: a lease left behind would still count at its end. */
	private static final Duration TTL = Duration.ofSeconds(60);

	private static final ClusterSettings SETTINGS = ClusterSettings.DEFAULTS.withLeaseTtl(TTL).withMaxConcurrent(1);

	private static final Pattern EVALSHA_CALLS = Pattern.compile("cmdstat_evalsha:calls=(\\d+)");

	private static RedisServerProcess redis;

	private RedisClient rawClient;

	private StatefulRedisConnection<String, String> raw;

	@BeforeAll
	static void startRedis() {
		redis = RedisServerProcess.start();
	}

	@AfterAll
	static void stopRedis() {
		redis.close();
	}

	@BeforeEach
	void connect() {
		this.rawClient = RedisClient.create(redis.url());
		this.raw = this.rawClient.connect();
	}

	@AfterEach
	void disconnect() {
		this.raw.close();
		this.rawClient.shutdown();
	}

	@Test
	void leaseWhoseAcquireTimedOutIsGivenBack() throws Exception {
		ClusterSettings settings = SETTINGS.withKey("acquire-timed-out").withCommandTimeout(Duration.ofMillis(200));
		try (RedisFixture fixture = new RedisFixture(redis)) {
			ConcurrencyLimiter limiter = warmedUp(fixture, settings);
			long scriptsRun = scriptsRun();
			this.raw.sync().clientPause(1000);
			Permit local = limiter.tryAcquire(Duration.ofSeconds(5));
			assertThat(local).as("Redis did not answer in time: local limits apply").isNotNull();
			local.release();
			assertLeaseAddedThenRemoved(settings, scriptsRun);
		}
	}

	@Test
	void leaseWhoseAcquireWasCancelledIsGivenBack() throws Exception {
		ClusterSettings settings = SETTINGS.withKey("acquire-cancelled").withCommandTimeout(Duration.ofSeconds(10));
		try (RedisFixture fixture = new RedisFixture(redis)) {
			ConcurrencyLimiter limiter = warmedUp(fixture, settings);
			long scriptsRun = scriptsRun();
			this.raw.sync().clientPause(1000);
			CompletableFuture<Permit> acquiring = new CompletableFuture<>();
			Thread caller = new Thread(() -> {
				try {
					acquiring.complete(limiter.tryAcquire(Duration.ofSeconds(5)));
				}
				catch (Throwable ex) {
					acquiring.completeExceptionally(ex);
				}
			});
			caller.start();
			// waiting for the answer to the acquiring script
			await().atMost(Duration.ofSeconds(5)).until(() -> caller.getState() == Thread.State.TIMED_WAITING);
			caller.interrupt();
			assertThat(acquiring).failsWithin(Duration.ofSeconds(5))
				.withThrowableOfType(ExecutionException.class)
				.withCauseInstanceOf(InterruptedException.class);
			assertLeaseAddedThenRemoved(settings, scriptsRun);
		}
	}

	/**
	 * Returns a limiter whose scripts Redis already knows, so that the next acquire is
	 * one {@code EVALSHA}.
	 */
	private ConcurrencyLimiter warmedUp(RedisFixture fixture, ClusterSettings settings) throws Exception {
		ConcurrencyLimiter limiter = fixture.instance(settings, Duration.ofMinutes(1), null)
			.limiter(new RedisFixture.LocalLimiter(1), null);
		Permit permit = limiter.tryAcquire(Duration.ZERO);
		assertThat(permit).isNotNull();
		permit.release();
		await().atMost(Duration.ofSeconds(5)).until(() -> leases(settings) == 0);
		return limiter;
	}

	/**
	 * Waits until Redis ran the acquiring script the call gave up on, and the lease it
	 * added is gone: given back rather than left to expire.
	 */
	private void assertLeaseAddedThenRemoved(ClusterSettings settings, long scriptsRunBefore) {
		await().atMost(Duration.ofSeconds(10)).until(() -> scriptsRun() > scriptsRunBefore && leases(settings) == 0);
		assertThat(this.raw.sync().exists(leasesKey(settings))).as("the lease set is gone").isZero();
	}

	private long leases(ClusterSettings settings) {
		return this.raw.sync().zcard(leasesKey(settings));
	}

	private static String leasesKey(ClusterSettings settings) {
		return "llm-client:{" + settings.key() + "}:leases";
	}

	private long scriptsRun() {
		RedisCommands<String, String> commands = this.raw.sync();
		Matcher calls = EVALSHA_CALLS.matcher(commands.info("commandstats"));
		return calls.find() ? Long.parseLong(calls.group(1)) : 0;
	}

}
