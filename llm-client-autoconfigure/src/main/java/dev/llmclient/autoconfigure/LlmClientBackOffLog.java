package dev.llmclient.autoconfigure;

import java.util.Arrays;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.AbstractBeanDefinition;

import dev.llmclient.LlmClient;

/**
 * Says, at INFO, that the auto-configured client backed off because the application
 * defines clients of its own, naming them and the fix for a client meant to sit beside
 * the auto-configured one: without it, {@code llm.client.endpoint} and the other
 * properties would be ignored without a word.
 */
final class LlmClientBackOffLog implements SmartInitializingSingleton {

	private static final Log logger = LogFactory.getLog(LlmClientAutoConfiguration.class);

	private final ConfigurableListableBeanFactory beanFactory;

	LlmClientBackOffLog(ConfigurableListableBeanFactory beanFactory) {
		this.beanFactory = beanFactory;
	}

	@Override
	public void afterSingletonsInstantiated() {
		if (logger.isInfoEnabled()) {
			logger.info(message(defaultCandidates()));
		}
	}

	/**
	 * The application's clients that made the auto-configured one back off.
	 * @return their bean names
	 */
	List<String> defaultCandidates() {
		return Arrays.stream(this.beanFactory.getBeanNamesForType(LlmClient.class, true, false))
			.filter((name) -> !this.beanFactory.containsBeanDefinition(name)
					|| !(this.beanFactory.getBeanDefinition(name) instanceof AbstractBeanDefinition definition)
					|| definition.isDefaultCandidate())
			.toList();
	}

	static String message(List<String> beanNames) {
		return "Not auto-configuring the LLM client from llm.client.*: the application defines "
				+ ((beanNames.size() == 1) ? "its own LlmClient bean " : "its own LlmClient beans ")
				+ String.join(", ", beanNames) + ". If " + ((beanNames.size() == 1) ? "it is" : "they are")
				+ " meant to sit beside the auto-configured client, declare "
				+ ((beanNames.size() == 1) ? "it" : "each") + " with @Bean(defaultCandidate = false) and inject "
				+ ((beanNames.size() == 1) ? "it" : "them") + " by @Qualifier; or configure "
				+ ((beanNames.size() == 1) ? "it" : "them") + " under llm.clients.<name>.*.";
	}

}
