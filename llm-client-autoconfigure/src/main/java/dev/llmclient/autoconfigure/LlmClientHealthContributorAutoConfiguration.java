package dev.llmclient.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

import dev.llmclient.LlmClient;
import dev.llmclient.health.LlmClientHealthIndicator;

/**
 * Auto-configuration of {@link LlmClientHealthIndicator}, shown as component
 * {@code llmClient}. Turned off by {@code management.health.llmclient.enabled=false}.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = LlmClientAutoConfiguration.class)
@ConditionalOnClass({ HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean(LlmClient.class)
@ConditionalOnEnabledHealthIndicator("llmclient")
public final class LlmClientHealthContributorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "llmClientHealthIndicator")
	LlmClientHealthIndicator llmClientHealthIndicator(LlmClient llmClient) {
		return new LlmClientHealthIndicator(llmClient);
	}

}
