package dev.llmclient.autoconfigure;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.context.annotation.Import;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.web.servlet.client.RestTestClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.llmclient.LlmClient;

/**
 * A Spring MVC application as users write one: a controller that calls the
 * auto-configured client and lets its exceptions escape. No component scan, so that a
 * test adds its own beans (an application's exception handler) with {@code @Import}.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
@Import(LlmCallingApplication.AskController.class)
class LlmCallingApplication {

	@RestController
	static class AskController {

		private final LlmClient llmClient;

		AskController(LlmClient llmClient) {
			this.llmClient = llmClient;
		}

		@GetMapping("/ask")
		String ask(@RequestParam String prompt) {
			return this.llmClient.generate(prompt);
		}

	}

	/**
	 * A client for the application's caller. Over the JDK's HttpClient: Apache HttpClient
	 * 5, which a {@code RestClient} would pick from the classpath, answers a 503 with
	 * {@code Retry-After} by waiting and sending the request again itself.
	 * @param port the application's port
	 * @return a client bound to the application
	 */
	static RestTestClient client(int port) {
		return RestTestClient.bindToServer(new JdkClientHttpRequestFactory())
			.baseUrl("http://127.0.0.1:" + port)
			.build();
	}

	/**
	 * Runs the application on embedded Tomcat on a random loopback port; the test
	 * supplies {@code llm.client.endpoint}.
	 */
	@Target(ElementType.TYPE)
	@Retention(RetentionPolicy.RUNTIME)
	@SpringBootTest(classes = LlmCallingApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
			properties = { "server.address=127.0.0.1", "llm.client.model=m", "llm.client.eager-init=false",
					"llm.client.retry.initial-backoff=5ms", "llm.client.retry.max-backoff=10ms" })
	@DirtiesContext
	@interface Started {

	}

}
