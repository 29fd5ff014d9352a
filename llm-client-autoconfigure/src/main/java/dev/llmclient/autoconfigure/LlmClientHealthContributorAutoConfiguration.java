package dev.llmclient.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.SimpleAutowireCandidateResolver;
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
import dev.llmclient.LlmClientSettings;
import dev.llmclient.health.LlmClientHealthIndicator;

/**
 * Auto-configuration of the {@code llmClient} health component: one
 * {@link LlmClientHealthIndicator} when the application has one {@link LlmClient} bean, a
 * composite with one entry per client when it has several, keyed by the client's name
 * (the {@code llm.client.name} tag of its meters), or by its bean name when it was given
 * none. Turned off by {@code management.health.llmclient.enabled=false}. The cluster-wide
 * limits, when enabled, are reported under {@code cluster}.
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
		super((client) -> new LlmClientHealthIndicator(client,
				LlmClusterAutoConfiguration.healthDetails(beanFactory, client.name())));
	}

	@Bean
	@ConditionalOnMissingBean(name = { "llmClientHealthIndicator", "llmClientHealthContributor" })
	HealthContributor llmClientHealthContributor(ConfigurableListableBeanFactory beanFactory) {
		return createContributor(
				byName(SimpleAutowireCandidateResolver.resolveAutowireCandidates(beanFactory, LlmClient.class)));
	}

	/**
	 * Keys each client by its name, the one its meters and log lines carry: a client
	 * given no name ({@code default}), or one sharing its name with another, by its bean
	 * name.
	 */
	static Map<String, LlmClient> byName(Map<String, LlmClient> beans) {
		Map<String, Long> counts = beans.values()
			.stream()
			.collect(Collectors.groupingBy(LlmClient::name, Collectors.counting()));
		Map<String, LlmClient> byName = new LinkedHashMap<>();
		beans.forEach((beanName, client) -> {
			boolean own = !client.name().equals(LlmClientSettings.DEFAULT_NAME) && counts.get(client.name()) == 1;
			byName.put(own ? client.name() : beanName, client);
		});
		return byName;
	}

}
