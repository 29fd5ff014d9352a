package dev.llmclient.batch;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import dev.llmclient.LlmClient;
import dev.llmclient.testsupport.CountingChatServer;
import dev.llmclient.testsupport.TestClients;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A batch of 20 000 items against a loopback server: about 20 s, so it runs in
 * {@code mvn verify} through Failsafe rather than in every unit test run.
 */
class LargeBatchLoadIT {

	@Test
	void largeBatchCompletesWithBoundedThreads() throws Exception {
		int maxConcurrent = 8;
		try (CountingChatServer server = new CountingChatServer();
				LlmClient client = TestClients.lazy(server.endpoint())
					.limits((limits) -> limits.withMaxConcurrent(maxConcurrent))
					.retry(TestClients::fastBackoff)
					.build()) {
			LlmBatchService batch = new LlmBatchService(client);
			ThreadMXBean threads = ManagementFactory.getThreadMXBean();
			int before = threads.getThreadCount();
			threads.resetPeakThreadCount();
			List<String> prompts = IntStream.range(0, 20_000).mapToObj((i) -> "p" + i).toList();
			BatchResult result = batch.generateAll(prompts);
			int peak = threads.getPeakThreadCount();
			assertThat(result.size()).isEqualTo(20_000);
			assertThat(result.succeeded()).isEqualTo(20_000);
			assertThat(((BatchItem.Success) result.items().get(19_999)).response().content()).isEqualTo("echo: p19999");
			assertThat(server.maxInFlight()).isLessThanOrEqualTo(maxConcurrent);
			// the client's async threads (none on Java 21+: virtual) and one server
			// thread
			// per pooled connection, plus a little slack for the JVM; one thread per item
			// would be 20 000
			assertThat(peak - before).isLessThanOrEqualTo(2 * maxConcurrent + 8);
			assertThat(server.connections()).isLessThanOrEqualTo(maxConcurrent);
		}
	}

}
