package dev.llmclient.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.llmclient.LlmClient;
import dev.llmclient.batch.LlmBatchService;

/**
 * Auto-configuration of the {@link LlmBatchService} over the application's
 * {@link LlmClient}, when there is a single candidate (one client, or one marked
 * {@code @Primary}); with several, build a service per client with
 * {@code new LlmBatchService(client, meterRegistry)}. It keeps as many items of a batch
 * in flight as the client's {@code max-concurrent} ({@link LlmClient#maxConcurrent()}, so
 * a customizer's value counts, and without calling {@code health()}), and counts items on
 * {@code llm.client.batch.items} when a {@link MeterRegistry} is present, and observes
 * each batch ({@code llm.client.batch}) when an {@link ObservationRegistry} is.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = { LlmClientAutoConfiguration.class, LlmClientMetricsAutoConfiguration.class })
@ConditionalOnSingleCandidate(LlmClient.class)
public final class LlmBatchAutoConfiguration {

	/**
	 * Without a meter registry; the metered bean below, processed first, takes
	 * precedence.
	 */
	@Bean
	@ConditionalOnMissingBean
	LlmBatchService llmBatchService(LlmClient llmClient, ObjectProvider<ObservationRegistry> observationRegistry) {
		return new LlmBatchService(llmClient, null, observationRegistry.getIfAvailable());
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	@ConditionalOnBean(MeterRegistry.class)
	static class MeteredBatchConfiguration {

		@Bean
		@ConditionalOnMissingBean
		LlmBatchService llmBatchService(LlmClient llmClient, MeterRegistry meterRegistry,
				ObjectProvider<ObservationRegistry> observationRegistry) {
			return new LlmBatchService(llmClient, meterRegistry, observationRegistry.getIfAvailable());
		}

	}

}
