package dev.llmclient.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.context.annotation.Bean;

import dev.llmclient.LlmClientCustomizer;

/**
 * Sends the LLM client's metrics to the application's {@link MeterRegistry}, when Micrometer is
 * present and a registry is configured.
 *
 * @since 0.1.0
 */
@AutoConfiguration(before = LlmClientAutoConfiguration.class,
        after = { MetricsAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class })
@ConditionalOnClass({ MeterRegistry.class, MetricsAutoConfiguration.class })
@ConditionalOnBean(MeterRegistry.class)
public final class LlmClientMetricsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "llmClientMetricsCustomizer")
    LlmClientCustomizer llmClientMetricsCustomizer(MeterRegistry meterRegistry) {
        return (builder) -> builder.meterRegistry(meterRegistry);
    }

}
