package dev.llmclient.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a start-up failure of the cluster mode without its Redis libraries: which
 * dependencies to add, or how to turn the cluster mode off.
 */
final class LlmClusterDependencyFailureAnalyzer extends AbstractFailureAnalyzer<LlmClusterDependencyException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, LlmClusterDependencyException cause) {
		return new FailureAnalysis(
				"The LLM client's cluster-wide limits are enabled (llm.client.cluster.enabled=true), but "
						+ String.join(" and ", cause.missing()) + " " + ((cause.missing().size() > 1) ? "are" : "is")
						+ " not on the class path.",
				"Add " + String.join(" and ", cause.missing())
						+ " to the application's dependencies (Lettuce's version is managed by Spring Boot; "
						+ "Bucket4j's must match bucket4j_jdk17-core), or set llm.client.cluster.enabled=false.",
				cause);
	}

}
