package dev.llmclient.internal.recording;

import java.util.List;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import dev.llmclient.LlmClientHealth;
import dev.llmclient.internal.http.HttpTransport;

/**
 * The {@code llm.client.pool.*} gauges of one client's connection pool: {@code leased},
 * {@code available}, {@code pending} and {@code max}. They read the pool when the
 * registry is scraped, never on a call's path, and are removed when the client closes.
 */
final class PoolGauges {

	static final String PREFIX = "llm.client.pool.";

	private final MeterRegistry registry;

	private final List<Gauge> gauges;

	private PoolGauges(MeterRegistry registry, List<Gauge> gauges) {
		this.registry = registry;
		this.gauges = gauges;
	}

	static PoolGauges register(MeterRegistry registry, Tags tags, HttpTransport transport) {
		return new PoolGauges(registry, List.of(
				gauge(registry, tags, transport, "leased", "Connections carrying a call", LlmClientHealth.Pool::leased),
				gauge(registry, tags, transport, "available", "Idle connections ready for reuse",
						LlmClientHealth.Pool::available),
				gauge(registry, tags, transport, "pending", "Requests waiting for a connection",
						LlmClientHealth.Pool::pending),
				gauge(registry, tags, transport, "max", "Most connections the pool opens", LlmClientHealth.Pool::max)));
	}

	private static Gauge gauge(MeterRegistry registry, Tags tags, HttpTransport transport, String name,
			String description, ToDoubleFunction<LlmClientHealth.Pool> value) {
		return Gauge.builder(PREFIX + name, transport, (pool) -> value.applyAsDouble(pool.poolStats()))
			.description(description)
			.tags(tags)
			.register(registry);
	}

	void remove() {
		this.gauges.forEach(this.registry::remove);
	}

}
