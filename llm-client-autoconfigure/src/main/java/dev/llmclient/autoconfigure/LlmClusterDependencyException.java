package dev.llmclient.autoconfigure;

import java.util.List;

/**
 * {@code llm.client.cluster.enabled=true} but a library the cluster mode needs is not on
 * the class path; explained by {@link LlmClusterDependencyFailureAnalyzer}.
 */
final class LlmClusterDependencyException extends IllegalStateException {

	private static final long serialVersionUID = 1L;

	private final List<String> missing;

	LlmClusterDependencyException(List<String> missing) {
		super("llm.client.cluster.enabled=true needs " + String.join(" and ", missing) + " on the class path");
		this.missing = missing;
	}

	List<String> missing() {
		return this.missing;
	}

}
