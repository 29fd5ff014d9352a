package dev.llmclient.internal.recording;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class GenAiHistogramBucketsTests {

	private static final Double[] DURATION_BUCKETS = { 0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12,
			10.24, 20.48, 40.96, 81.92 };

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private void histogramsOn() {
		this.registry.config().meterFilter(new MeterFilter() {
			@Override
			public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
				return DistributionStatisticConfig.builder().percentilesHistogram(true).build().merge(config);
			}
		});
	}

	@Test
	void timeToFirstChunkGetsTheDurationBuckets() {
		histogramsOn();
		this.registry.config().meterFilter(new GenAiHistogramBuckets());
		Timer timer = Timer.builder(MicrometerCallMetrics.TIME_TO_FIRST_CHUNK).register(this.registry);
		timer.record(Duration.ofMillis(30));
		assertThat(Arrays.stream(timer.takeSnapshot().histogramCounts()).map((b) -> b.bucket(TimeUnit.SECONDS)))
			.containsExactly(DURATION_BUCKETS);
		assertThat(timer.takeSnapshot().histogramCounts()[2].count()).isEqualTo(1);
	}

	@Test
	void otherMetersKeepMicrometersBuckets() {
		// the simple registry shows no percentile-histogram buckets, Prometheus does
		PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
		prometheus.config().meterFilter(new MeterFilter() {
			@Override
			public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
				return DistributionStatisticConfig.builder().percentilesHistogram(true).build().merge(config);
			}
		});
		prometheus.config().meterFilter(new GenAiHistogramBuckets());
		Timer timer = Timer.builder("http.server.requests").register(prometheus);
		timer.record(Duration.ofMillis(30));
		assertThat(timer.takeSnapshot().histogramCounts()).hasSizeGreaterThan(DURATION_BUCKETS.length);
	}

	@Test
	void nothingChangesWithoutAHistogramRequest() {
		this.registry.config().meterFilter(new GenAiHistogramBuckets());
		Timer timer = Timer.builder(MicrometerCallMetrics.DURATION).register(this.registry);
		timer.record(Duration.ofMillis(30));
		assertThat(timer.takeSnapshot().histogramCounts()).isEmpty();
	}

}
