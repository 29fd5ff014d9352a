package dev.llmclient.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.llmclient.ChatMessage;
import dev.llmclient.ChatRequest;
import dev.llmclient.ChatResponse;
import dev.llmclient.EndpointSettings;
import dev.llmclient.LlmClient;
import dev.llmclient.LlmClientBuilder;
import dev.llmclient.LlmTimeoutException;
import dev.llmclient.RoutingSettings;
import dev.llmclient.testsupport.ReplicaServer;
import dev.llmclient.testsupport.TestClients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * {@code cache-affinity} routing over three loopback replicas: a prompt prefix stays on
 * one replica, spills to the next on the ring when that one holds more than its bound,
 * moves while its replica cools down and comes back after, and calls ended by their
 * caller or their deadline leave the load counts the bound reads right.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CacheAffinityRoutingTests {

	private final List<ReplicaServer> replicas = new ArrayList<>();

	@BeforeEach
	void startReplicas() {
		for (int i = 0; i < 3; i++) {
			this.replicas.add(ReplicaServer.start());
		}
	}

	@AfterEach
	void stopReplicas() {
		this.replicas.forEach(ReplicaServer::close);
	}

	@Test
	void requestsSharingACacheKeyOrASystemMessageStayOnOneReplicaAndPrefixesSpreadOverAll() {
		try (LlmClient client = client(UnaryOperator.identity()).build()) {
			Set<Integer> homes = new HashSet<>();
			for (int key = 0; key < 30; key++) {
				Set<Integer> replicasOfKey = new HashSet<>();
				Set<Integer> replicasOfSystem = new HashSet<>();
				for (int call = 0; call < 4; call++) {
					String keyed = "keyed-" + key + "-" + call;
					client.chat(ChatRequest.builder().user(keyed).promptCacheKey("tenant-" + key).build());
					replicasOfKey.add(replicaThatReceived(keyed));
					String prompted = "prompted-" + key + "-" + call;
					client.chat(ChatRequest.builder()
						.message(ChatMessage.system("You are assistant number " + key + "."))
						.message(ChatMessage.user(prompted))
						.build());
					replicasOfSystem.add(replicaThatReceived(prompted));
				}
				assertThat(replicasOfKey).as("replicas of cache key %d", key).hasSize(1);
				assertThat(replicasOfSystem).as("replicas of system message %d", key).hasSize(1);
				homes.addAll(replicasOfKey);
			}
			assertThat(homes).as("30 keys spread over the three replicas").hasSize(3);
		}
	}

	@Test
	void twoInstancesSendAPrefixToTheSameReplicaWhateverTheOrderOfTheirEndpoints() {
		List<ReplicaServer> reversed = new ArrayList<>(this.replicas);
		Collections.reverse(reversed);
		try (LlmClient one = client(UnaryOperator.identity()).build();
				LlmClient other = client(UnaryOperator.identity())
					.endpoints(reversed.stream().map((replica) -> EndpointSettings.of(replica.endpoint())).toList())
					.build()) {
			for (int key = 0; key < 10; key++) {
				one.chat(ChatRequest.builder().user("one-" + key).promptCacheKey("tenant-" + key).build());
				other.chat(ChatRequest.builder().user("other-" + key).promptCacheKey("tenant-" + key).build());
				assertThat(replicaThatReceived("other-" + key)).as("tenant-%d", key)
					.isEqualTo(replicaThatReceived("one-" + key));
			}
		}
	}

	@Test
	void aReplicaAboveItsBoundSpillsToTheNextOnTheRingAndTheCountsComeBackAfter() throws Exception {
		// one call at a time, 3 replicas of weight 1, the default slack 0.35: the bound
		// on
		// each is ceil(1.35 x (calls in flight + 1) / 3), so the home takes calls 1, 3
		// and
		// 5, the next replica on the ring (always the same) 2, 4 and 6
		sixHeldCallsOfOnePrefix(UnaryOperator.identity(), 3, 3);
	}

	@Test
	void moreLoadSlackKeepsMoreCallsOnTheHome() throws Exception {
		// slack 1: the bound is ceil(2 x (calls in flight + 1) / 3): the home takes calls
		// 1, 2, 4 and 5, the next replica on the ring 3 and 6
		sixHeldCallsOfOnePrefix((routing) -> routing.withLoadSlack(1.0), 4, 2);
	}

	@Test
	void anEndpointAtItsOwnLimitPassesItsPrefixesToTheNextOnTheRing() throws Exception {
		try (LlmClient client = client((routing) -> routing.withLoadSlack(10))
			.endpoints(this.replicas.stream()
				.map((replica) -> EndpointSettings.of(replica.endpoint()).withMaxConcurrent(2))
				.toList())
			.build()) {
			client.chat(keyed("probe"));
			int home = replicaThatReceived("probe");
			List<CompletableFuture<ChatResponse>> calls = sendHeld(client, 5);
			// far below its load bound, but at its max-concurrent (or adaptive limit):
			// the
			// home is skipped as under every strategy, and the ring goes on
			int[] held = heldPerReplica(5);
			assertThat(held[home]).isEqualTo(2);
			assertThat(held).containsExactlyInAnyOrder(2, 2, 1);
			releaseHeld(calls);
		}
	}

	/**
	 * Sends six calls of one prefix, one at a time, each held by the replica it reaches
	 * until all are in flight; checks how many the home and the next replica on the ring
	 * took (none for the third), then that every count is back to 0 and the prefix goes
	 * home again.
	 */
	private void sixHeldCallsOfOnePrefix(UnaryOperator<RoutingSettings> routing, int onHome, int onNext)
			throws Exception {
		try (LlmClient client = client(routing).build()) {
			client.chat(keyed("probe"));
			int home = replicaThatReceived("probe");
			List<CompletableFuture<ChatResponse>> calls = sendHeld(client, 6);
			int[] held = heldPerReplica(6);
			assertThat(held[home]).isEqualTo(onHome);
			assertThat(held).containsExactlyInAnyOrder(onHome, onNext, 0);
			assertThat(client.health().endpoints().get(home).health().bulkhead().inFlight()).isEqualTo(onHome);
			releaseHeld(calls);
			await().atMost(Duration.ofSeconds(5))
				.untilAsserted(() -> assertThat(client.health().endpoints())
					.allSatisfy((endpoint) -> assertThat(endpoint.health().bulkhead().inFlight()).isZero()));
			client.chat(keyed("after"));
			assertThat(replicaThatReceived("after")).isEqualTo(home);
		}
	}

	@Test
	void aCoolingReplicasPrefixesMoveToTheNextOnTheRingAndComeBackAfterItsCooldown() {
		try (LlmClient client = client(
				(routing) -> routing.withCooldown(Duration.ofMillis(500)).withCooldownAfterFailures(1))
			.build()) {
			client.chat(keyed("probe"));
			int home = replicaThatReceived("probe");
			this.replicas.get(home).fail(500);
			client.chat(keyed("fails-over"));
			assertThat(this.replicas.get(home).received("fails-over")).isEqualTo(1);
			int fallback = (this.replicas.get((home + 1) % 3).received("fails-over") > 0) ? (home + 1) % 3
					: (home + 2) % 3;
			assertThat(this.replicas.get(fallback).received("fails-over")).isEqualTo(1);
			assertThat(client.health().endpoints().get(home).state()).isEqualTo("cooling-down");
			for (int i = 0; i < 5; i++) {
				client.chat(keyed("meanwhile-" + i));
				assertThat(replicaThatReceived("meanwhile-" + i)).as("while the home cools down").isEqualTo(fallback);
			}
			this.replicas.get(home).fail(0);
			await().atMost(Duration.ofSeconds(5))
				.until(() -> !client.health().endpoints().get(home).state().equals("cooling-down"));
			client.chat(keyed("back"));
			assertThat(replicaThatReceived("back")).as("the half-open home's trial").isEqualTo(home);
			assertThat(client.health().endpoints().get(home).state()).isEqualTo("active");
			client.chat(keyed("home-again"));
			assertThat(replicaThatReceived("home-again")).isEqualTo(home);
		}
	}

	@Test
	void callsCancelledOrTimedOutLeaveTheLoadCountsRight() throws Exception {
		try (LlmClient client = client(UnaryOperator.identity())
			.connection((connection) -> connection.withReadTimeout(Duration.ofSeconds(20)))
			.build()) {
			client.chat(keyed("probe"));
			int home = replicaThatReceived("probe");
			this.replicas.forEach((replica) -> replica.hold("stuck"));
			List<CompletableFuture<ChatResponse>> cancelled = new ArrayList<>();
			for (int i = 0; i < 4; i++) {
				cancelled.add(client.chatAsync(keyed("stuck")));
			}
			await().atMost(Duration.ofSeconds(5)).until(() -> stuckReceived() == 4);
			cancelled.forEach((call) -> call.cancel(true));
			try (LlmClient deadlined = client(UnaryOperator.identity())
				.limits((limits) -> limits.withTimeout(Duration.ofMillis(300)))
				.retry((retry) -> retry.withEnabled(false))
				.build()) {
				assertThatExceptionOfType(LlmTimeoutException.class).isThrownBy(() -> deadlined.chat(keyed("stuck")));
			}
			await().atMost(Duration.ofSeconds(5))
				.untilAsserted(() -> assertThat(client.health().endpoints())
					.allSatisfy((endpoint) -> assertThat(endpoint.health().bulkhead().inFlight()).isZero()));
			this.replicas.forEach((replica) -> replica.release("stuck"));
			for (int i = 0; i < 5; i++) {
				client.chat(keyed("after-" + i));
				assertThat(replicaThatReceived("after-" + i)).isEqualTo(home);
			}
			assertThat(client.health().calls().failed()).isZero();
		}
	}

	@Test
	void requestsWithNeitherKeyNorSystemMessageGoToTheLeastBusy() throws Exception {
		try (LlmClient client = client(UnaryOperator.identity()).build()) {
			List<CompletableFuture<ChatResponse>> calls = new ArrayList<>();
			for (int i = 0; i < 3; i++) {
				String prompt = "plain-" + i;
				this.replicas.forEach((replica) -> replica.hold(prompt));
				calls.add(client.chatAsync(ChatRequest.of(prompt)));
				int sent = i + 1;
				await().atMost(Duration.ofSeconds(5)).until(() -> plainReceived() == sent);
			}
			assertThat(this.replicas).allSatisfy((replica) -> assertThat(replica.chatRequests()).isEqualTo(1));
			this.replicas.forEach((replica) -> List.of("plain-0", "plain-1", "plain-2").forEach(replica::release));
			CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
		}
	}

	private static ChatRequest keyed(String prompt) {
		return ChatRequest.builder().user(prompt).promptCacheKey("shared-prefix").build();
	}

	private int replicaThatReceived(String prompt) {
		int found = -1;
		for (int r = 0; r < this.replicas.size(); r++) {
			if (this.replicas.get(r).received(prompt) > 0) {
				assertThat(found).as("%s received by one replica", prompt).isEqualTo(-1);
				found = r;
			}
		}
		assertThat(found).as("%s received", prompt).isNotNegative();
		return found;
	}

	/**
	 * Sends {@code count} calls {@code held-0}, {@code held-1}, ..., one at a time, each
	 * held by the replica it reaches, the next only once the last has arrived.
	 */
	private List<CompletableFuture<ChatResponse>> sendHeld(LlmClient client, int count) {
		List<CompletableFuture<ChatResponse>> calls = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			String prompt = "held-" + i;
			this.replicas.forEach((replica) -> replica.hold(prompt));
			calls.add(client.chatAsync(keyed(prompt)));
			int sent = i + 1;
			await().atMost(Duration.ofSeconds(5)).until(() -> heldReceived(sent) == sent);
		}
		return calls;
	}

	/** How many of the first {@code count} held calls each replica received. */
	private int[] heldPerReplica(int count) {
		int[] held = new int[3];
		for (int r = 0; r < 3; r++) {
			for (int i = 0; i < count; i++) {
				held[r] += (int) this.replicas.get(r).received("held-" + i);
			}
		}
		return held;
	}

	/** Lets the held calls go and waits for them to end. */
	private void releaseHeld(List<CompletableFuture<ChatResponse>> calls) throws Exception {
		for (int i = 0; i < calls.size(); i++) {
			String prompt = "held-" + i;
			this.replicas.forEach((replica) -> replica.release(prompt));
		}
		CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
	}

	private long heldReceived(int calls) {
		long received = 0;
		for (ReplicaServer replica : this.replicas) {
			for (int i = 0; i < calls; i++) {
				received += replica.received("held-" + i);
			}
		}
		return received;
	}

	private long stuckReceived() {
		return this.replicas.stream().mapToLong((replica) -> replica.received("stuck")).sum();
	}

	private long plainReceived() {
		return this.replicas.stream().mapToLong(ReplicaServer::chatRequests).sum();
	}

	private LlmClientBuilder client(UnaryOperator<RoutingSettings> routing) {
		return TestClients.builder()
			.endpoints(this.replicas.stream().map((replica) -> EndpointSettings.of(replica.endpoint())).toList())
			.routing((settings) -> routing.apply(settings.withStrategy(RoutingSettings.Strategy.CACHE_AFFINITY)))
			.retry(TestClients::fastBackoff)
			.lifecycle((lifecycle) -> lifecycle.withEagerInit(false));
	}

}
