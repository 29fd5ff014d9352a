package dev.llmclient.autoconfigure;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;

/**
 * Explains a start-up failure caused by a missing or invalid {@code llm.client.*}
 * property, naming the key, the value and how to fix it; for an unknown
 * {@code llm.client.ssl.bundle}, where under {@code spring.ssl.bundle} to define it.
 */
final class LlmClientPropertiesFailureAnalyzer
		extends AbstractFailureAnalyzer<InvalidConfigurationPropertyValueException> implements Ordered {

	private static final String SSL_BUNDLE = "llm.client.ssl.bundle";

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidConfigurationPropertyValueException cause) {
		String name = cause.getName();
		if (!name.startsWith("llm.client.")) {
			return null;
		}
		String description = (cause.getValue() != null) ? "Invalid value '" + cause.getValue()
				+ "' for configuration property '" + name + "': " + cause.getReason()
				: "Configuration property '" + name + "' " + cause.getReason();
		return new FailureAnalysis(description, SSL_BUNDLE.equals(name) ? sslBundleAction(cause) : action(name), cause);
	}

	private static String action(String name) {
		String envVar = name.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
		return "Set '" + name + "' to a valid value in application.yml or application.properties, or through the "
				+ "environment variable " + envVar + ". To run without the LLM client, set llm.client.enabled=false.";
	}

	private static String sslBundleAction(InvalidConfigurationPropertyValueException cause) {
		Object bundle = cause.getValue();
		return "Define the SSL bundle under spring.ssl.bundle.pem." + bundle
				+ ".* (PEM files) or spring.ssl.bundle.jks." + bundle + ".* (key stores), or set '" + SSL_BUNDLE
				+ "' to the name of a bundle that exists. " + "Leave it unset to trust the JVM's default trust store.";
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
