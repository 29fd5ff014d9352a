package dev.llmclient.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

import dev.llmclient.LlmClientCustomizer;
import dev.llmclient.internal.recording.GenAiHistogramBuckets;

/**
 * Sends the LLM client's metrics to the application's {@link MeterRegistry}, when
 * Micrometer is present and a registry is configured, and gives its histograms the
 * OpenTelemetry GenAI bucket boundaries when the application turns histograms on (for
 * example
 * {@code management.metrics.distribution.percentiles-histogram.gen_ai.client.operation.duration=true}).
 *
 * @since 0.1.0
 */
@AutoConfiguration(before = LlmClientAutoConfiguration.class,
		after = { MetricsAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class })
@ConditionalOnClass({ MeterRegistry.class, MetricsAutoConfiguration.class })
public final class LlmClientMetricsAutoConfiguration {

	@Bean
	@ConditionalOnBean(MeterRegistry.class)
	@ConditionalOnMissingBean(name = "llmClientMetricsCustomizer")
	LlmClientCustomizer llmClientMetricsCustomizer(MeterRegistry meterRegistry) {
		return (builder) -> builder.meterRegistry(meterRegistry);
	}

	/**
	 * First of the meter observation handlers, so that the client's observations add no
	 * meter to the ones it records itself.
	 * @return the handler
	 */
	@Bean
	@Order(Ordered.HIGHEST_PRECEDENCE)
	@ConditionalOnMissingBean
	UnmeteredLlmObservations llmClientUnmeteredObservations() {
		return new UnmeteredLlmObservations();
	}

	/**
	 * Unordered, so it runs after Spring Boot's property filter (order 0) and sees the
	 * histogram request it adds.
	 */
	@Bean
	@ConditionalOnMissingBean
	GenAiHistogramBuckets llmClientGenAiHistogramBuckets() {
		return new GenAiHistogramBuckets();
	}

}
