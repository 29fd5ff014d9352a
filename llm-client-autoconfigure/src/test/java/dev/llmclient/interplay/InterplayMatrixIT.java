package dev.llmclient.interplay;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import dev.llmclient.ChatResponse;
import dev.llmclient.LlmClient;
import dev.llmclient.LlmClientHealth;
import dev.llmclient.testsupport.RedisServerProcess;
import dev.llmclient.testsupport.TestClients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The rule "a caller's choice is never the server's failure", over every way a caller
 * ends calls ({@link Ending}) in every set-up ({@link SetUp}). Each cell runs a storm of
 * {@value Ending#CALLS} calls against slow loopback servers, ends them at random moments,
 * then checks that the client holds nothing and blames no one:
 * <ul>
 * <li>no permit in flight or waiting, of either request class (the storm's calls are
 * interactive and batch in turn), no connection leased (client-wide and per
 * endpoint);</li>
 * <li>no lease left in Redis, and the cluster limits active, not degraded;</li>
 * <li>budgets hold what the calls sent took: a request per request the servers received,
 * and per call the usage the servers report (fixed) when its answer was read, else its
 * estimate when it was sent, else nothing (see {@link #checkBudgets}), and the spend
 * budget the same in money;</li>
 * <li>no endpoint cooling down, health UP, and for cancellations no latest error;</li>
 * <li>an adaptive limit that never shrank;</li>
 * <li>{@code gen_ai.client.operation.duration} timing every call made exactly once:
 * successes under {@code none}, the ended ones under their own type ({@code cancelled}),
 * none under a server's failure.</li>
 * </ul>
 * A closed client ({@link Ending#CLOSE_DURING_LOAD}) is checked for all of these but
 * health UP: a client that was closed may well call itself down. It must not blame the
 * server for it, though: no latest error, no endpoint cooling.
 * <p>
 * Every draw comes from one seed, printed with any failure; set it with
 * {@code -Dinterplay.seed=...} to replay the same draws, and pick cells with
 * {@code -Dinterplay.cells=...} (such as {@code "CANCEL_FUTURES in CLUSTER"}, or
 * {@code CLUSTER} for a whole column).
 */
class InterplayMatrixIT {

	private static final long SEED = Long.getLong("interplay.seed", System.nanoTime());

	/** Runs only the cells whose {@code ENDING in SET_UP} name holds this, when set. */
	private static final String ONLY = System.getProperty("interplay.cells", "");

	/** How long what ends after the last call (records, releases) may take. */
	private static final Duration SETTLE = Duration.ofSeconds(3);

	private static RedisServerProcess redis;

	static Stream<Arguments> cells() {
		// every ending in every set-up: each combination means something, since every
		// set-up changes what a call takes before it is sent
		return Stream.of(Ending.values())
			.flatMap((ending) -> Stream.of(SetUp.values())
				.filter((setUp) -> (ending + " in " + setUp).contains(ONLY))
				.map((setUp) -> Arguments.of(ending, setUp)));
	}

	/**
	 * Loads and compiles the client's code before the first storm, so that a cold JVM
	 * does not make the first cell's calls slower than the moments drawn for them.
	 */
	@BeforeAll
	static void warmUp() throws Exception {
		try (SlowChatServer server = new SlowChatServer();
				LlmClient client = TestClients.lazy(server.endpoint())
					.limits((limits) -> limits.withMaxConcurrent(Rig.MAX_CONCURRENT))
					.build()) {
			List<CompletableFuture<ChatResponse>> calls = new ArrayList<>();
			for (int i = 0; i < 50; i++) {
				calls.add(client.chatAsync(Rig.request("warm", i)));
				client.stream(Rig.request("warm", i), (chunk) -> {
				});
			}
			CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
		}
	}

	/** Starts {@code redis-server} for the first cluster cell. */
	private static synchronized RedisServerProcess redis() {
		if (redis == null) {
			redis = RedisServerProcess.start();
		}
		return redis;
	}

	@AfterAll
	static void stopRedis() {
		if (redis != null) {
			redis.close();
		}
	}

	@ParameterizedTest(name = "{0} in {1}")
	@MethodSource("cells")
	@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
	void callersEndingLeavesNothingHeldAndBlamesNoServer(Ending ending, SetUp setUp) throws Exception {
		long seed = new SplittableRandom(SEED + 31L * ending.ordinal() + setUp.ordinal()).nextLong();
		try (Rig rig = Rig.start(setUp, InterplayMatrixIT::redis, ending + "-" + setUp + "-" + SEED)) {
			Storm storm = ending.run(rig, new SplittableRandom(seed));
			List<String> findings = findings(rig, ending, storm);
			System.out.printf("%s in %s: %s; servers received %d requests of %d calls; timed %s; %d findings%n", ending,
					setUp, storm, rig.requests(), rig.calls(), rig.durationsByErrorType(), findings.size());
			assertThat(findings)
				.withFailMessage(
						"%s in %s (seed %d: rerun with -Dinterplay.seed=%d '-Dinterplay.cells=%s in %s')%n  storm: %s%n"
								+ "  findings:%n    %s",
						ending, setUp, SEED, SEED, ending, setUp, storm, String.join("\n    ", findings))
				.isEmpty();
		}
	}

	private static List<String> findings(Rig rig, Ending ending, Storm storm) {
		List<String> findings = new ArrayList<>();
		try {
			await().atMost(SETTLE)
				.pollInterval(Duration.ofMillis(20))
				.ignoreExceptions()
				.until(() -> settled(rig, storm));
		}
		catch (ConditionTimeoutException ex) {
			// each check below says what did not settle
		}
		if (!storm.unexpectedOutcomes().isEmpty()) {
			findings.add("callers saw outcomes other than success or their own ending: " + storm.unexpectedOutcomes());
		}
		checkMetrics(rig, ending, storm, findings);
		LlmClientHealth health;
		try {
			health = rig.health();
		}
		catch (RuntimeException ex) {
			findings.add("health() threw " + ex);
			return findings;
		}
		checkPermits(health, findings);
		checkCluster(rig, findings);
		checkBudgets(rig, storm, findings);
		checkBlame(rig, ending, health, findings);
		if (rig.setUp().isAdaptive() && rig.limit(health) < rig.highestLimit()) {
			findings.add("adaptive limit shrank from " + rig.highestLimit() + " to " + rig.limit(health)
					+ " though the servers never refused nor timed out");
		}
		if (ending == Ending.DEADLINE_BEFORE_SEND && rig.requests() != 0) {
			findings.add("premise: " + rig.requests() + " calls reached a server before their deadline");
		}
		return findings;
	}

	/**
	 * Whether what ends after the last call has ended: the checks then read it as final.
	 */
	private static boolean settled(Rig rig, Storm storm) {
		LlmClientHealth health = rig.health();
		long timed = rig.durationsByErrorType().values().stream().mapToLong(Long::longValue).sum();
		return health.bulkhead().inFlight() == 0 && health.bulkhead().waiting() == 0 && health.pool().leased() == 0
				&& health.endpoints().stream().allMatch((endpoint) -> endpoint.health().bulkhead().inFlight() == 0)
				&& rig.leases() == 0 && timed >= storm.startedCount();
	}

	private static void checkMetrics(Rig rig, Ending ending, Storm storm, List<String> findings) {
		Map<String, Long> timed = rig.durationsByErrorType();
		long total = timed.values().stream().mapToLong(Long::longValue).sum();
		long ended = 0;
		Map<String, Long> others = new TreeMap<>();
		for (Map.Entry<String, Long> entry : timed.entrySet()) {
			if (ending.errorTypes().contains(entry.getKey())) {
				ended += entry.getValue();
			}
			else if (!"none".equals(entry.getKey())) {
				others.put(entry.getKey(), entry.getValue());
			}
		}
		String seen = " (gen_ai.client.operation.duration by error.type: " + timed + ")";
		if (total != storm.startedCount()) {
			findings.add("metrics timed " + total + " calls, " + storm.startedCount() + " were made" + seen);
		}
		if (timed.getOrDefault("none", 0L) != storm.succeededCount()) {
			findings.add("metrics timed " + timed.getOrDefault("none", 0L) + " successes, callers got "
					+ storm.succeededCount() + seen);
		}
		if (ended != storm.endedCount()) {
			findings.add("metrics timed " + ended + " calls under " + ending.errorTypes() + ", the caller ended "
					+ storm.endedCount() + seen);
		}
		if (!others.isEmpty()) {
			findings.add("calls timed under error types that are not their own outcome: " + others);
		}
	}

	private static void checkPermits(LlmClientHealth health, List<String> findings) {
		LlmClientHealth.Bulkhead bulkhead = health.bulkhead();
		if (bulkhead.inFlight() != 0 || bulkhead.waiting() != 0) {
			findings.add("permits held after the storm: inFlight=" + bulkhead.inFlight() + ", waiting="
					+ bulkhead.waiting());
		}
		bulkhead.byClass().forEach((requestClass, share) -> {
			if (share.inFlight() != 0 || share.waiting() != 0) {
				findings.add(requestClass + " permits held after the storm: inFlight=" + share.inFlight() + ", waiting="
						+ share.waiting());
			}
		});
		if (health.pool().leased() != 0) {
			findings.add("connections still leased: " + health.pool().leased());
		}
		for (LlmClientHealth.EndpointHealth endpoint : health.endpoints()) {
			int inFlight = endpoint.health().bulkhead().inFlight();
			if (inFlight != 0) {
				findings.add("endpoint " + endpoint.health().endpoint() + " counts " + inFlight + " calls in flight");
			}
		}
	}

	private static void checkCluster(Rig rig, List<String> findings) {
		Map<String, Object> details = rig.clusterDetails();
		if (details == null) {
			return;
		}
		long leases = rig.leases();
		if (leases != 0) {
			findings.add("Redis holds " + leases + " leases of the instance");
		}
		if (!"active".equals(details.get("state"))) {
			findings.add("cluster limits are " + details.get("state") + ", not active: " + details);
		}
		Object inFlight = details.get("inFlight");
		if (!(inFlight instanceof Number number) || number.longValue() != 0) {
			findings.add("cluster health counts " + inFlight + " calls in flight: " + details);
		}
	}

	/**
	 * Requests: one per request the servers received. Tokens: per call the servers
	 * received, the usage they reported when the client read its answer, else the
	 * estimate it reserved, which nothing settles; calls never sent take nothing. Whether
	 * the client read an answer the server wrote whole before the caller ended the call
	 * is a race the test cannot see, so each of those may have taken either.
	 */
	private static void checkBudgets(Rig rig, Storm storm, List<String> findings) {
		if (!rig.setUp().hasBudgets()) {
			return;
		}
		long requests = rig.requests();
		long sent = rig.calls();
		long read = storm.succeededCount();
		long unread = Math.max(0, Math.min(rig.answered(), sent) - read);
		long most = read * SlowChatServer.USAGE_TOKENS + (sent - read) * Rig.TOKEN_ESTIMATE;
		long least = most - unread * (Rig.TOKEN_ESTIMATE - SlowChatServer.USAGE_TOKENS);
		String facts = " (servers received " + requests + " requests of " + sent + " calls and answered "
				+ rig.answered() + "; callers read " + read + " answers)";
		Long requestsRemaining = rig.requestsRemaining();
		if (requestsRemaining == null || requestsRemaining != Rig.REQUEST_BURST - requests) {
			findings.add("request budget holds " + requestsRemaining + ", expected " + (Rig.REQUEST_BURST - requests)
					+ facts);
		}
		Long tokensRemaining = rig.tokensRemaining();
		if (tokensRemaining == null || tokensRemaining < Rig.TOKEN_BURST - most
				|| tokensRemaining > Rig.TOKEN_BURST - least) {
			String expected = (least == most) ? String.valueOf(Rig.TOKEN_BURST - most)
					: "between " + (Rig.TOKEN_BURST - most) + " and " + (Rig.TOKEN_BURST - least);
			findings.add("token budget holds " + tokensRemaining + ", expected " + expected + facts);
		}
		// priced at 1 USD a token, the spend budget takes what the token budget takes
		BigDecimal spendRemaining = rig.spendRemaining();
		if (spendRemaining == null || spendRemaining.compareTo(BigDecimal.valueOf(Rig.SPEND_CAP - most)) < 0
				|| spendRemaining.compareTo(BigDecimal.valueOf(Rig.SPEND_CAP - least)) > 0) {
			String expected = (least == most) ? String.valueOf(Rig.SPEND_CAP - most)
					: "between " + (Rig.SPEND_CAP - most) + " and " + (Rig.SPEND_CAP - least);
			findings.add("spend budget holds " + spendRemaining + ", expected " + expected + facts);
		}
	}

	/** Health UP, no endpoint cooling, no latest error from a cancellation. */
	private static void checkBlame(Rig rig, Ending ending, LlmClientHealth health, List<String> findings) {
		for (LlmClientHealth.EndpointHealth endpoint : health.endpoints()) {
			if ("cooling-down".equals(endpoint.state())) {
				findings.add("endpoint " + endpoint.health().endpoint() + " is cooling down until "
						+ endpoint.coolingDownUntil() + " (its latest error: " + endpoint.health().lastError() + ")");
			}
		}
		if (ending.isCancellation() && health.lastError() != null) {
			findings.add("a cancellation became the latest error: " + health.lastError());
		}
		Health indicator = rig.indicatorHealth();
		if (rig.clusterDetails() != null && indicator.getDetails().get("cluster") instanceof Map<?, ?> cluster
				&& !"active".equals(cluster.get("state"))) {
			findings.add("health shows the cluster " + cluster.get("state"));
		}
		if (ending == Ending.CLOSE_DURING_LOAD) {
			return;
		}
		if (!health.up()) {
			findings.add("health is DOWN: " + health.reason());
		}
		if (!Status.UP.equals(indicator.getStatus())) {
			findings
				.add("health indicator says " + indicator.getStatus() + ": " + indicator.getDetails().get("reason"));
		}
	}

}
