package dev.llmclient.internal;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.llmclient.ChatRequest;
import dev.llmclient.LlmClient;
import dev.llmclient.testsupport.LoopbackLlmServer;
import dev.llmclient.testsupport.TestClients;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The thread {@code chatAsync} runs a call on, as the guide documents it: a virtual
 * thread on Java 21 and later, one of the client's daemon pool threads on Java 17. The
 * same test runs on both; CI's JDK 25 leg is what checks the virtual-thread branch.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AsyncCallThreadTests {

	private final LoopbackLlmServer server = LoopbackLlmServer.start();

	private final LlmClient client = TestClients.lazy(this.server.endpoint()).build();

	@AfterEach
	void stop() {
		this.client.close();
		this.server.close();
	}

	@Test
	void chatAsyncRunsEachCallOnAVirtualThreadFromJava21AndOnADaemonPoolThreadBefore() throws Exception {
		this.server.holdChatCompletions();
		CompletableFuture<Thread> completedOn = this.client.chatAsync(ChatRequest.of("which thread"))
			.thenApply((response) -> Thread.currentThread());
		// held on the wire, so the call is not done yet: thenApply runs on the call's own
		// thread
		assertThat(this.server.awaitHeldChatCompletions(1, Duration.ofSeconds(10))).isTrue();
		this.server.releaseChatCompletions();

		Thread thread = completedOn.get(10, TimeUnit.SECONDS);

		if (Runtime.version().feature() >= 21) {
			assertThat(isVirtual(thread)).as("virtual thread on Java %s", Runtime.version()).isTrue();
		}
		else {
			assertThat(isVirtual(thread)).isFalse();
			assertThat(thread.isDaemon()).isTrue();
			assertThat(thread.getName()).startsWith("llm-client-async-");
		}
	}

	/**
	 * {@code Thread.isVirtual()} where it exists (Java 21+); the tests compile for 17.
	 */
	private static boolean isVirtual(Thread thread) throws ReflectiveOperationException {
		if (Runtime.version().feature() < 21) {
			return false;
		}
		return (boolean) Thread.class.getMethod("isVirtual").invoke(thread);
	}

}
