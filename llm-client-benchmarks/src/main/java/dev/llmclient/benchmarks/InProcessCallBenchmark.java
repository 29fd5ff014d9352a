package dev.llmclient.benchmarks;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.math.BigDecimal;
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

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.web.client.RestClient;

import dev.llmclient.LlmClient;
import dev.llmclient.PricingSettings.ModelPrice;
import dev.llmclient.internal.DefaultLlmClient;

/**
 * JMH: one whole call with the network cut out. A RestClient interceptor answers every
 * request with the stub's completion, so what remains is each client's own work: building
 * the request, the RestClient machinery, mapping, and (for this client) bulkhead, retry
 * wrapper and recording.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class InProcessCallBenchmark {

	/**
	 * {@code llm-client}: metrics on; {@code llm-client-priced}: metrics and prices on
	 * ({@code llm.client.pricing.*}, so each call is priced and counted in
	 * {@code llm.client.cost}); {@code llm-client-spend-budget}: prices and a daily spend
	 * budget too; {@code llm-client-no-metrics}; {@code floor}: a bare RestClient.
	 */
	@Param({ "llm-client", "llm-client-priced", "llm-client-spend-budget", "llm-client-no-metrics", "floor" })
	public String client;

	private LlmClient llmClient;

	private RestClient floor;

	@Setup
	public void setUp() {
		ClientHttpRequestInterceptor canned = (request, body, execution) -> new CannedResponse();
		if (this.client.equals("floor")) {
			this.floor = RestClient.builder()
				.baseUrl("http://127.0.0.1:9/v1")
				.requestInterceptor(canned)
				.defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + Contender.API_KEY)
				.build();
			return;
		}
		var builder = LlmClient.builder()
			.endpoint("http://127.0.0.1:9/v1")
			.apiKey(Contender.API_KEY)
			.model(Contender.MODEL)
			.retry((retry) -> retry.withEnabled(false))
			.lifecycle((lifecycle) -> lifecycle.withEagerInit(false))
			.meterRegistry(this.client.equals("llm-client-no-metrics") ? null : new SimpleMeterRegistry());
		if (!this.client.equals("llm-client") && !this.client.equals("llm-client-no-metrics")) {
			builder.pricing((pricing) -> pricing.withModel(Contender.MODEL, ModelPrice.of("2.50", "10")));
		}
		if (this.client.equals("llm-client-spend-budget")) {
			builder.budget((budget) -> budget.withCostPerDay(new BigDecimal("1000000")));
		}
		this.llmClient = DefaultLlmClient.create(builder, RestClient.builder().requestInterceptor(canned));
	}

	@TearDown
	public void tearDown() {
		if (this.llmClient != null) {
			this.llmClient.close();
		}
	}

	@Benchmark
	public String call() {
		if (this.llmClient != null) {
			return this.llmClient.generate(ClosedLoop.PROMPT);
		}
		return this.floor.post()
			.uri("/chat/completions")
			.contentType(MediaType.APPLICATION_JSON)
			.accept(MediaType.APPLICATION_JSON)
			.body(WireJson.request(ClosedLoop.PROMPT))
			.exchange((request, response) -> WireJson.content(response.getBody()));
	}

	/** The stub's answer, without a socket. */
	static final class CannedResponse implements ClientHttpResponse {

		private final HttpHeaders headers = new HttpHeaders();

		CannedResponse() {
			this.headers.setContentType(MediaType.APPLICATION_JSON);
			this.headers.setContentLength(StubServer.COMPLETION.length);
		}

		@Override
		public HttpStatusCode getStatusCode() {
			return HttpStatusCode.valueOf(200);
		}

		@Override
		public String getStatusText() {
			return "OK";
		}

		@Override
		public HttpHeaders getHeaders() {
			return this.headers;
		}

		@Override
		public InputStream getBody() {
			return new ByteArrayInputStream(StubServer.COMPLETION);
		}

		@Override
		public void close() {
		}

	}

}
