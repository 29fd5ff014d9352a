package dev.llmclient.internal.limits;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.llmclient.LlmBulkheadFullException;
import dev.llmclient.LlmClientSettings;
import dev.llmclient.RequestClass;
import dev.llmclient.testsupport.TestClients;
import dev.llmclient.traffic.ConcurrencyLimiter;
import dev.llmclient.traffic.ConcurrencyLimiter.Signal;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The adaptive limit's rules, fed deterministic sequences of answers and refusals on a
 * clock of the test's own.
 */
class AdaptiveLimiterTests {

	private final AtomicLong clock = new AtomicLong(1_000_000_000L);

	private final AdaptiveLimiter limiter = new AdaptiveLimiter(settings(100), this.clock::get);

	@Test
	void slowStartGrowsByOnePerAnswer() throws InterruptedException {
		assertThat(this.limiter.limit()).isEqualTo(1);
		answer(3);
		assertThat(this.limiter.limit()).isEqualTo(4);
	}

	@Test
	void firstRefusalSetsTheLimitToWhatTheServerTookNotToAFractionOfTheOvershoot() throws InterruptedException {
		answer(59);
		assertThat(this.limiter.limit()).isEqualTo(60);
		refuse(41);
		assertThat(this.limiter.limit()).as("the server took 40 at once").isEqualTo(40);
	}

	@Test
	void refusedStepGoesBackOneAndTheNextProbeWaitsTwiceAsLong() throws InterruptedException {
		endSlowStartAt(40);
		round();
		assertThat(this.limiter.limit()).as("no probe one round after slow start").isEqualTo(40);
		round();
		assertThat(this.limiter.limit()).as("a probe after two").isEqualTo(41);
		refuse(41);
		assertThat(this.limiter.limit()).as("back to the limit that held").isEqualTo(40);
		rounds(3);
		assertThat(this.limiter.limit()).as("no probe after three rounds").isEqualTo(40);
		round();
		assertThat(this.limiter.limit()).as("a probe after four").isEqualTo(41);
	}

	@Test
	void probesOfACapThatHoldsComeAtMostEveryEightRounds() throws InterruptedException {
		endSlowStartAt(40);
		int probes = 0;
		for (int i = 0; i < 40; i++) {
			round();
			if (this.limiter.limit() == 41) {
				probes++;
				refuse(41);
			}
		}
		assertThat(probes).as("after 2, 4, 8, 8, 8, 8 rounds").isEqualTo(6);
	}

	@Test
	void probeThatHoldsForARoundIsFollowedByTheNextOne() throws InterruptedException {
		endSlowStartAt(40);
		rounds(4);
		assertThat(this.limiter.limit()).isEqualTo(43);
	}

	@Test
	void noProbeBeforeTheRoundHasLastedASecond() throws InterruptedException {
		endSlowStartAt(40);
		round();
		answer(200);
		assertThat(this.limiter.limit()).isEqualTo(40);
		this.clock.addAndGet(AdaptiveLimiter.MIN_ROUND.toNanos());
		answer(1);
		assertThat(this.limiter.limit()).isEqualTo(41);
	}

	@Test
	void refusalAtALimitThatHeldCutsItByTheBackoffRatio() throws InterruptedException {
		endSlowStartAt(40);
		round();
		assertThat(this.limiter.limit()).isEqualTo(40);
		refuse(40);
		assertThat(this.limiter.limit()).as("40 × 0.9").isEqualTo(36);
	}

	@Test
	void refusalsOfAttemptsStartedBeforeTheLastDecreaseAreIgnored() throws InterruptedException {
		answer(59);
		long before = this.clock.get();
		this.clock.addAndGet(1_000_000);
		refuse(41);
		List<ConcurrencyLimiter.Permit> permits = take(40);
		permits.get(39).attemptEnded(before, 1, Signal.DROPPED);
		permits.forEach(ConcurrencyLimiter.Permit::release);
		assertThat(this.limiter.limit()).isEqualTo(40);
	}

	@Test
	void endOfSlowStartKeepsAtLeastHalfTheLimitWhenTheCountLagged() throws InterruptedException {
		answer(59);
		refuse(41);
		assertThat(this.limiter.limit()).isEqualTo(40);
		AdaptiveLimiter lagged = new AdaptiveLimiter(settings(100), this.clock::get);
		for (int i = 0; i < 59; i++) {
			ConcurrencyLimiter.Permit permit = lagged.tryAcquire(Duration.ZERO);
			permit.attemptEnded(this.clock.get(), 1, Signal.SUCCESS);
			permit.release();
		}
		this.clock.addAndGet(1);
		ConcurrencyLimiter.Permit early = lagged.tryAcquire(Duration.ZERO);
		early.attemptEnded(this.clock.get(), 1, Signal.DROPPED);
		early.release();
		assertThat(lagged.limit()).as("half of 60, not the 1 - 1 the count said").isEqualTo(30);
	}

	@Test
	void limitStaysWithinMinConcurrentAndMaxConcurrent() throws InterruptedException {
		AdaptiveLimiter small = new AdaptiveLimiter(settings(8), this.clock::get);
		for (int i = 0; i < 20; i++) {
			ConcurrencyLimiter.Permit permit = small.tryAcquire(Duration.ZERO);
			permit.attemptEnded(this.clock.get(), 1, Signal.SUCCESS);
			permit.release();
		}
		assertThat(small.limit()).isEqualTo(8);
		for (int i = 0; i < 10; i++) {
			this.clock.addAndGet(1);
			ConcurrencyLimiter.Permit permit = small.tryAcquire(Duration.ZERO);
			permit.attemptEnded(this.clock.get(), 1, Signal.DROPPED);
			permit.release();
		}
		assertThat(small.limit()).as("at least min-concurrent").isEqualTo(1);
	}

	@Test
	void permitsFollowTheLimit() throws InterruptedException {
		endSlowStartAt(40);
		List<ConcurrencyLimiter.Permit> permits = take(41);
		assertThat(permits).as("permits of a limit of 40").hasSize(40);
		permits.forEach(ConcurrencyLimiter.Permit::release);
	}

	@Test
	void fullBulkheadQuotesTheAdaptiveLimit() throws InterruptedException {
		LlmClientSettings settings = settings(64);
		AdaptiveLimiter adaptive = new AdaptiveLimiter(settings, this.clock::get);
		Bulkhead bulkhead = new Bulkhead(settings, adaptive);
		ConcurrencyLimiter.Permit permit = bulkhead.acquire(RequestClass.INTERACTIVE, Duration.ZERO);
		LlmBulkheadFullException full = bulkhead.full();
		assertThat(full.limit()).isEqualTo(1);
		assertThat(full.maxConcurrent()).isEqualTo(64);
		assertThat(full).hasMessageContaining("1 calls in flight, adaptive limit 1 of llm.client.max-concurrent=64")
			.hasMessageContaining("llm.client.max-wait");
		permit.release();
	}

	@Test
	void fullBulkheadWithAFixedLimitQuotesMaxConcurrent() {
		LlmClientSettings settings = settings(4);
		Bulkhead bulkhead = new Bulkhead(settings, new FixedLimiter(4));
		assertThat(bulkhead.full()).hasMessageContaining("0 calls in flight of llm.client.max-concurrent=4")
			.hasMessageNotContaining("adaptive");
	}

	/** Grows in slow start past {@code limit}, then has the server refuse one more. */
	private void endSlowStartAt(int limit) throws InterruptedException {
		answer(limit + 5);
		refuse(limit + 1);
		assertThat(this.limiter.limit()).isEqualTo(limit);
	}

	/**
	 * A round: as many answers as the limit, the last one a second after the round began.
	 */
	private void round() throws InterruptedException {
		int limit = this.limiter.limit();
		answer(limit - 1);
		this.clock.addAndGet(AdaptiveLimiter.MIN_ROUND.toNanos());
		answer(1);
	}

	private void rounds(int count) throws InterruptedException {
		for (int i = 0; i < count; i++) {
			round();
		}
	}

	private void answer(int count) throws InterruptedException {
		for (int i = 0; i < count; i++) {
			this.clock.addAndGet(1_000);
			ConcurrencyLimiter.Permit permit = this.limiter.tryAcquire(Duration.ZERO);
			permit.attemptEnded(this.clock.get(), 1, Signal.SUCCESS);
			permit.release();
		}
	}

	/** The server refuses the last of {@code permitsOut} attempts in flight. */
	private void refuse(int permitsOut) throws InterruptedException {
		this.clock.addAndGet(1_000);
		List<ConcurrencyLimiter.Permit> permits = take(permitsOut);
		assertThat(permits).hasSize(permitsOut);
		permits.get(permitsOut - 1).attemptEnded(this.clock.get(), 1, Signal.DROPPED);
		permits.forEach(ConcurrencyLimiter.Permit::release);
	}

	private List<ConcurrencyLimiter.Permit> take(int count) throws InterruptedException {
		List<ConcurrencyLimiter.Permit> permits = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			ConcurrencyLimiter.Permit permit = this.limiter.tryAcquire(Duration.ZERO);
			if (permit == null) {
				break;
			}
			permits.add(permit);
		}
		return permits;
	}

	private static LlmClientSettings settings(int maxConcurrent) {
		return TestClients.builder()
			.endpoint("http://127.0.0.1:1/v1")
			.limits((limits) -> limits.withMaxConcurrent(maxConcurrent))
			.adaptive((adaptive) -> adaptive.withEnabled(true))
			.settings();
	}

}
