package dev.llmclient.benchmarks;

import java.util.concurrent.TimeUnit;

import brave.Tracing;
import brave.handler.SpanHandler;
import brave.propagation.ThreadLocalCurrentTraceContext;
import brave.sampler.Sampler;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.brave.bridge.BraveBaggageManager;
import io.micrometer.tracing.brave.bridge.BraveCurrentTraceContext;
import io.micrometer.tracing.brave.bridge.BravePropagator;
import io.micrometer.tracing.brave.bridge.BraveTracer;
import io.micrometer.tracing.brave.bridge.W3CPropagation;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingReceiverTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingSenderTracingObservationHandler;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.web.client.RestClient;

import dev.llmclient.LlmClient;
import dev.llmclient.internal.DefaultLlmClient;

/**
 * JMH: what observing a call costs, with the network cut out as in
 * {@link InProcessCallBenchmark}: no observation registry (an application without
 * Micrometer Tracing), a registry without handlers, and a Brave tracer that samples every
 * call and drops the finished spans (the call span, its HTTP child and the
 * {@code traceparent} header).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ObservedCallBenchmark {

	/**
	 * Takes finished spans and keeps none, as a reporter would take them; without a
	 * handler Brave would log every span.
	 */
	private static final SpanHandler DROP = new SpanHandler() {
	};

	@Param({ "none", "empty-registry", "brave" })
	public String observation;

	private LlmClient llmClient;

	private Tracing tracing;

	@Setup
	public void setUp() {
		ClientHttpRequestInterceptor canned = (request, body, execution) -> new InProcessCallBenchmark.CannedResponse();
		var builder = LlmClient.builder()
			.endpoint("http://127.0.0.1:9/v1")
			.apiKey(Contender.API_KEY)
			.model(Contender.MODEL)
			.retry((retry) -> retry.withEnabled(false))
			.lifecycle((lifecycle) -> lifecycle.withEagerInit(false))
			.observationRegistry(registry());
		this.llmClient = DefaultLlmClient.create(builder, RestClient.builder().requestInterceptor(canned));
	}

	private ObservationRegistry registry() {
		if (this.observation.equals("none")) {
			return null;
		}
		ObservationRegistry registry = ObservationRegistry.create();
		if (this.observation.equals("brave")) {
			ThreadLocalCurrentTraceContext context = ThreadLocalCurrentTraceContext.newBuilder().build();
			this.tracing = Tracing.newBuilder()
				.currentTraceContext(context)
				.traceId128Bit(true)
				.propagationFactory(new W3CPropagation())
				.sampler(Sampler.ALWAYS_SAMPLE)
				.addSpanHandler(DROP)
				.build();
			BraveTracer tracer = new BraveTracer(this.tracing.tracer(), new BraveCurrentTraceContext(context),
					new BraveBaggageManager());
			BravePropagator propagator = new BravePropagator(this.tracing);
			registry.observationConfig()
				.observationHandler(new ObservationHandler.FirstMatchingCompositeObservationHandler(
						new PropagatingSenderTracingObservationHandler<>(tracer, propagator),
						new PropagatingReceiverTracingObservationHandler<>(tracer, propagator),
						new DefaultTracingObservationHandler(tracer)));
		}
		return registry;
	}

	@TearDown
	public void tearDown() {
		this.llmClient.close();
		if (this.tracing != null) {
			this.tracing.close();
		}
	}

	@Benchmark
	public String call() {
		return this.llmClient.generate(ClosedLoop.PROMPT);
	}

}
