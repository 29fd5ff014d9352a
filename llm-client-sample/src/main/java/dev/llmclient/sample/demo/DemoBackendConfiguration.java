package dev.llmclient.sample.demo;

import java.io.IOException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

import dev.llmclient.LlmClientCustomizer;

/**
 * Starts the demo backend and points the client at it, unless {@code llm.client.endpoint}
 * names a real server.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(NoEndpointCondition.class)
class DemoBackendConfiguration {

	private static final Log logger = LogFactory.getLog(DemoBackendConfiguration.class);

	@Bean
	DemoBackend demoBackend() throws IOException {
		return DemoBackend.start();
	}

	@Bean
	LlmClientCustomizer demoBackendEndpoint(DemoBackend demoBackend) {
		return (builder) -> {
			builder.endpoint(demoBackend.baseUrl());
			logger.info("No " + NoEndpointCondition.ENDPOINT_PROPERTY
					+ " set: using the built-in demo backend (echo model) at " + demoBackend.baseUrl()
					+ ". To use a real server set LLM_CLIENT_ENDPOINT and LLM_CLIENT_MODEL, "
					+ "e.g. LLM_CLIENT_ENDPOINT=http://localhost:11434/v1 LLM_CLIENT_MODEL=llama3.2 for Ollama.");
		};
	}

}
