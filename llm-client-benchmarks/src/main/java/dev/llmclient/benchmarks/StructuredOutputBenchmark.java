package dev.llmclient.benchmarks;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
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

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.web.client.RestClient;

import dev.llmclient.ChatRequest;
import dev.llmclient.LlmClient;
import dev.llmclient.internal.DefaultLlmClient;

/**
 * JMH: what structured output costs per call, with the network cut out as in
 * {@link InProcessCallBenchmark}. Both modes read the same canned completion, whose
 * content is a 5-field record as JSON: {@code plain} is {@code chat(request)} returning
 * the text, {@code structured} is {@code chat(request, Contact.class)}, which also writes
 * the (cached) strict schema into the request and maps the answer into the record. Run
 * with {@code -prof gc} for allocation per call; the target is structured ≤ 1.2 × plain.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class StructuredOutputBenchmark {

	/** The record the answer maps into: five fields, one a list. */
	public record Contact(String name, String email, String company, int age, List<String> topics) {
	}

	static final byte[] COMPLETION = ("{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion\","
			+ "\"created\":1700000000,\"model\":\"bench-model\",\"choices\":[{\"index\":0,\"message\":"
			+ "{\"role\":\"assistant\",\"content\":\"{\\\"name\\\":\\\"Ada Lovelace\\\",\\\"email\\\":"
			+ "\\\"ada@example.com\\\",\\\"company\\\":\\\"Analytical Engines\\\",\\\"age\\\":36,"
			+ "\\\"topics\\\":[\\\"math\\\",\\\"engines\\\"]}\",\"refusal\":null},\"logprobs\":null,"
			+ "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":30,"
			+ "\"total_tokens\":39}}")
		.getBytes(StandardCharsets.US_ASCII);

	private static final ChatRequest REQUEST = ChatRequest.builder()
		.system("Extract the contact.")
		.user(ClosedLoop.PROMPT)
		.build();

	@Param({ "plain", "structured" })
	public String mode;

	private LlmClient llmClient;

	@Setup
	public void setUp() {
		ClientHttpRequestInterceptor canned = (request, body, execution) -> new CannedResponse();
		var builder = LlmClient.builder()
			.endpoint("http://127.0.0.1:9/v1")
			.apiKey(Contender.API_KEY)
			.model(Contender.MODEL)
			.retry((retry) -> retry.withEnabled(false))
			.lifecycle((lifecycle) -> lifecycle.withEagerInit(false));
		this.llmClient = DefaultLlmClient.create(builder, RestClient.builder().requestInterceptor(canned));
	}

	@TearDown
	public void tearDown() {
		this.llmClient.close();
	}

	@Benchmark
	public Object call() {
		if (this.mode.equals("structured")) {
			return this.llmClient.chat(REQUEST, Contact.class);
		}
		return this.llmClient.chat(REQUEST).content();
	}

	/**
	 * CPU time per call of the calling thread (all of a call's work runs on it here),
	 * less disturbed by other processes than JMH's wall time on a shared machine:
	 * alternating rounds of each mode, the median round reported.
	 * @param args {@code [calls per round]}, 20000 by default
	 */
	public static void main(String[] args) {
		int calls = (args.length > 0) ? Integer.parseInt(args[0]) : 20_000;
		java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
		StructuredOutputBenchmark plain = new StructuredOutputBenchmark();
		plain.mode = "plain";
		plain.setUp();
		StructuredOutputBenchmark structured = new StructuredOutputBenchmark();
		structured.mode = "structured";
		structured.setUp();
		int rounds = 9;
		long[][] nanos = new long[2][rounds];
		for (int round = -2; round < rounds; round++) {
			for (int which = 0; which < 2; which++) {
				StructuredOutputBenchmark benchmark = (which == 0) ? plain : structured;
				long start = threads.getCurrentThreadCpuTime();
				for (int i = 0; i < calls; i++) {
					benchmark.call();
				}
				long perCall = (threads.getCurrentThreadCpuTime() - start) / calls;
				if (round >= 0) {
					nanos[which][round] = perCall;
				}
			}
		}
		java.util.Arrays.sort(nanos[0]);
		java.util.Arrays.sort(nanos[1]);
		long plainCpu = nanos[0][rounds / 2];
		long structuredCpu = nanos[1][rounds / 2];
		System.out.printf("CPU per call (median of %d rounds of %d calls): plain %d ns, structured %d ns, ratio %.2f%n",
				rounds, calls, plainCpu, structuredCpu, (double) structuredCpu / plainCpu);
		plain.tearDown();
		structured.tearDown();
	}

	/** The canned completion, without a socket. */
	static final class CannedResponse implements ClientHttpResponse {

		private final HttpHeaders headers = new HttpHeaders();

		CannedResponse() {
			this.headers.setContentType(MediaType.APPLICATION_JSON);
			this.headers.setContentLength(COMPLETION.length);
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
			return new ByteArrayInputStream(COMPLETION);
		}

		@Override
		public void close() {
		}

	}

}
