package dev.llmclient.benchmarks;

import java.lang.management.ManagementFactory;
import java.net.http.HttpClient;
import java.util.Arrays;
import java.util.LinkedHashMap;
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
 * Structured output side by side, over loopback against the stub in a process of its own
 * (its {@code /structured/} answers carry a 5-field record as JSON): this client's plain
 * {@code chat} (the baseline), its {@code chat(request, Contact.class)}, Spring AI's
 * {@code ChatClient...call().entity(Contact.class)} and a LangChain4j AI service
 * returning {@code Contact}. One caller thread, sequential calls; alternating rounds of
 * each, the median round reported: this process's CPU time per call (the stub's is not
 * counted) and bytes allocated per call by all its threads.
 */
public final class StructuredOutputSideBySide {

	/** LangChain4j's AI service: the interface it implements. */
	interface Extractor {

		Contact extract(String text);

	}

	private StructuredOutputSideBySide() {
	}

	/**
	 * Runs the comparison.
	 * @param args {@code [calls per round]}, 3000 by default
	 * @throws Exception when the stub cannot start
	 */
	public static void main(String[] args) throws Exception {
		int calls = (args.length > 0) ? Integer.parseInt(args[0]) : 3000;
		try (StubProcess stub = StubProcess.start()) {
			String baseUrl = "http://127.0.0.1:" + stub.port() + "/structured/v1";
			Map<String, Callable<Object>> contenders = new LinkedHashMap<>();
			LlmClient llm = LlmClient.builder()
				.endpoint(baseUrl)
				.apiKey(Contender.API_KEY)
				.model(Contender.MODEL)
				.retry((retry) -> retry.withEnabled(false))
				.build();
			ChatRequest request = ChatRequest.of(ClosedLoop.PROMPT);
			contenders.put("llm-client chat (baseline)", () -> llm.chat(request).content());
			contenders.put("llm-client chat(request, Contact.class)", () -> llm.chat(request, Contact.class));
			ChatClient springAi = ChatClient.create(OpenAiChatModel.builder()
				.options(OpenAiChatOptions.builder()
					.baseUrl(baseUrl)
					.apiKey(Contender.API_KEY)
					.model(Contender.MODEL)
					.timeout(Contender.READ_TIMEOUT)
					.maxRetries(0)
					.build())
				.build());
			contenders.put("Spring AI ChatClient .entity(Contact.class)",
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
			contenders.put("LangChain4j AI service -> Contact", () -> langChain4j.extract(ClosedLoop.PROMPT));
			for (Callable<Object> contender : contenders.values()) {
				Object answer = contender.call();
				if (!answer.toString().contains("Ada") && !(answer instanceof Contact)) {
					throw new IllegalStateException("unexpected answer " + answer);
				}
			}
			report(contenders, calls);
			llm.close();
		}
	}

	private static void report(Map<String, Callable<Object>> contenders, int calls) throws Exception {
		int rounds = 7;
		String[] names = contenders.keySet().toArray(String[]::new);
		long[][] cpu = new long[names.length][rounds];
		long[][] bytes = new long[names.length][rounds];
		for (int round = -2; round < rounds; round++) {
			for (int c = 0; c < names.length; c++) {
				Callable<Object> contender = contenders.get(names[c]);
				long cpuStart = processCpuNanos();
				long allocated = allocatedBytes();
				for (int i = 0; i < calls; i++) {
					contender.call();
				}
				if (round >= 0) {
					cpu[c][round] = (processCpuNanos() - cpuStart) / calls;
					bytes[c][round] = (allocatedBytes() - allocated) / calls;
				}
			}
		}
		long baseline = median(cpu[0]);
		long baselineBytes = median(bytes[0]);
		System.out.printf("%-45s %14s %8s %14s %8s%n", "contender", "CPU ns/call", "x plain", "bytes/call", "x plain");
		for (int c = 0; c < names.length; c++) {
			long nanos = median(cpu[c]);
			long allocatedPerCall = median(bytes[c]);
			System.out.printf("%-45s %14d %8.2f %14d %8.2f%n", names[c], nanos, (double) nanos / baseline,
					allocatedPerCall, (double) allocatedPerCall / baselineBytes);
		}
	}

	private static long median(long[] values) {
		long[] sorted = values.clone();
		Arrays.sort(sorted);
		return sorted[sorted.length / 2];
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
