package dev.llmclient.benchmarks;

import java.net.http.HttpClient;

import dev.langchain4j.http.client.jdk.JdkHttpClientBuilder;
import dev.langchain4j.model.openai.OpenAiChatModel;

/**
 * LangChain4j 1.19's {@link OpenAiChatModel} on its default HTTP client (the JDK's), set
 * to HTTP/1.1 like the raw JDK contender, retries off.
 */
final class LangChain4jContender implements Contender {

	private final OpenAiChatModel model;

	LangChain4jContender(String baseUrl, int poolSize) {
		this.model = OpenAiChatModel.builder()
			.baseUrl(baseUrl)
			.apiKey(API_KEY)
			.modelName(MODEL)
			.maxRetries(0)
			.timeout(READ_TIMEOUT)
			.httpClientBuilder(new JdkHttpClientBuilder()
				.httpClientBuilder(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1))
				.connectTimeout(CONNECT_TIMEOUT)
				.readTimeout(READ_TIMEOUT))
			.logRequests(false)
			.logResponses(false)
			.build();
	}

	@Override
	public String call(String prompt) {
		return this.model.chat(prompt);
	}

	@Override
	public void close() {
		// OpenAiChatModel is not closeable; the JDK client's threads are daemons
	}

}
