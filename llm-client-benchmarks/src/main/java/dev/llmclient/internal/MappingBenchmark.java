package dev.llmclient.internal;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

import dev.llmclient.benchmarks.BenchmarkSupport;

/**
 * JMH: reading the stub's 305-byte chat completion with the client's wire records and
 * mapper (package-private, hence this package) against the raw contenders' hand-written
 * records.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class MappingBenchmark {

	private final byte[] body = BenchmarkSupport.completion();

	@Benchmark
	public Object parseLlmClient() {
		return ChatCodec.MAPPER.readValue(this.body, ChatCodec.CompletionResponse.class);
	}

	@Benchmark
	public Object parseHandWritten() {
		return BenchmarkSupport.parseHandWritten(this.body);
	}

}
