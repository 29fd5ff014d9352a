package dev.llmclient.internal;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Publishes the bulkhead as gauges: {@code llm.client.bulkhead.in-flight}, {@code .waiting} and
 * {@code .max}. Only loaded when a registry is present, so Micrometer stays optional.
 */
final class BulkheadMetrics {

    static final String IN_FLIGHT = "llm.client.bulkhead.in-flight";

    static final String WAITING = "llm.client.bulkhead.waiting";

    static final String MAX = "llm.client.bulkhead.max";

    private BulkheadMetrics() {
    }

    static void bind(MeterRegistry registry, Bulkhead bulkhead) {
        Gauge.builder(IN_FLIGHT, bulkhead, Bulkhead::inFlight)
            .description("Calls of the LLM client in flight")
            .register(registry);
        Gauge.builder(WAITING, bulkhead, Bulkhead::waiting)
            .description("Calls of the LLM client waiting for a slot (llm.client.max-wait)")
            .register(registry);
        Gauge.builder(MAX, bulkhead, Bulkhead::maxConcurrent)
            .description("Calls of the LLM client allowed in flight at once (llm.client.max-concurrent)")
            .register(registry);
    }

}
