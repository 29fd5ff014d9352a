package dev.llmclient.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * Runs in a fresh JVM: builds one client, times its construction and its first call, then
 * makes {@link #CALLS} more calls and reports the median latency of the last half as the
 * steady state; the same for the calling thread's CPU time, which a busy machine disturbs
 * less than wall time. Prints
 * {@code RESULT buildNanos firstCallNanos steadyMedianNanos idleConnectionsAfterBuild firstCallCpuNanos steadyMedianCpuNanos}
 * (idle connections are -1 where the client does not tell).
 */
public final class FirstCallProbe {

	static final int CALLS = 2000;

	/** Prefix of the variants with eager initialisation and another warm-up.requests. */
	static final String EAGER_REQUESTS = "llm-client-eager-requests-";

	private FirstCallProbe() {
	}

	/**
	 * @param args the variant ({@code llm-client-eager}, {@code llm-client-lazy},
	 * {@code llm-client-eager-requests-N} for eager initialisation with
	 * {@code warm-up.requests=N}, or a {@link ContenderKind} name) and the base URL
	 * @throws Exception when a call fails
	 */
	public static void main(String[] args) throws Exception {
		String variant = args[0];
		String baseUrl = args[1];
		long start = System.nanoTime();
		Contender contender = create(variant, baseUrl);
		long built = System.nanoTime();
		int idle = (contender instanceof LlmClientContender ours) ? ours.client().health().pool().available() : -1;
		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		long cpuBefore = threads.getCurrentThreadCpuTime();
		long callStart = System.nanoTime();
		contender.call(ClosedLoop.PROMPT);
		long first = System.nanoTime();
		long firstCpu = threads.getCurrentThreadCpuTime() - cpuBefore;
		long[] latencies = new long[CALLS];
		long[] cpu = new long[CALLS];
		for (int i = 0; i < CALLS; i++) {
			long cpu0 = threads.getCurrentThreadCpuTime();
			long t0 = System.nanoTime();
			contender.call(ClosedLoop.PROMPT);
			latencies[i] = System.nanoTime() - t0;
			cpu[i] = threads.getCurrentThreadCpuTime() - cpu0;
		}
		System.out.println("RESULT " + (built - start) + " " + (first - callStart) + " " + steadyMedian(latencies) + " "
				+ idle + " " + firstCpu + " " + steadyMedian(cpu));
		contender.close();
		System.exit(0);
	}

	/** The median of the last half. */
	private static long steadyMedian(long[] values) {
		long[] steady = Arrays.copyOfRange(values, CALLS / 2, CALLS);
		Arrays.sort(steady);
		return steady[steady.length / 2];
	}

	static Contender create(String variant, String baseUrl) {
		if (variant.startsWith(EAGER_REQUESTS)) {
			return new LlmClientContender(baseUrl, 8, true, true, 1000,
					Integer.parseInt(variant.substring(EAGER_REQUESTS.length())));
		}
		return switch (variant) {
			case "llm-client-eager" -> new LlmClientContender(baseUrl, 8, true, true, 1000);
			case "llm-client-lazy" -> new LlmClientContender(baseUrl, 8, true, false, 1000);
			default -> ContenderKind.valueOf(variant).create(baseUrl, 8);
		};
	}

}
