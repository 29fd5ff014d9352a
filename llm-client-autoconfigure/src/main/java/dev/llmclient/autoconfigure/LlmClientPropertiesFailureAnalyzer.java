package dev.llmclient.autoconfigure;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;

/**
 * Explains a start-up failure caused by a missing or invalid {@code llm.client.*} or
 * {@code llm.clients.<name>.*} property, naming the key, the value and how to fix it; for
 * an unknown {@code ssl.bundle}, where under {@code spring.ssl.bundle} to define it.
 */
final class LlmClientPropertiesFailureAnalyzer
		extends AbstractFailureAnalyzer<InvalidConfigurationPropertyValueException> implements Ordered {

	private static final String SSL_BUNDLE_PATH = ".ssl.bundle";

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidConfigurationPropertyValueException cause) {
		String name = cause.getName();
		if (!name.startsWith("llm.client.") && !name.startsWith("llm.clients.")) {
			return null;
		}
		String description = (cause.getValue() != null) ? "Invalid value '" + cause.getValue()
				+ "' for configuration property '" + name + "': " + cause.getReason()
				: "Configuration property '" + name + "' " + cause.getReason();
		return new FailureAnalysis(description,
				name.endsWith(SSL_BUNDLE_PATH) ? sslBundleAction(name, cause) : action(name), cause);
	}

	private static String action(String name) {
		String envVar = name.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
		return "Set '" + name + "' to a valid value in application.yml or application.properties, or through the "
				+ "environment variable " + envVar + ". " + withoutIt(name);
	}

	/** How to start without the client whose property is wrong. */
	private static String withoutIt(String name) {
		if (name.startsWith("llm.clients.")) {
			String client = name.substring(0, name.indexOf('.', "llm.clients.".length()) + 1);
			return "To run without this client, remove " + client + "* or set " + client + "enabled=false.";
		}
		return "To run without the LLM client, set llm.client.enabled=false.";
	}

	private static String sslBundleAction(String name, InvalidConfigurationPropertyValueException cause) {
		Object bundle = cause.getValue();
		return "Define the SSL bundle under spring.ssl.bundle.pem." + bundle
				+ ".* (PEM files) or spring.ssl.bundle.jks." + bundle + ".* (key stores), or set '" + name
				+ "' to the name of a bundle that exists. " + "Leave it unset to trust the JVM's default trust store.";
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
