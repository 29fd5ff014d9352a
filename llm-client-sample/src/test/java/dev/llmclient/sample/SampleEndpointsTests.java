package dev.llmclient.sample;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.context.ApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.client.RestTestClient;

import dev.llmclient.autoconfigure.LlmClientConnectionDetails;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample started with {@code llm.client.endpoints[0..2].url} (as
 * {@code --llm.client.endpoints[0].url=...} on the command line): no demo backend, the
 * client calls the three servers, and {@code /api/batch} is answered by them.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "server.address=127.0.0.1")
@AutoConfigureRestTestClient
@DirtiesContext
class SampleEndpointsTests {

	private static final int PROMPTS = 6;

	@RegisterExtension
	static WireMockExtension first = server();

	@RegisterExtension
	static WireMockExtension second = server();

	@RegisterExtension
	static WireMockExtension third = server();

	@DynamicPropertySource
	static void endpoints(DynamicPropertyRegistry registry) {
		WireMockExtension[] servers = { first, second, third };
		for (int i = 0; i < servers.length; i++) {
			int port = servers[i].getPort();
			registry.add("llm.client.endpoints[" + i + "].url", () -> "http://127.0.0.1:" + port + "/v1");
		}
	}

	@Autowired
	private RestTestClient client;

	@Autowired
	private ApplicationContext context;

	@Test
	void batchIsAnsweredByTheThreeEndpointsWithoutTheDemoBackend() {
		for (WireMockExtension server : new WireMockExtension[] { first, second, third }) {
			server.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200)
				.withHeader("Content-Type", "application/json")
				.withBody("{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"from port "
						+ server.getPort() + "\"},\"finish_reason\":\"stop\"}]}")));
		}
		StringBuilder prompts = new StringBuilder();
		for (int i = 0; i < PROMPTS; i++) {
			prompts.append((i > 0) ? ", " : "").append("\"prompt ").append(i).append('"');
		}
		this.client.post()
			.uri("/api/batch")
			.contentType(MediaType.APPLICATION_JSON)
			.body("{\"prompts\": [" + prompts + "]}")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.succeeded")
			.isEqualTo(PROMPTS)
			.jsonPath("$.results[*].text")
			.value(Iterable.class, (texts) -> assertThat(texts).allSatisfy((text) -> assertThat(text).asString()
				.matches("from port (" + first.getPort() + "|" + second.getPort() + "|" + third.getPort() + ")")));
		int calls = 0;
		for (WireMockExtension server : new WireMockExtension[] { first, second, third }) {
			calls += server.countRequestsMatching(postRequestedFor(urlEqualTo("/v1/chat/completions")).build())
				.getCount();
		}
		assertThat(calls).isEqualTo(PROMPTS);
		assertThat(this.context.getBeanNamesForType(LlmClientConnectionDetails.class))
			.as("no demo backend's connection details")
			.containsExactly("llmClientConnectionDetails");
		this.client.get()
			.uri("/actuator/health")
			.exchange()
			.expectBody()
			.jsonPath("$.components.llmClient.details.endpoints.length()")
			.isEqualTo(3);
	}

	private static WireMockExtension server() {
		return WireMockExtension.newInstance().options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();
	}

}
