package dev.llmclient.benchmarks;

import java.util.Arrays;

/**
 * Runs in a fresh JVM: builds one client, times its construction and its first call, then
 * makes {@link #CALLS} more calls and reports the median latency of the last half as the
 * steady state. Prints
 * {@code RESULT buildNanos firstCallNanos steadyMedianNanos idleConnectionsAfterBuild}
 * (the last is -1 where the client does not tell).
 */
public final class FirstCallProbe {

	static final int CALLS = 2000;

	private FirstCallProbe() {
	}

	/**
	 * @param args the variant ({@code llm-client-eager}, {@code llm-client-lazy} or a
	 * {@link ContenderKind} name) and the base URL
	 * @throws Exception when a call fails
	 */
	public static void main(String[] args) throws Exception {
		String variant = args[0];
		String baseUrl = args[1];
		long start = System.nanoTime();
		Contender contender = create(variant, baseUrl);
		long built = System.nanoTime();
		int idle = (contender instanceof LlmClientContender ours) ? ours.client().health().pool().available() : -1;
		contender.call(ClosedLoop.PROMPT);
		long first = System.nanoTime();
		long[] latencies = new long[CALLS];
		for (int i = 0; i < CALLS; i++) {
			long t0 = System.nanoTime();
			contender.call(ClosedLoop.PROMPT);
			latencies[i] = System.nanoTime() - t0;
		}
		long[] steady = Arrays.copyOfRange(latencies, CALLS / 2, CALLS);
		Arrays.sort(steady);
		System.out.println(
				"RESULT " + (built - start) + " " + (first - built) + " " + steady[steady.length / 2] + " " + idle);
		contender.close();
		System.exit(0);
	}

	static Contender create(String variant, String baseUrl) {
		return switch (variant) {
			case "llm-client-eager" -> new LlmClientContender(baseUrl, 8, true, true, 1000);
			case "llm-client-lazy" -> new LlmClientContender(baseUrl, 8, true, false, 1000);
			default -> ContenderKind.valueOf(variant).create(baseUrl, 8);
		};
	}

}
