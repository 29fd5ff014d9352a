package dev.llmclient.batch;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.llmclient.EmbeddingRequest;
import dev.llmclient.LlmClient;
import dev.llmclient.LlmHttpException;
import dev.llmclient.LlmMalformedResponseException;
import dev.llmclient.testsupport.EmbeddingServer;
import dev.llmclient.testsupport.TestClients;
import dev.llmclient.testsupport.WireSchemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@link LlmBatchService#embedAll}: one item per text, in order, against a real loopback
 * server; a request that fails fails only its own texts.
 */
class EmbeddingBatchTests {

	private final EmbeddingServer server;

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final LlmClient client;

	EmbeddingBatchTests() throws IOException {
		this.server = new EmbeddingServer();
		this.client = TestClients.lazy(this.server.endpoint())
			.embeddings((embeddings) -> embeddings.withModel("embed-model").withBatchSize(2))
			.limits((limits) -> limits.withMaxConcurrent(3))
			.build();
	}

	@AfterEach
	void close() {
		this.client.close();
		this.server.close();
		this.server.bodies().forEach(WireSchemas::assertValidEmbeddingRequest);
	}

	@Test
	void aFailedRequestFailsOnlyItsTexts() {
		List<String> texts = new ArrayList<>(IntStream.range(0, 9).mapToObj((i) -> "text " + i).toList());
		texts.set(3, "fail-400");
		texts.set(6, "short");
		List<Integer> progress = new CopyOnWriteArrayList<>();
		LlmBatchService batch = new LlmBatchService(this.client, this.registry);
		EmbeddingBatchResult result = batch.embedAll(EmbeddingRequest.of(texts),
				BatchOptions.defaults().withProgress((completed, total) -> {
					assertThat(total).isEqualTo(9);
					progress.add(completed);
				}));
		assertThat(result.size()).isEqualTo(9);
		assertThat(result.succeeded()).isEqualTo(5);
		assertThat(result.failed()).isEqualTo(4);
		for (int i = 0; i < texts.size(); i++) {
			EmbeddingItem item = result.items().get(i);
			assertThat(item.index()).isEqualTo(i);
			assertThat(item.text()).isEqualTo(texts.get(i));
			if (i == 2 || i == 3) {
				assertThat(item).isInstanceOfSatisfying(EmbeddingItem.Failure.class,
						(failure) -> assertThat(failure.error()).isInstanceOf(LlmHttpException.class));
			}
			else if (i == 6 || i == 7) {
				assertThat(item).isInstanceOfSatisfying(EmbeddingItem.Failure.class,
						(failure) -> assertThat(failure.error()).isInstanceOf(LlmMalformedResponseException.class)
							.hasMessageContaining("1 vectors for 2 texts"));
			}
			else {
				assertThat(item).isInstanceOfSatisfying(EmbeddingItem.Success.class, (success) -> {
					assertThat(success.vector()).containsExactly(EmbeddingServer.vectorOf(texts.get(success.index())));
					assertThat(success.model()).isEqualTo("embed-model");
				});
			}
		}
		assertThat(this.server.bodies()).as("one request per slice of 2").hasSize(5);
		assertThat(progress).last().isEqualTo(9);
		assertThat(this.registry.get("llm.client.batch.items").tag("outcome", "failure").counter().count())
			.isEqualTo(4);
	}

	@Test
	void badTextsAreRefusedBeforeAnythingIsSent() {
		LlmBatchService batch = new LlmBatchService(this.client);
		assertThatIllegalArgumentException().isThrownBy(() -> batch.embedAll(List.of("a", "")))
			.withMessageContaining("inputs[1] must not be empty");
		assertThatIllegalArgumentException().isThrownBy(() -> batch.embedAll(List.of()))
			.withMessageContaining("at least one text");
		assertThat(this.server.bodies()).isEmpty();
	}

}
