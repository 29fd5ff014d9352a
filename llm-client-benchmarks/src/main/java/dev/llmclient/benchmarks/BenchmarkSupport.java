package dev.llmclient.benchmarks;

/** What the JMH benchmarks in other packages need from this one. */
public final class BenchmarkSupport {

	private BenchmarkSupport() {
	}

	/**
	 * @return a copy of the stub's chat completion body
	 */
	public static byte[] completion() {
		return StubServer.COMPLETION.clone();
	}

	/**
	 * Parses a chat completion with the raw contenders' records.
	 * @param body the JSON
	 * @return the answer text
	 */
	public static Object parseHandWritten(byte[] body) {
		return WireJson.content(body);
	}

}
