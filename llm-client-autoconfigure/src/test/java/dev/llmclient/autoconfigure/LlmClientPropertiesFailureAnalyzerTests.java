package dev.llmclient.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.diagnostics.FailureAnalysis;

import static org.assertj.core.api.Assertions.assertThat;

class LlmClientPropertiesFailureAnalyzerTests {

	private final LlmClientPropertiesFailureAnalyzer analyzer = new LlmClientPropertiesFailureAnalyzer();

	@Test
	void invalidValueNamesKeyValueReasonAndEnvironmentVariable() {
		FailureAnalysis analysis = this.analyzer.analyze(new BeanCreationException("llmClient", "failed",
				new InvalidConfigurationPropertyValueException("llm.client.max-concurrent", 0, "must be at least 1")));
		assertThat(analysis.getDescription())
			.isEqualTo("Invalid value '0' for configuration property 'llm.client.max-concurrent': must be at least 1");
		assertThat(analysis.getAction()).contains("'llm.client.max-concurrent'", "LLM_CLIENT_MAX_CONCURRENT",
				"llm.client.enabled=false");
	}

	@Test
	void missingValueSaysTheKeyIsRequired() {
		FailureAnalysis analysis = this.analyzer.analyze(new InvalidConfigurationPropertyValueException(
				"llm.client.endpoint", null, "is required: set it to an absolute http or https URL"));
		assertThat(analysis.getDescription()).startsWith("Configuration property 'llm.client.endpoint' is required");
		assertThat(analysis.getAction()).contains("LLM_CLIENT_ENDPOINT");
	}

	@Test
	void leavesOtherPropertiesToSpringBoot() {
		assertThat(this.analyzer.analyze(new InvalidConfigurationPropertyValueException("server.port", -1, "bad")))
			.isNull();
	}

}
