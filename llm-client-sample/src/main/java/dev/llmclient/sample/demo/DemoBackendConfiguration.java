package dev.llmclient.sample.demo;

import java.io.IOException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;

import dev.llmclient.autoconfigure.LlmClientAutoConfiguration;
import dev.llmclient.autoconfigure.LlmClientConnectionDetails;

/**
 * Starts the demo backend and points the client at it through
 * {@link LlmClientConnectionDetails}, unless {@code llm.client.endpoint} or
 * {@code llm.client.endpoints} names a real server, the application supplies connection
 * details of its own (a bean of a test or of
 * {@code SpringApplication.from(...).with(...)}), or {@code sample.demo.replicas} asks
 * for several backends ({@link DemoReplicasConfiguration}).
 * <p>
 * An auto-configuration of the sample (listed in
 * {@code META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports},
 * not component-scanned) so that it sees every bean the application defines before it
 * decides, and comes before the client's own.
 */
@AutoConfiguration(before = LlmClientAutoConfiguration.class)
@Conditional(NoEndpointCondition.class)
@ConditionalOnExpression("${sample.demo.replicas:1} <= 1")
@ConditionalOnMissingBean(LlmClientConnectionDetails.class)
class DemoBackendConfiguration {

	private static final Log logger = LogFactory.getLog(DemoBackendConfiguration.class);

	private static final String MODEL_PROPERTY = "llm.client.model";

	@Bean
	DemoBackend demoBackend(DemoControls demoControls, ProviderLimits providerLimits) throws IOException {
		return DemoBackend.start(demoControls, providerLimits);
	}

	@Bean
	DemoConnectionDetails demoBackendConnectionDetails(DemoBackend demoBackend, Environment environment) {
		logger.info("No " + NoEndpointCondition.ENDPOINT_PROPERTY + " or " + NoEndpointCondition.ENDPOINTS_PROPERTY
				+ " set: using the built-in demo backend (echo model) at " + demoBackend.baseUrl()
				+ ". To use a real server set LLM_CLIENT_ENDPOINT and LLM_CLIENT_MODEL, "
				+ "e.g. LLM_CLIENT_ENDPOINT=http://localhost:11434/v1 LLM_CLIENT_MODEL=llama3.2 for Ollama.");
		return new DemoConnectionDetails(demoBackend.baseUrl(),
				environment.getProperty(MODEL_PROPERTY, EchoModel.NAME));
	}

}
