package dev.llmclient.benchmarks;

import java.nio.charset.StandardCharsets;

/**
 * The chat completion the simulated loopback providers answer with: model {@code sim},
 * content {@code ok}, with usage, the smallest answer the client parses in full.
 */
final class SimCompletion {

	static final byte[] BODY = ("{\"id\":\"c\",\"object\":\"chat.completion\",\"model\":\"sim\","
			+ "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},"
			+ "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4}}")
		.getBytes(StandardCharsets.UTF_8);

	private SimCompletion() {
	}

}
