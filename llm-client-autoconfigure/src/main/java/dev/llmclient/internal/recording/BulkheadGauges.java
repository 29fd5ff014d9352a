package dev.llmclient.internal.recording;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

import dev.llmclient.RequestClass;
import dev.llmclient.internal.limits.Bulkhead;
import dev.llmclient.traffic.ConcurrencyLimiter;

/**
 * The {@code llm.client.bulkhead.*} gauges of one client: {@code in-flight},
 * {@code waiting} and {@code max}, and {@code llm.client.concurrency.limit}, the limit of
 * the moment (below {@code max} while the adaptive limit has found the server takes
 * fewer); {@code class.in-flight}, {@code class.waiting} and the {@code wait} timer
 * tagged {@code class} ({@code interactive}, {@code batch}). They read the bulkhead when
 * the registry is scraped, never on a call's path, and are removed when the client
 * closes.
 */
final class BulkheadGauges {

	static final String PREFIX = "llm.client.bulkhead.";

	static final String MAX = PREFIX + "max";

	static final String LIMIT = "llm.client.concurrency.limit";

	/** The gauges and timer by request class carry this tag. */
	static final String CLASS = "class";

	static final String CLASS_IN_FLIGHT = PREFIX + "class.in-flight";

	static final String CLASS_WAITING = PREFIX + "class.waiting";

	static final String WAIT = PREFIX + "wait";

	private final MeterRegistry registry;

	private final List<Meter> gauges;

	/**
	 * The wait for a permit, by {@link RequestClass#ordinal()}; empty for an endpoint.
	 */
	private final Timer[] waits;

	private BulkheadGauges(MeterRegistry registry, List<Meter> gauges, Timer[] waits) {
		this.registry = registry;
		this.gauges = gauges;
		this.waits = waits;
	}

	static BulkheadGauges register(MeterRegistry registry, Tags tags, Bulkhead bulkhead) {
		List<Meter> meters = new ArrayList<>(classic(registry, tags, bulkhead));
		Timer[] waits = new Timer[RequestClass.values().length];
		for (RequestClass requestClass : RequestClass.values()) {
			Tags classTags = tags.and(CLASS, Bulkhead.className(requestClass));
			meters.add(Gauge.builder(CLASS_IN_FLIGHT, bulkhead, (b) -> b.inFlight(requestClass))
				.description("Calls in flight, by request class")
				.tags(classTags)
				.register(registry));
			meters.add(Gauge.builder(CLASS_WAITING, bulkhead, (b) -> b.waiting(requestClass))
				.description("Calls waiting for a permit, by request class")
				.tags(classTags)
				.register(registry));
			waits[requestClass.ordinal()] = Timer.builder(WAIT)
				.description("Time calls waited for a permit of the client-wide limit, by request class")
				.tags(classTags)
				.register(registry);
			meters.add(waits[requestClass.ordinal()]);
		}
		return new BulkheadGauges(registry, meters, waits);
	}

	/**
	 * Records how long a call waited for its permit.
	 * @param requestClass the call's class
	 * @param nanos the wait, zero when a permit was free
	 */
	void waited(RequestClass requestClass, long nanos) {
		if (this.waits.length > 0) {
			this.waits[requestClass.ordinal()].record(nanos, TimeUnit.NANOSECONDS);
		}
	}

	private static List<Gauge> classic(MeterRegistry registry, Tags tags, Bulkhead bulkhead) {
		return List.of(gauge(registry, tags, bulkhead, "in-flight", "Calls in flight", Bulkhead::inFlight),
				gauge(registry, tags, bulkhead, "waiting", "Calls waiting for a slot, at most max-wait",
						Bulkhead::waiting),
				gauge(registry, tags, bulkhead, "max", "Calls allowed in flight at once (max-concurrent)",
						Bulkhead::maxConcurrent),
				Gauge.builder(LIMIT, bulkhead, Bulkhead::limit)
					.description("Calls allowed in flight now: max-concurrent, or the adaptive limit")
					.tags(tags)
					.register(registry));
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
					.register(registry)),
				new Timer[0]);
	}

	private static Gauge gauge(MeterRegistry registry, Tags tags, Bulkhead bulkhead, String name, String description,
			ToDoubleFunction<Bulkhead> value) {
		return Gauge.builder(PREFIX + name, bulkhead, value).description(description).tags(tags).register(registry);
	}

	void remove() {
		this.gauges.forEach(this.registry::remove);
	}

}
