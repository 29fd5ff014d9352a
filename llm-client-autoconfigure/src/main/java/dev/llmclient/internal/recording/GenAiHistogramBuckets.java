package dev.llmclient.internal.recording;

import java.util.Arrays;
import java.util.stream.DoubleStream;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;

/**
 * Gives the client's histograms the bucket boundaries the OpenTelemetry GenAI conventions
 * advise, once the application asks for histograms, for example with
 * {@code management.metrics.distribution.percentiles-histogram.gen_ai.client.operation.duration=true}:
 * <ul>
 * <li>{@code gen_ai.client.operation.duration}: 0.01, 0.02, 0.04 ... 81.92 seconds (14
 * buckets, each twice the last); {@code gen_ai.client.operation.time_to_first_chunk} gets
 * the same;
 * <li>{@code gen_ai.client.token.usage}: 1, 4, 16 ... 67 108 864 tokens (14 buckets, each
 * four times the last).
 * </ul>
 * These replace Micrometer's generic percentile buckets (about 70 for a timer) with the
 * few that GenAI dashboards expect; service-level objectives the application set are kept
 * as extra buckets. Without a histogram request nothing changes. Add it after any filter
 * that turns histograms on (Spring Boot's property filter is ordered first); the
 * auto-configuration does.
 */
public final class GenAiHistogramBuckets implements MeterFilter {

	/** Upper bounds of the duration buckets, in seconds. */
	static final double[] DURATION_SECONDS = DoubleStream.iterate(0.01, (bound) -> bound * 2).limit(14).toArray();

	/** Upper bounds of the token usage buckets. */
	static final double[] TOKENS = DoubleStream.iterate(1, (bound) -> bound * 4).limit(14).toArray();

	@Override
	public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
		if (!Boolean.TRUE.equals(config.isPercentileHistogram())) {
			return config;
		}
		if (isDuration(id.getName()) && id.getType() == Meter.Type.TIMER) {
			// timers keep their boundaries in nanoseconds
			return withBuckets(config,
					Arrays.stream(DURATION_SECONDS).map((seconds) -> Math.round(seconds * 1e9)).toArray());
		}
		if (MicrometerCallMetrics.TOKEN_USAGE.equals(id.getName())) {
			return withBuckets(config, TOKENS);
		}
		return config;
	}

	private static boolean isDuration(String name) {
		return MicrometerCallMetrics.DURATION.equals(name) || MicrometerCallMetrics.TIME_TO_FIRST_CHUNK.equals(name);
	}

	private static DistributionStatisticConfig withBuckets(DistributionStatisticConfig config, double[] buckets) {
		double[] own = config.getServiceLevelObjectiveBoundaries();
		double[] all = (own != null)
				? DoubleStream.concat(Arrays.stream(buckets), Arrays.stream(own)).sorted().distinct().toArray()
				: buckets;
		return DistributionStatisticConfig.builder()
			.percentilesHistogram(false)
			.serviceLevelObjectives(all)
			.build()
			.merge(config);
	}

}
