package dev.llmclient.sample.demo;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

import dev.llmclient.ChatMessage;
import dev.llmclient.ChatRequest;
import dev.llmclient.LlmClient;
import dev.llmclient.autoconfigure.LlmClientConnectionDetails;
import dev.llmclient.sample.SampleApplication;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Without {@code llm.client.endpoint} the sample supplies the client's connection details
 * itself, pointing it at the demo backend, and {@code llm.client.model}
 * ({@code LLM_CLIENT_MODEL}) still chooses the model.
 */
@SpringBootTest(classes = SampleApplication.class, webEnvironment = WebEnvironment.NONE,
		properties = "llm.client.model=llama3.2")
class DemoConnectionDetailsTests {

	@Autowired
	private LlmClientConnectionDetails connectionDetails;

	@Autowired
	private DemoBackend demoBackend;

	@Autowired
	private LlmClient client;

	@Test
	void connectionDetailsPointAtTheDemoBackendWithTheConfiguredModel() {
		assertThat(this.connectionDetails).isInstanceOf(DemoConnectionDetails.class);
		assertThat(this.connectionDetails.endpoint()).isEqualTo(this.demoBackend.baseUrl());
		assertThat(this.connectionDetails.apiKey()).isNull();
		assertThat(this.connectionDetails.model()).isEqualTo("llama3.2");
	}

	@Test
	void requestWithoutAModelIsAnsweredByTheDemoUnderTheConfiguredModel() {
		var response = this.client.chat(ChatRequest.builder().message(ChatMessage.user("hi")).build());
		assertThat(response.content()).isEqualTo("echo: hi");
		assertThat(response.model()).isEqualTo("llama3.2");
	}

}
