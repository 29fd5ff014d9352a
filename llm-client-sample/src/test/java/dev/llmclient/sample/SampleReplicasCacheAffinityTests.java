package dev.llmclient.sample;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;

import dev.llmclient.ChatMessage;
import dev.llmclient.ChatRequest;
import dev.llmclient.LlmClient;
import dev.llmclient.LlmClientHealth;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code replicas} profile: three demo backends routed by {@code cache-affinity}, so
 * requests sharing a system message all go to the replica that caches it.
 */
@SpringBootTest(properties = "server.address=127.0.0.1")
@ActiveProfiles("replicas")
class SampleReplicasCacheAffinityTests {

	@Autowired
	private LlmClient llmClient;

	@Test
	void requestsSharingASystemMessageGoToOneReplica() {
		for (int i = 0; i < 12; i++) {
			this.llmClient.chat(ChatRequest.builder()
				.message(ChatMessage.system("You answer questions about the sample's handbook."))
				.message(ChatMessage.user("question " + i))
				.build());
		}
		List<LlmClientHealth.EndpointHealth> endpoints = this.llmClient.health().endpoints();
		assertThat(endpoints).hasSize(3);
		assertThat(endpoints).map((endpoint) -> endpoint.health().calls().succeeded())
			.containsExactlyInAnyOrder(12L, 0L, 0L);
	}

}
