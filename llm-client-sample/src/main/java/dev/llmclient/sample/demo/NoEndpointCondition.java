package dev.llmclient.sample.demo;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/**
 * Matches when {@code llm.client.endpoint} is unset or blank (from any property source,
 * such as the environment variable {@code LLM_CLIENT_ENDPOINT}).
 */
final class NoEndpointCondition extends SpringBootCondition {

	static final String ENDPOINT_PROPERTY = "llm.client.endpoint";

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		if (StringUtils.hasText(context.getEnvironment().getProperty(ENDPOINT_PROPERTY))) {
			return ConditionOutcome.noMatch(ENDPOINT_PROPERTY + " is set");
		}
		return ConditionOutcome.match(ENDPOINT_PROPERTY + " is not set");
	}

}
