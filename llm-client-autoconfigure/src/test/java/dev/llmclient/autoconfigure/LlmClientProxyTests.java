package dev.llmclient.autoconfigure;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.actuate.autoconfigure.context.properties.ConfigurationPropertiesReportEndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.env.EnvironmentEndpointAutoConfiguration;
import org.springframework.boot.actuate.context.properties.ConfigurationPropertiesReportEndpoint;
import org.springframework.boot.actuate.env.EnvironmentEndpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.llmclient.LlmClient;
import dev.llmclient.LlmHttpException;
import dev.llmclient.internal.DefaultLlmClient;
import dev.llmclient.testsupport.LoopbackLlmServer;
import dev.llmclient.testsupport.LoopbackProxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * {@code llm.client.proxy.*} in an application: the properties reach the client, and the
 * proxy's password is sent to the proxy and shown nowhere, not even in
 * {@code /actuator/configprops} and {@code /actuator/env} with their values shown.
 */
@ExtendWith(OutputCaptureExtension.class)
class LlmClientProxyTests {

	private static final String PASSWORD = "Pr0xyNeverShowMe";

	private static final JsonMapper json = JsonMapper.builder().build();

	private static LoopbackLlmServer server;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(LlmClientAutoConfiguration.class, LlmClientSanitizingAutoConfiguration.class,
						EndpointAutoConfiguration.class, ConfigurationPropertiesReportEndpointAutoConfiguration.class,
						EnvironmentEndpointAutoConfiguration.class))
		.withPropertyValues("llm.client.model=m", "llm.client.retry.enabled=false",
				"management.endpoint.configprops.show-values=always", "management.endpoint.env.show-values=always",
				"management.endpoints.web.exposure.include=*");

	@BeforeAll
	static void startServer() {
		server = LoopbackLlmServer.start();
	}

	@AfterAll
	static void stopServer() {
		server.close();
	}

	@Test
	void propertiesRouteCallsThroughTheProxyWithItsCredentials() {
		try (LoopbackProxy proxy = LoopbackProxy.requiringCredentials("alice", PASSWORD)) {
			this.contextRunner
				.withPropertyValues("llm.client.endpoint=" + server.endpoint(), "llm.client.eager-init=false",
						"llm.client.proxy.url=" + proxy.url(), "llm.client.proxy.username=alice",
						"llm.client.proxy.password=" + PASSWORD, "llm.client.proxy.non-proxy-hosts=localhost,*.local")
				.run((context) -> {
					assertThat(context.getBean(LlmClient.class).generate("Hi")).isEqualTo("Hello from loopback");
					assertThat(context.getBean(DefaultLlmClient.class).settings().proxy().nonProxyHosts())
						.containsExactly("localhost", "*.local");
				});
			assertThat(proxy.forwarded()).isOne();
		}
	}

	@Test
	void refusedPasswordIsReportedAndShownNowhere(CapturedOutput output) {
		try (LoopbackProxy proxy = LoopbackProxy.requiringCredentials("alice", "the-right-one")) {
			String url = proxy.url().replace("://", "://alice:" + PASSWORD + "@");
			this.contextRunner
				.withPropertyValues("llm.client.endpoint=" + server.endpoint(), "llm.client.eager-init=true",
						"llm.client.proxy.url=" + url)
				.run((context) -> {
					LlmHttpException refused = catchThrowableOfType(LlmHttpException.class,
							() -> context.getBean(LlmClient.class).generate("Hi"));
					assertThat(refused.statusCode()).isEqualTo(407);
					assertThat(refused)
						.hasMessageContaining("Check llm.client.proxy.username and "
								+ "llm.client.proxy.password (or the user-info of llm.client.proxy.url)")
						.hasMessageNotContaining(PASSWORD);
					String configprops = json
						.writeValueAsString(context.getBean(ConfigurationPropertiesReportEndpoint.class)
							.configurationPropertiesWithPrefix("llm.client"));
					assertThat(configprops).contains("\"url\":\"http://alice:******@127.0.0.1:")
						.doesNotContain(PASSWORD);
					String env = json.writeValueAsString(
							context.getBean(EnvironmentEndpoint.class).environmentEntry("llm.client.proxy.url"));
					assertThat(env).contains("alice:******@").doesNotContain(PASSWORD);
					assertThat(context.getBean(DefaultLlmClient.class).health().toString()).doesNotContain(PASSWORD);
				});
		}
		assertThat(output)
			.contains("WARN", "GET " + server.endpoint() + "/models answered HTTP 407",
					"rejected the credentials of user 'alice'")
			.doesNotContain(PASSWORD);
	}

	@Test
	void passwordPropertyIsMaskedOnTheActuatorEndpoints() {
		this.contextRunner
			.withPropertyValues("llm.client.endpoint=" + server.endpoint(), "llm.client.eager-init=false",
					"llm.client.proxy.url=http://proxy.corp:3128", "llm.client.proxy.username=alice",
					"llm.client.proxy.password=" + PASSWORD)
			.run((context) -> {
				String configprops = json
					.writeValueAsString(context.getBean(ConfigurationPropertiesReportEndpoint.class)
						.configurationPropertiesWithPrefix("llm.client"));
				assertThat(configprops).contains("\"username\":\"alice\"", "\"password\":\"******\"")
					.doesNotContain(PASSWORD);
				String env = json.writeValueAsString(
						context.getBean(EnvironmentEndpoint.class).environmentEntry("llm.client.proxy.password"));
				assertThat(env).contains("******").doesNotContain(PASSWORD);
			});
	}

	@Test
	void invalidProxyUrlFailsStartUpWithoutShowingThePassword() {
		this.contextRunner
			.withPropertyValues("llm.client.endpoint=" + server.endpoint(),
					"llm.client.proxy.url=https://alice:" + PASSWORD + "@proxy.corp:3128")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new LlmClientPropertiesFailureAnalyzer()
					.analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("llm.client.proxy.url", "must start with http://")
					.doesNotContain(PASSWORD);
			});
	}

	@Test
	void credentialsWithoutProxyUrlFailStartUp() {
		this.contextRunner
			.withPropertyValues("llm.client.endpoint=" + server.endpoint(), "llm.client.proxy.username=alice",
					"llm.client.proxy.password=" + PASSWORD)
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new LlmClientPropertiesFailureAnalyzer()
					.analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("llm.client.proxy.username", "set proxy.url too")
					.doesNotContain(PASSWORD);
			});
	}

}
