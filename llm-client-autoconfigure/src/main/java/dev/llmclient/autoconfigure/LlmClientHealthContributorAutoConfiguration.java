package dev.llmclient.autoconfigure;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.CompositeHealthContributorConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

import dev.llmclient.LlmClient;
import dev.llmclient.health.LlmClientHealthIndicator;

/**
 * Auto-configuration of the {@code llmClient} health component: one
 * {@link LlmClientHealthIndicator} when the application has one {@link LlmClient} bean, a
 * composite with one entry per client, keyed by bean name, when it has several. Turned
 * off by {@code management.health.llmclient.enabled=false}. The cluster-wide limits, when
 * enabled, are reported under {@code cluster}.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = LlmClientAutoConfiguration.class)
@ConditionalOnClass({ HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean(LlmClient.class)
@ConditionalOnEnabledHealthIndicator("llmclient")
public final class LlmClientHealthContributorAutoConfiguration
		extends CompositeHealthContributorConfiguration<LlmClientHealthIndicator, LlmClient> {

	LlmClientHealthContributorAutoConfiguration(ConfigurableListableBeanFactory beanFactory) {
		super((client) -> new LlmClientHealthIndicator(client, LlmClusterAutoConfiguration.healthDetails(beanFactory)));
	}

	@Bean
	@ConditionalOnMissingBean(name = { "llmClientHealthIndicator", "llmClientHealthContributor" })
	HealthContributor llmClientHealthContributor(ConfigurableListableBeanFactory beanFactory) {
		return createContributor(beanFactory, LlmClient.class);
	}

}
