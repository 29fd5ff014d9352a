package dev.llmclient.sample.demo;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.client.RestTestClient;
import org.springframework.test.web.servlet.client.RestTestClient.ResponseSpec;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /api/demo}: the demo backend's token delay and failure switch, read and turned
 * while the sample runs, and what a failing demo makes of a call.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "sample.demo.token-delay=5ms", "llm.client.retry.enabled=false" })
@AutoConfigureRestTestClient
class DemoControllerTests {

	@Autowired
	private RestTestClient client;

	@AfterEach
	void answerNormally() {
		change("{\"failStatus\": 0, \"tokenDelayMs\": 5}").expectStatus().isOk();
	}

	@Test
	void settingsStartFromTheProperties() {
		this.client.get().uri("/api/demo").exchange().expectStatus().isOk().expectBody().json("""
				{"tokenDelayMs": 5, "failStatus": 0}""");
	}

	@Test
	void failStatusMakesEveryCallFailWithThatStatusUntilTurnedOff() {
		change("{\"failStatus\": 503}").expectBody().json("""
				{"tokenDelayMs": 5, "failStatus": 503}""");
		generate().expectStatus()
			.isEqualTo(502)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("503")
			.jsonPath("$.serverType")
			.isEqualTo("server_error");
		change("{\"failStatus\": 0}").expectStatus().isOk();
		generate().expectStatus().isOk().expectBody().jsonPath("$.text").isEqualTo("echo: hi");
	}

	@Test
	void outOfRangeValuesAreAnswered400SayingTheRange() {
		change("{\"failStatus\": 42}").expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.error")
			.value(String.class, (error) -> assertThat(error).contains("from 400 to 599, was 42"));
		change("{\"tokenDelayMs\": 5000}").expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.error")
			.value(String.class, (error) -> assertThat(error).contains("between 0 and 1000 ms, was 5000 ms"));
	}

	private ResponseSpec change(String body) {
		return this.client.put().uri("/api/demo").contentType(MediaType.APPLICATION_JSON).body(body).exchange();
	}

	private ResponseSpec generate() {
		return this.client.post()
			.uri("/api/generate")
			.contentType(MediaType.APPLICATION_JSON)
			.body("{\"prompt\": \"hi\"}")
			.exchange();
	}

}
