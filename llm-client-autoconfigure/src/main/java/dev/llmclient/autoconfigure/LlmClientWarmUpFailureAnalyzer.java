package dev.llmclient.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a start-up stopped by {@code llm.client.warm-up.fail-fast}: which endpoint
 * could not be reached and why, and the properties that change what happens.
 */
final class LlmClientWarmUpFailureAnalyzer extends AbstractFailureAnalyzer<LlmClientWarmUpException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, LlmClientWarmUpException cause) {
		String description = cause.getMessage();
		String action = "Start the LLM server, or point llm.client.endpoint at one that is running. To start without "
				+ "it, set llm.client.warm-up.fail-fast=false (the application starts and health reports DOWN until a "
				+ "call succeeds) or llm.client.eager-init=false (no connection is opened until the first call).";
		return new FailureAnalysis(description, action, cause);
	}

}
