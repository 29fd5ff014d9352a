package dev.llmclient.testsupport;

/**
 * Chat completion bodies as OpenAI-compatible servers send them, for tests that stub a
 * server: one place for their shape, so tests differ only in the values they assert.
 */
public final class CannedBodies {

	private CannedBodies() {
	}

	/**
	 * A complete chat completion: id {@code chatcmpl-1}, the model, one choice with the
	 * content and {@code finish_reason} {@code stop}, and usage of 12 prompt and 3
	 * completion tokens (15 in all).
	 * @param model the model the server says answered
	 * @param content the assistant's answer
	 * @return the JSON body
	 */
	public static String completion(String model, String content) {
		return """
				{"id":"chatcmpl-1","object":"chat.completion","created":1700000000,"model":"%s",
				 "choices":[{"index":0,"message":{"role":"assistant","content":"%s"},"finish_reason":"stop"}],
				 "usage":{"prompt_tokens":12,"completion_tokens":3,"total_tokens":15}}
				""".formatted(model, content);
	}

	/**
	 * The least a server may answer: one choice with the content, no id, no model and no
	 * usage.
	 * @param content the assistant's answer
	 * @return the JSON body
	 */
	public static String contentOnly(String content) {
		return """
				{"choices":[{"message":{"role":"assistant","content":"%s"},"finish_reason":"stop"}]}
				""".formatted(content);
	}

}
