package dev.llmclient.benchmarks;

import java.io.IOException;
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

/**
 * JMH: what recording a call costs, seen from the public API. One call to the loopback
 * {@link StubServer} (which answers at once) with a {@code MeterRegistry} and without
 * one, and with a latency window of 1 000 and of 100 000 records: the difference between
 * {@code metrics=micrometer} and {@code metrics=none} is the recording (counters, the
 * duration timer and the token summaries), the difference between the window sizes is
 * what the window costs. The time per call is dominated by the loopback round trip, so
 * read the difference in {@code gc.alloc.rate.norm} (bytes allocated per call, with
 * {@code -prof gc}) rather than in time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RecordingBenchmark {

	@Param({ "1000", "100000" })
	public int maxLatencyRecords;

	@Param({ "micrometer", "none" })
	public String metrics;

	private StubServer server;

	private LlmClient client;

	@Setup
	public void setUp() throws IOException {
		this.server = new StubServer();
		this.client = LlmClient.builder()
			.endpoint("http://127.0.0.1:" + this.server.port() + "/v1")
			.apiKey(Contender.API_KEY)
			.model(Contender.MODEL)
			.retry((retry) -> retry.withEnabled(false))
			.health((health) -> health.withMaxLatencyRecords(this.maxLatencyRecords))
			.meterRegistry(this.metrics.equals("micrometer") ? new SimpleMeterRegistry() : null)
			.build();
	}

	@TearDown
	public void tearDown() {
		this.client.close();
		this.server.close();
	}

	@Benchmark
	public String call() {
		return this.client.generate(ClosedLoop.PROMPT);
	}

}
