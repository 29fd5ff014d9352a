package dev.llmclient.autoconfigure;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;

/**
 * Explains a start-up failure caused by a missing or invalid {@code llm.client.*}
 * property, naming the key, the value and how to fix it.
 */
final class LlmClientPropertiesFailureAnalyzer
		extends AbstractFailureAnalyzer<InvalidConfigurationPropertyValueException> implements Ordered {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidConfigurationPropertyValueException cause) {
		String name = cause.getName();
		if (!name.startsWith("llm.client.")) {
			return null;
		}
		String description = (cause.getValue() != null) ? "Invalid value '" + cause.getValue()
				+ "' for configuration property '" + name + "': " + cause.getReason()
				: "Configuration property '" + name + "' " + cause.getReason();
		String envVar = name.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
		String action = "Set '" + name
				+ "' to a valid value in application.yml or application.properties, or through the "
				+ "environment variable " + envVar + ". To run without the LLM client, set llm.client.enabled=false.";
		return new FailureAnalysis(description, action, cause);
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
