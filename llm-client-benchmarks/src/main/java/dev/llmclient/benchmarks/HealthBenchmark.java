package dev.llmclient.benchmarks;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

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
import dev.llmclient.LlmClientHealth;

/**
 * JMH: what one {@code client.health()} costs with a full latency window of
 * {@code capacity} records (the percentiles are selected from a copy of the window). The
 * window is filled by real calls to the loopback {@link StubServer} before measuring; the
 * probe is off, so health makes no request.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HealthBenchmark {

	@Param({ "1000", "100000" })
	public int capacity;

	private StubServer server;

	private LlmClient client;

	@Setup
	public void setUp() throws IOException {
		this.server = new StubServer();
		this.client = LlmClient.builder()
			.endpoint("http://127.0.0.1:" + this.server.port() + "/v1")
			.apiKey(Contender.API_KEY)
			.model(Contender.MODEL)
			.health((health) -> health.withMaxLatencyRecords(this.capacity))
			.build();
		for (int i = 0; i < this.capacity; i++) {
			this.client.generate(ClosedLoop.PROMPT);
		}
		if (this.client.health().latency().count() != this.capacity) {
			throw new IllegalStateException("window not full: " + this.client.health().latency());
		}
	}

	@TearDown
	public void tearDown() {
		this.client.close();
		this.server.close();
	}

	@Benchmark
	public LlmClientHealth health() {
		return this.client.health();
	}

}
