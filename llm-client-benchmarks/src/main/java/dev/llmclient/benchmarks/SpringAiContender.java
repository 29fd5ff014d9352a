package dev.llmclient.benchmarks;

import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;

/**
 * Spring AI 2.0.1's {@link OpenAiChatModel} (openai-java over OkHttp), built as its Boot
 * auto-configuration would, with the SDK's retries off and OkHttp keeping
 * {@code poolSize} idle connections instead of its default 5 (its keep-alive stays
 * OkHttp's 5 minutes).
 */
final class SpringAiContender implements Contender {

	/** OkHttp's own default; Spring AI wants it set whenever the idle count is. */
	private static final java.time.Duration KEEP_ALIVE = java.time.Duration.ofMinutes(5);

	private final OpenAiChatModel model;

	SpringAiContender(String baseUrl, int poolSize) {
		this.model = OpenAiChatModel.builder()
			.options(OpenAiChatOptions.builder()
				.baseUrl(baseUrl)
				.apiKey(API_KEY)
				.model(MODEL)
				.timeout(READ_TIMEOUT)
				.maxRetries(0)
				.build())
			.httpClientBuilderCustomizer(
					(builder) -> builder.maxIdleConnections(poolSize).keepAliveDuration(KEEP_ALIVE))
			.build();
	}

	@Override
	public String call(String prompt) {
		return this.model.call(new Prompt(prompt)).getResult().getOutput().getText();
	}

	@Override
	public void close() {
		// OpenAiChatModel is not closeable; its OkHttp threads are daemons and idle out
	}

}
