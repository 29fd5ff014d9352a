package dev.llmclient.benchmarks;

import java.lang.management.ManagementFactory;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.langchain4j.http.client.jdk.JdkHttpClientBuilder;
import dev.langchain4j.service.AiServices;

import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;

import dev.llmclient.ChatRequest;
import dev.llmclient.LlmClient;
import dev.llmclient.benchmarks.StructuredOutputBenchmark.Contact;

/**
 * Structured output side by side, over loopback against the stub (its
 * {@code /structured/} answers carry a 5-field record as JSON): this client's plain
 * {@code chat} (the baseline), its {@code chat(request, Contact.class)}, Spring AI's
 * {@code ChatClient...call().entity(Contact.class)} and a LangChain4j AI service
 * returning {@code Contact}. One caller thread, sequential calls, contenders taking turns
 * after warm-up rounds: the benchmark JVM's CPU time per call (the stub runs in its own)
 * and the bytes allocated per call by all its threads, each also as a ratio to the
 * baseline of the same round.
 */
final class Structured {

	private static final String BASELINE = "llm-client `chat(request)` (baseline)";

	/** LangChain4j's AI service: the interface it implements. */
	interface Extractor {

		Contact extract(String text);

	}

	private final int calls;

	private final int rounds;

	private final int warmUpRounds;

	/** Per contender and round: CPU nanoseconds and bytes allocated per call. */
	private final Map<String, List<long[]>> results = new LinkedHashMap<>();

	Structured(Settings settings) {
		this.calls = settings.quick() ? 200 : 2000;
		this.rounds = settings.quick() ? 2 : 5;
		this.warmUpRounds = settings.quick() ? 1 : 2;
	}

	Structured run(StubProcess stub) throws Exception {
		String baseUrl = "http://127.0.0.1:" + stub.port() + "/structured/v1";
		try (LlmClient llm = LlmClient.builder()
			.endpoint(baseUrl)
			.apiKey(Contender.API_KEY)
			.model(Contender.MODEL)
			.retry((retry) -> retry.withEnabled(false))
			.build()) {
			Map<String, Callable<Object>> contenders = contenders(llm, baseUrl);
			for (Map.Entry<String, Callable<Object>> contender : contenders.entrySet()) {
				Object answer = contender.getValue().call();
				if (!answer.toString().contains("Ada") && !(answer instanceof Contact)) {
					throw new IllegalStateException(contender.getKey() + " answered " + answer);
				}
				this.results.put(contender.getKey(), new ArrayList<>());
			}
			List<String> names = List.copyOf(contenders.keySet());
			for (int round = -this.warmUpRounds; round < this.rounds; round++) {
				for (String name : Rotation.of(names, round + this.warmUpRounds)) {
					long[] perCall = measure(contenders.get(name));
					if (round >= 0) {
						this.results.get(name).add(perCall);
						Log.progress("structured round %d %-55s %7.1f µs CPU, %8d bytes per call", round + 1, name,
								perCall[0] / 1e3, perCall[1]);
					}
				}
			}
		}
		return this;
	}

	private static Map<String, Callable<Object>> contenders(LlmClient llm, String baseUrl) {
		Map<String, Callable<Object>> contenders = new LinkedHashMap<>();
		ChatRequest request = ChatRequest.of(ClosedLoop.PROMPT);
		contenders.put(BASELINE, () -> llm.chat(request).content());
		contenders.put("llm-client `chat(request, Contact.class)`", () -> llm.chat(request, Contact.class));
		ChatClient springAi = ChatClient.create(OpenAiChatModel.builder()
			.options(OpenAiChatOptions.builder()
				.baseUrl(baseUrl)
				.apiKey(Contender.API_KEY)
				.model(Contender.MODEL)
				.timeout(Contender.READ_TIMEOUT)
				.maxRetries(0)
				.build())
			.build());
		contenders.put(ContenderKind.SPRING_AI.label() + " `ChatClient...entity(Contact.class)`",
				() -> springAi.prompt().user(ClosedLoop.PROMPT).call().entity(Contact.class));
		Extractor langChain4j = AiServices.create(Extractor.class,
				dev.langchain4j.model.openai.OpenAiChatModel.builder()
					.baseUrl(baseUrl)
					.apiKey(Contender.API_KEY)
					.modelName(Contender.MODEL)
					.maxRetries(0)
					.timeout(Contender.READ_TIMEOUT)
					.httpClientBuilder(new JdkHttpClientBuilder()
						.httpClientBuilder(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)))
					.build());
		contenders.put(ContenderKind.LANGCHAIN4J.label() + " AI service returning `Contact`",
				() -> langChain4j.extract(ClosedLoop.PROMPT));
		return contenders;
	}

	/** Returns CPU nanoseconds and bytes allocated per call over {@link #calls} calls. */
	private long[] measure(Callable<Object> contender) throws Exception {
		long cpuStart = processCpuNanos();
		long allocated = allocatedBytes();
		for (int i = 0; i < this.calls; i++) {
			contender.call();
		}
		return new long[] { (processCpuNanos() - cpuStart) / this.calls, (allocatedBytes() - allocated) / this.calls };
	}

	String markdown() {
		Table table = new Table("contender", "CPU µs per call", "× our plain chat", "bytes per call",
				"× our plain chat");
		List<long[]> baseline = this.results.get(BASELINE);
		for (Map.Entry<String, List<long[]>> contender : this.results.entrySet()) {
			List<long[]> rounds = contender.getValue();
			double[] cpu = new double[rounds.size()];
			double[] cpuRatio = new double[rounds.size()];
			double[] bytes = new double[rounds.size()];
			double[] bytesRatio = new double[rounds.size()];
			for (int round = 0; round < rounds.size(); round++) {
				cpu[round] = rounds.get(round)[0] / 1e3;
				cpuRatio[round] = rounds.get(round)[0] / (double) baseline.get(round)[0];
				bytes[round] = rounds.get(round)[1];
				bytesRatio[round] = rounds.get(round)[1] / (double) baseline.get(round)[1];
			}
			table.row(contender.getKey(), Spread.of(cpu).format(0), Spread.of(cpuRatio).format(2),
					Spread.of(bytes).format(0), Spread.of(bytesRatio).format(2));
		}
		return table.toString();
	}

	String heading() {
		return String.format(Locale.ROOT,
				"### Structured output: a 5-field record, zero-latency stub, one caller thread\n\n"
						+ "%d rounds of %d sequential calls per contender after %d warm-up rounds, contenders taking "
						+ "turns; median (min–max). CPU is the benchmark JVM's process CPU time per call (the stub "
						+ "runs in its own JVM), bytes the allocation of all its live threads per call; the ratios are "
						+ "to llm-client's plain `chat` in the same round.\n\n",
				this.rounds, this.calls, this.warmUpRounds);
	}

	private static long processCpuNanos() {
		return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
			.getProcessCpuTime();
	}

	/** Bytes allocated so far by the threads alive now (threads that ended are lost). */
	private static long allocatedBytes() {
		com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
		long total = 0;
		for (long allocated : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
			total += Math.max(0, allocated);
		}
		return total;
	}

}
