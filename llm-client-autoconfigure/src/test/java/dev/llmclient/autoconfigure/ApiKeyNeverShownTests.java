package dev.llmclient.autoconfigure;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.actuate.autoconfigure.context.properties.ConfigurationPropertiesReportEndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.env.EnvironmentEndpointAutoConfiguration;
import org.springframework.boot.actuate.context.properties.ConfigurationPropertiesReportEndpoint;
import org.springframework.boot.actuate.env.EnvironmentEndpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.llmclient.LlmClient;
import dev.llmclient.LlmClientException;
import dev.llmclient.health.LlmClientHealthIndicator;
import dev.llmclient.internal.DefaultLlmClient;
import dev.llmclient.testsupport.LoopbackWireMock;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * An API key set as a property, or supplied by an {@link LlmClientConnectionDetails}
 * bean, is sent to the server and shown nowhere else: not in health, metrics, logs,
 * exception messages, {@code toString()}, {@code /actuator/configprops} or
 * {@code /actuator/env}, even with their values shown.
 */
@ExtendWith(OutputCaptureExtension.class)
class ApiKeyNeverShownTests {

	private static final String API_KEY = "sk-proj-NeverShowMe0123456789abcdef";

	private static final JsonMapper json = JsonMapper.builder().build();

	@RegisterExtension
	static WireMockExtension server = LoopbackWireMock.extension();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(LlmClientAutoConfiguration.class, LlmClientMetricsAutoConfiguration.class,
						LlmClientHealthContributorAutoConfiguration.class, LlmClientSanitizingAutoConfiguration.class,
						EndpointAutoConfiguration.class, ConfigurationPropertiesReportEndpointAutoConfiguration.class,
						EnvironmentEndpointAutoConfiguration.class))
		.withBean(SimpleMeterRegistry.class)
		.withPropertyValues("llm.client.api-key=" + API_KEY, "llm.client.eager-init=false", "llm.client.model=m",
				"llm.client.retry.enabled=false", "llm.client.health.down-after-failures=1",
				"management.endpoint.configprops.show-values=always", "management.endpoint.env.show-values=always",
				"management.endpoints.web.exposure.include=*");

	@Test
	void keyIsSentToTheServerAndShownNowhereElse(CapturedOutput output) {
		// servers that echo the key back, as some do in their 401 message
		server.stubFor(post("/v1/chat/completions").withRequestBody(containing("unauthorized"))
			.willReturn(aResponse().withStatus(401)
				.withHeader("Content-Type", "application/json")
				.withBody("{\"error\":{\"message\":\"Incorrect API key provided: " + API_KEY
						+ "\",\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}")));
		server.stubFor(post("/v1/chat/completions").withRequestBody(containing("broken"))
			.willReturn(aResponse().withStatus(500).withBody("upstream failed for key " + API_KEY)));
		server.stubFor(post("/v1/chat/completions").withRequestBody(containing("fine"))
			.willReturn(okJson("{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"ok\"}}]}")));
		this.contextRunner.withPropertyValues("llm.client.endpoint=" + server.baseUrl() + "/v1").run((context) -> {
			LlmClient client = context.getBean(LlmClient.class);
			assertThat(client.generate("fine")).isEqualTo("ok");
			server.verify(postRequestedFor(urlEqualTo("/v1/chat/completions")).withHeader("Authorization",
					equalTo("Bearer " + API_KEY)));
			LlmClientException unauthorized = catchThrowableOfType(LlmClientException.class,
					() -> client.generate("unauthorized"));
			LlmClientException broken = catchThrowableOfType(LlmClientException.class, () -> client.generate("broken"));
			assertThat(unauthorized).hasMessageContaining("401")
				.hasMessageContaining("Incorrect API key provided")
				.hasMessageNotContaining(API_KEY);
			assertThat(unauthorized.toString()).doesNotContain(API_KEY);
			assertThat(broken).hasMessageContaining("500").hasMessageNotContaining(API_KEY);

			String health = json.writeValueAsString(context.getBean(LlmClientHealthIndicator.class).health(true));
			assertThat(health).contains("\"status\":\"DOWN\"", "\"lastError\"", "upstream failed for key ******")
				.doesNotContain(API_KEY);
			assertThat(client.health().toString()).doesNotContain(API_KEY);

			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.getMeters()).isNotEmpty();
			assertThat(registry.getMeters()).map(Meter::getId)
				.map(Meter.Id::toString)
				.allSatisfy((id) -> assertThat(id).doesNotContain(API_KEY));

			String configprops = json.writeValueAsString(context.getBean(ConfigurationPropertiesReportEndpoint.class)
				.configurationPropertiesWithPrefix("llm.client"));
			assertThat(configprops).contains("\"model\":\"m\"", "\"apiKey\":\"******\"").doesNotContain(API_KEY);
			String env = json
				.writeValueAsString(context.getBean(EnvironmentEndpoint.class).environmentEntry("llm.client.api-key"));
			assertThat(env).contains("******").doesNotContain(API_KEY);

			assertThat(client.toString()).doesNotContain(API_KEY);
			assertThat(context.getBean(DefaultLlmClient.class).settings().toString()).doesNotContain(API_KEY);
			assertThat(context.getBean(LlmClientProperties.class).toString()).doesNotContain(API_KEY);
		});
		assertThat(output).doesNotContain(API_KEY);
	}

	@Test
	void keyFromConnectionDetailsIsSentToTheServerAndShownNowhereElse(CapturedOutput output) {
		String key = "sk-from-connection-details-0123456789";
		server.stubFor(post("/v1/chat/completions").withRequestBody(containing("fine"))
			.willReturn(okJson("{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"ok\"}}]}")));
		server.stubFor(post("/v1/chat/completions").withRequestBody(containing("broken"))
			.willReturn(aResponse().withStatus(500).withBody("upstream failed for key " + key)));
		LlmClientConnectionDetails connectionDetails = new LlmClientConnectionDetails() {

			@Override
			public String endpoint() {
				return server.baseUrl() + "/v1";
			}

			@Override
			public String apiKey() {
				return key;
			}

		};
		this.contextRunner.withBean(LlmClientConnectionDetails.class, () -> connectionDetails).run((context) -> {
			LlmClient client = context.getBean(LlmClient.class);
			assertThat(client.generate("fine")).isEqualTo("ok");
			server.verify(postRequestedFor(urlEqualTo("/v1/chat/completions")).withHeader("Authorization",
					equalTo("Bearer " + key)));
			LlmClientException broken = catchThrowableOfType(LlmClientException.class, () -> client.generate("broken"));
			assertThat(broken).hasMessageContaining("500").hasMessageNotContaining(key);

			String health = json.writeValueAsString(context.getBean(LlmClientHealthIndicator.class).health(true));
			assertThat(health).contains("\"status\":\"DOWN\"", "upstream failed for key ******").doesNotContain(key);
			String configprops = json.writeValueAsString(context.getBean(ConfigurationPropertiesReportEndpoint.class)
				.configurationPropertiesWithPrefix("llm.client"));
			assertThat(configprops).contains("\"model\":\"m\"").doesNotContain(key);
			assertThat(context.getBean(DefaultLlmClient.class).settings().toString()).doesNotContain(key);
		});
		assertThat(output).doesNotContain(key);
	}

	@Test
	void refusedKeyIsReportedByWarmUpProbeAndHealthWithoutShowingIt(CapturedOutput output) {
		String echo = "{\"error\":{\"message\":\"Incorrect API key provided: " + API_KEY
				+ "\",\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}";
		server.stubFor(get("/v1/models").willReturn(aResponse().withStatus(401).withBody(echo)));
		server.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(401).withBody(echo)));
		this.contextRunner
			.withPropertyValues("llm.client.endpoint=" + server.baseUrl() + "/v1", "llm.client.eager-init=true",
					"llm.client.health.probe.enabled=true")
			.run((context) -> {
				LlmClient client = context.getBean(LlmClient.class);
				LlmClientException refused = catchThrowableOfType(LlmClientException.class,
						() -> client.generate("Hi"));
				assertThat(refused).hasMessageContaining("llm.client.api-key").hasMessageNotContaining(API_KEY);
				String health = json.writeValueAsString(context.getBean(LlmClientHealthIndicator.class).health(true));
				assertThat(health).contains("\"status\":\"DOWN\"", "rejected the key in llm.client.api-key")
					.doesNotContain(API_KEY);
				server.verify(getRequestedFor(urlEqualTo("/v1/models")).withHeader("Authorization",
						equalTo("Bearer " + API_KEY)));
			});
		assertThat(output).contains("WARN", "rejected the key in llm.client.api-key").doesNotContain(API_KEY);
	}

	@Test
	void keysOfSeveralEndpointsAreSentToTheirServersAndShownNowhereElse(CapturedOutput output) {
		String first = "sk-first-endpoint-0123456789abcdef";
		String second = "sk-second-endpoint-0123456789abcdef";
		server.stubFor(post("/v1/chat/completions").withHeader("Authorization", equalTo("Bearer " + first))
			.willReturn(aResponse().withStatus(500).withBody("upstream failed for key " + first)));
		server.stubFor(post("/v2/chat/completions")
			.willReturn(okJson("{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"ok\"}}]}")));
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(LlmClientAutoConfiguration.class,
					LlmClientMetricsAutoConfiguration.class, LlmClientHealthContributorAutoConfiguration.class,
					LlmClientSanitizingAutoConfiguration.class, EndpointAutoConfiguration.class,
					ConfigurationPropertiesReportEndpointAutoConfiguration.class,
					EnvironmentEndpointAutoConfiguration.class))
			.withBean(SimpleMeterRegistry.class)
			.withPropertyValues("llm.client.eager-init=false", "llm.client.model=m",
					"llm.client.endpoints[0].url=" + server.baseUrl() + "/v1",
					"llm.client.endpoints[0].api-key=" + first,
					"llm.client.endpoints[1].url=" + server.baseUrl() + "/v2",
					"llm.client.endpoints[1].api-key=" + second, "llm.client.routing.strategy=round-robin",
					"management.endpoint.configprops.show-values=always", "management.endpoint.env.show-values=always",
					"management.endpoints.web.exposure.include=*")
			.run((context) -> {
				LlmClient client = context.getBean(LlmClient.class);
				assertThat(client.generate("one")).isEqualTo("ok");
				assertThat(client.generate("two")).isEqualTo("ok");
				server.verify(postRequestedFor(urlEqualTo("/v1/chat/completions")).withHeader("Authorization",
						equalTo("Bearer " + first)));
				server.verify(postRequestedFor(urlEqualTo("/v2/chat/completions")).withHeader("Authorization",
						equalTo("Bearer " + second)));
				String health = json.writeValueAsString(context.getBean(LlmClientHealthIndicator.class).health(true));
				assertThat(health).contains("upstream failed for key ******").doesNotContain(first, second);
				assertThat(context.getBean(MeterRegistry.class).getMeters()).map(Meter::getId)
					.map(Meter.Id::toString)
					.allSatisfy((id) -> assertThat(id).doesNotContain(first, second));
				String configprops = json
					.writeValueAsString(context.getBean(ConfigurationPropertiesReportEndpoint.class)
						.configurationPropertiesWithPrefix("llm.client"));
				assertThat(configprops).contains("\"apiKey\":\"******\"").doesNotContain(first, second);
				for (String key : new String[] { "llm.client.endpoints[0].api-key",
						"llm.client.endpoints[1].api-key" }) {
					String env = json
						.writeValueAsString(context.getBean(EnvironmentEndpoint.class).environmentEntry(key));
					assertThat(env).contains("******").doesNotContain(first, second);
				}
				assertThat(client.toString()).doesNotContain(first, second);
				assertThat(client.health().toString()).doesNotContain(first, second);
				assertThat(context.getBean(DefaultLlmClient.class).settings().toString()).doesNotContain(first, second);
			});
		assertThat(output).doesNotContain(first).doesNotContain(second);
	}

}
