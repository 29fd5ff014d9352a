package dev.llmclient.internal.recording;

import java.util.List;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import dev.llmclient.internal.limits.Bulkhead;
import dev.llmclient.traffic.ConcurrencyLimiter;

/**
 * The {@code llm.client.bulkhead.*} gauges of one client: {@code in-flight},
 * {@code waiting} and {@code max}, and {@code llm.client.concurrency.limit}, the limit of
 * the moment (below {@code max} while the adaptive limit has found the server takes
 * fewer). They read the bulkhead when the registry is scraped, never on a call's path,
 * and are removed when the client closes.
 */
final class BulkheadGauges {

	static final String PREFIX = "llm.client.bulkhead.";

	static final String MAX = PREFIX + "max";

	static final String LIMIT = "llm.client.concurrency.limit";

	private final MeterRegistry registry;

	private final List<Gauge> gauges;

	private BulkheadGauges(MeterRegistry registry, List<Gauge> gauges) {
		this.registry = registry;
		this.gauges = gauges;
	}

	static BulkheadGauges register(MeterRegistry registry, Tags tags, Bulkhead bulkhead) {
		return new BulkheadGauges(registry,
				List.of(gauge(registry, tags, bulkhead, "in-flight", "Calls in flight", Bulkhead::inFlight),
						gauge(registry, tags, bulkhead, "waiting", "Calls waiting for a slot, at most max-wait",
								Bulkhead::waiting),
						gauge(registry, tags, bulkhead, "max", "Calls allowed in flight at once (max-concurrent)",
								Bulkhead::maxConcurrent),
						Gauge.builder(LIMIT, bulkhead, Bulkhead::limit)
							.description("Calls allowed in flight now: max-concurrent, or the adaptive limit")
							.tags(tags)
							.register(registry)));
	}

	/**
	 * Registers the {@code llm.client.concurrency.limit} gauge of one endpoint of a
	 * client with several, tagged with its address: its own limit of the moment.
	 */
	static BulkheadGauges registerEndpoint(MeterRegistry registry, Tags tags, ConcurrencyLimiter limiter) {
		return new BulkheadGauges(registry,
				List.of(Gauge.builder(LIMIT, limiter, ConcurrencyLimiter::limit)
					.description("Calls allowed in flight now: max-concurrent, or the adaptive limit")
					.tags(tags)
					.register(registry)));
	}

	private static Gauge gauge(MeterRegistry registry, Tags tags, Bulkhead bulkhead, String name, String description,
			ToDoubleFunction<Bulkhead> value) {
		return Gauge.builder(PREFIX + name, bulkhead, value).description(description).tags(tags).register(registry);
	}

	void remove() {
		this.gauges.forEach(this.registry::remove);
	}

}
