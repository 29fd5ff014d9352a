package dev.llmclient.sample.demo;

import java.io.IOException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import dev.llmclient.autoconfigure.LlmClientConnectionDetails;

/**
 * Starts the demo backend and points the client at it through
 * {@link LlmClientConnectionDetails}, unless {@code llm.client.endpoint} names a real
 * server, or {@code sample.demo.replicas} asks for several backends
 * ({@link DemoReplicasConfiguration}).
 */
@Configuration(proxyBeanMethods = false)
@Conditional(NoEndpointCondition.class)
@ConditionalOnExpression("${sample.demo.replicas:1} <= 1")
class DemoBackendConfiguration {

	private static final Log logger = LogFactory.getLog(DemoBackendConfiguration.class);

	private static final String MODEL_PROPERTY = "llm.client.model";

	@Bean
	DemoBackend demoBackend(DemoControls demoControls, ProviderLimits providerLimits) throws IOException {
		return DemoBackend.start(demoControls, providerLimits);
	}

	@Bean
	DemoConnectionDetails demoBackendConnectionDetails(DemoBackend demoBackend, Environment environment) {
		logger.info("No " + NoEndpointCondition.ENDPOINT_PROPERTY
				+ " set: using the built-in demo backend (echo model) at " + demoBackend.baseUrl()
				+ ". To use a real server set LLM_CLIENT_ENDPOINT and LLM_CLIENT_MODEL, "
				+ "e.g. LLM_CLIENT_ENDPOINT=http://localhost:11434/v1 LLM_CLIENT_MODEL=llama3.2 for Ollama.");
		return new DemoConnectionDetails(demoBackend.baseUrl(), environment.getProperty(MODEL_PROPERTY));
	}

}
