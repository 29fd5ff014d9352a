package dev.llmclient.internal;

import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import dev.llmclient.LlmClient;
import dev.llmclient.LlmClientSettings;
import dev.llmclient.Usage;

/**
 * JMH: the cost of recording one successful call (latency window, counters, Micrometer
 * timer and token summaries). Lives in the client's internal package to reach the
 * package-private recorder; it is benchmark code only and follows the recorder's changes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RecordingBenchmark {

	@Param({ "1000", "100000" })
	public int maxLatencyRecords;

	@Param({ "micrometer", "none" })
	public String metrics;

	private CallRecorder recorder;

	private HttpTransport transport;

	private final Usage usage = new Usage(9, 12, 21);

	private long nanos = 1_000_000;

	@Setup
	public void setUp() {
		// built the way DefaultLlmClient builds them; the transport opens no connection
		// here
		LlmClientSettings settings = LlmClient.builder()
			.endpoint("http://127.0.0.1:9/v1")
			.lifecycle((lifecycle) -> lifecycle.withEagerInit(false))
			.health((health) -> health.withMaxLatencyRecords(this.maxLatencyRecords))
			.settings();
		this.transport = new HttpTransport(settings, null);
		CallMetrics callMetrics = this.metrics.equals("none") ? CallMetrics.NONE : MicrometerCallMetrics
			.create(settings, new SimpleMeterRegistry(), this.transport, new Bulkhead(settings));
		this.recorder = new CallRecorder(new LatencyWindow(settings.health().maxLatencyRecords()), callMetrics,
				settings.health().downAfterFailures());
	}

	@TearDown
	public void tearDown() {
		this.transport.close();
	}

	@Benchmark
	public void recordSuccess() {
		this.nanos = (this.nanos + 7919) & 0xFFFFFF;
		this.recorder.success("bench-model", this.nanos, this.usage);
	}

}
