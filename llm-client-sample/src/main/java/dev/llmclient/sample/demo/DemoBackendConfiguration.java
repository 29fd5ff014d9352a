package dev.llmclient.sample.demo;

import java.io.IOException;
import java.time.Duration;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import dev.llmclient.autoconfigure.LlmClientConnectionDetails;

/**
 * Starts the demo backend and points the client at it through
 * {@link LlmClientConnectionDetails}, unless {@code llm.client.endpoint} names a real
 * server.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(NoEndpointCondition.class)
class DemoBackendConfiguration {

	private static final Log logger = LogFactory.getLog(DemoBackendConfiguration.class);

	private static final String MODEL_PROPERTY = "llm.client.model";

	@Bean
	DemoBackend demoBackend(Environment environment) throws IOException {
		ProviderLimits limits = new ProviderLimits(environment.getProperty("sample.demo.capacity", Integer.class, 0),
				environment.getProperty("sample.demo.requests-per-minute", Integer.class, 0),
				environment.getProperty("sample.demo.latency", Duration.class, Duration.ZERO));
		if (!limits.equals(ProviderLimits.NONE)) {
			logger.info("Demo backend simulates a provider's limits: " + limits);
		}
		return DemoBackend.start(limits);
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
