package dev.llmclient.internal;

import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import dev.llmclient.LlmClientHealth;
import dev.llmclient.Usage;

/**
 * What observability costs a call, and what a health check costs. Run by hand, never by
 * surefire (see the guide's "Metrics" section for the command and the numbers):
 * <ul>
 * <li>{@code recordCall}: one successful call recorded as the client does it: latency
 * window, counters and the duration timer, on a Prometheus or a simple registry, or with
 * no registry;
 * <li>{@code recordCallWithTokens}: the same plus the two token usage summaries;
 * <li>{@code windowRecord}: the latency window alone;
 * <li>{@code health}: one health computation with a full window of {@code capacity}
 * latencies.
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ObservabilityBenchmark {

	private static final LlmClientHealth.Pool POOL = new LlmClientHealth.Pool(2, 1, 0, 10);

	private static final LlmClientHealth.Bulkhead BULKHEAD = new LlmClientHealth.Bulkhead(10, 1, 0);

	/** A recorder as the client builds it, with its window and metrics. */
	@State(Scope.Benchmark)
	public static class Recording {

		@Param({ "prometheus", "simple", "none" })
		public String registry;

		CallRecorder recorder;

		final Usage usage = new Usage(12, 3, 15);

		long nanos;

		@Setup
		public void setUp() {
			CallMetrics metrics = switch (this.registry) {
				case "prometheus" -> metrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
				case "simple" -> metrics(new SimpleMeterRegistry());
				default -> CallMetrics.NONE;
			};
			this.recorder = new CallRecorder(new LatencyWindow(1000), metrics, 5);
		}

		private static CallMetrics metrics(MeterRegistry registry) {
			return new MicrometerCallMetrics(registry, Tags.of("gen_ai.operation.name", "chat", "gen_ai.provider.name",
					"openai_compatible", "server.address", "localhost", "server.port", "8080"), null);
		}

	}

	/** A latency window alone. */
	@State(Scope.Benchmark)
	public static class Window {

		final LatencyWindow window = new LatencyWindow(1000);

		long nanos;

	}

	/** A recorder whose window is full. */
	@State(Scope.Benchmark)
	public static class FullWindow {

		@Param({ "1000", "100000" })
		public int capacity;

		CallRecorder recorder;

		@Setup
		public void setUp() {
			this.recorder = new CallRecorder(new LatencyWindow(this.capacity), CallMetrics.NONE, 5);
			java.util.Random random = new java.util.Random(42);
			for (int i = 0; i < this.capacity; i++) {
				this.recorder.success("m", 50_000_000L + (long) (random.nextGaussian() * 10_000_000L), null);
			}
		}

	}

	@Benchmark
	public void recordCall(Recording state) {
		state.recorder.success("llama3.2", 1_000_000L + (state.nanos++ & 0xFFFF), null);
	}

	@Benchmark
	public void recordCallWithTokens(Recording state) {
		state.recorder.success("llama3.2", 1_000_000L + (state.nanos++ & 0xFFFF), state.usage);
	}

	@Benchmark
	public void windowRecord(Window state) {
		state.window.record(1_000_000L + (state.nanos++ & 0xFFFF));
	}

	@Benchmark
	public LlmClientHealth health(FullWindow state) {
		return state.recorder.health("http://localhost:8080/v1", "m", POOL, BULKHEAD);
	}

}
