package dev.llmclient.sample.demo;

import java.time.Duration;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * How the demo backends behave, one backend or several replicas alike: the delay and
 * failure switches the web console changes and the slots that schedule by priority
 * ({@link DemoControls}), and the provider's limits they simulate
 * ({@link ProviderLimits}).
 */
@Configuration(proxyBeanMethods = false)
@Conditional(NoEndpointCondition.class)
class DemoSettingsConfiguration {

	private static final Log logger = LogFactory.getLog(DemoSettingsConfiguration.class);

	@Bean
	DemoControls demoControls(@Value("${sample.demo.token-delay:0ms}") Duration tokenDelay,
			@Value("${sample.demo.prefix-cache-size:" + PrefixCache.DEFAULT_SIZE + "}") int prefixCacheSize,
			@Value("${sample.demo.slots:0}") int slots, @Value("${sample.demo.batch-phase:1s}") Duration batchPhase) {
		DemoControls controls = new DemoControls(tokenDelay, prefixCacheSize, slots);
		controls.setBatchPhase(batchPhase);
		return controls;
	}

	@Bean
	ProviderLimits demoProviderLimits(Environment environment) {
		ProviderLimits limits = new ProviderLimits(environment.getProperty("sample.demo.capacity", Integer.class, 0),
				environment.getProperty("sample.demo.requests-per-minute", Integer.class, 0),
				environment.getProperty("sample.demo.latency", Duration.class, Duration.ZERO));
		if (!limits.equals(ProviderLimits.NONE)) {
			logger.info("Demo backend simulates a provider's limits: " + limits);
		}
		return limits;
	}

}
