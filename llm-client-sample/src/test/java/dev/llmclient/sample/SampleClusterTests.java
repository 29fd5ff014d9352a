package dev.llmclient.sample;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.client.RestTestClient;

/**
 * The sample in cluster mode, as {@code --llm.client.cluster.enabled=true
 * --spring.data.redis.url=redis://...} starts it, against a real {@code redis-server}:
 * calls go through the cluster-wide limits and health shows them active, next to Boot's
 * own Redis indicator.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "llm.client.cluster.enabled=true",
				"llm.client.cluster.max-concurrent=4", "sample.demo.token-delay=0ms" })
@AutoConfigureRestTestClient
// the application is closed after the test and before Redis stops, as in production
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_EACH_TEST_METHOD)
class SampleClusterTests {

	private static final RedisServer redis = RedisServer.start();

	@DynamicPropertySource
	static void redis(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.url", redis::url);
	}

	@AfterAll
	static void stopRedis() throws InterruptedException {
		redis.close();
	}

	@Autowired
	private RestTestClient client;

	@Test
	void callsGoThroughTheClusterLimitsAndHealthShowsThemActive() {
		this.client.post()
			.uri("/api/generate")
			.contentType(MediaType.APPLICATION_JSON)
			.body("{\"prompt\": \"hello\"}")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.text")
			.isEqualTo("echo: hello");
		this.client.get()
			.uri("/actuator/health")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.components.llmClient.details.cluster.state")
			.isEqualTo("active")
			.jsonPath("$.components.llmClient.details.cluster.maxConcurrent")
			.isEqualTo(4)
			.jsonPath("$.components.redis.status")
			.isEqualTo("UP");
	}

}
