package dev.llmclient.sample.demo;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

import dev.llmclient.autoconfigure.LlmClientProperties;

/**
 * Matches when neither {@code llm.client.endpoint} nor {@code llm.client.endpoints} is
 * set, from any property source (such as the environment variable
 * {@code LLM_CLIENT_ENDPOINT} or the command line's
 * {@code --llm.client.endpoints[0].url=...}).
 */
final class NoEndpointCondition extends SpringBootCondition {

	static final String ENDPOINT_PROPERTY = "llm.client.endpoint";

	static final String ENDPOINTS_PROPERTY = "llm.client.endpoints";

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		if (StringUtils.hasText(context.getEnvironment().getProperty(ENDPOINT_PROPERTY))) {
			return ConditionOutcome.noMatch(ENDPOINT_PROPERTY + " is set");
		}
		if (Binder.get(context.getEnvironment())
			.bind(ENDPOINTS_PROPERTY, Bindable.listOf(LlmClientProperties.Endpoint.class))
			.isBound()) {
			return ConditionOutcome.noMatch(ENDPOINTS_PROPERTY + " is set");
		}
		return ConditionOutcome.match(ENDPOINT_PROPERTY + " and " + ENDPOINTS_PROPERTY + " are not set");
	}

}
