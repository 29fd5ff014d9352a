package dev.llmclient.benchmarks;

import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.http.client.jdk.JdkHttpClientBuilder;
import org.springframework.ai.openai.OpenAiEmbeddingOptions;

import dev.llmclient.LlmClient;

/**
 * The embedding models compared, each configured like the chat contenders (retries off,
 * the same timeouts, model and key) and asking for vectors as JSON floats, the API's
 * default, which the stub answers. This client embeds all texts in one call, which cuts
 * them into requests of {@code embedding-batch-size} texts, {@code N} in flight; the
 * peers get what their users would write without such a call: the texts cut into requests
 * of the same size, each a task on a fixed pool of {@code N} threads.
 */
enum EmbeddingContender {

	LLM_CLIENT("llm-client embed(texts)") {
		@Override
		Session open(String baseUrl, int concurrency) {
			LlmClient client = LlmClient.builder()
				.endpoint(baseUrl)
				.apiKey(Contender.API_KEY)
				.limits((limits) -> limits.withMaxConcurrent(concurrency).withMaxWait(Contender.READ_TIMEOUT))
				.connection((connection) -> connection.withConnectTimeout(Contender.CONNECT_TIMEOUT)
					.withReadTimeout(Contender.READ_TIMEOUT))
				.retry((retry) -> retry.withEnabled(false))
				.embeddings((embeddings) -> embeddings.withModel(MODEL).withBatchSize(BATCH_SIZE))
				.meterRegistry(new io.micrometer.core.instrument.simple.SimpleMeterRegistry())
				.build();
			return new Session() {

				@Override
				public List<float[]> embed(List<String> texts, ExecutorService pool) {
					return client.embed(texts).vectors();
				}

				@Override
				public void close() {
					client.close();
				}

			};
		}
	},

	SPRING_AI("Spring AI 2.0.1 OpenAiEmbeddingModel") {
		@Override
		Session open(String baseUrl, int concurrency) {
			org.springframework.ai.openai.OpenAiEmbeddingModel model = org.springframework.ai.openai.OpenAiEmbeddingModel
				.builder()
				.options(OpenAiEmbeddingOptions.builder()
					.encodingFormat(OpenAiEmbeddingOptions.EncodingFormat.FLOAT)
					.baseUrl(baseUrl)
					.apiKey(Contender.API_KEY)
					.model(MODEL)
					.timeout(Contender.READ_TIMEOUT)
					.maxRetries(0)
					.build())
				.httpClientBuilderCustomizer((builder) -> builder.maxIdleConnections(concurrency)
					.keepAliveDuration(java.time.Duration.ofMinutes(5)))
				.build();
			return (texts, pool) -> onPool(texts, pool, model::embed);
		}
	},

	LANGCHAIN4J("LangChain4j 1.19 OpenAiEmbeddingModel") {
		@Override
		Session open(String baseUrl, int concurrency) {
			dev.langchain4j.model.openai.OpenAiEmbeddingModel model = dev.langchain4j.model.openai.OpenAiEmbeddingModel
				.builder()
				.baseUrl(baseUrl)
				.apiKey(Contender.API_KEY)
				.modelName(MODEL)
				.encodingFormat("float")
				.maxSegmentsPerBatch(BATCH_SIZE)
				.maxRetries(0)
				.timeout(Contender.READ_TIMEOUT)
				.httpClientBuilder(new JdkHttpClientBuilder()
					.httpClientBuilder(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1))
					.connectTimeout(Contender.CONNECT_TIMEOUT)
					.readTimeout(Contender.READ_TIMEOUT))
				.logRequests(false)
				.logResponses(false)
				.build();
			return (texts, pool) -> onPool(texts, pool, (slice) -> {
				List<TextSegment> segments = new ArrayList<>(slice.size());
				slice.forEach((text) -> segments.add(TextSegment.from(text)));
				List<float[]> vectors = new ArrayList<>(slice.size());
				model.embedAll(segments).content().forEach((embedding) -> vectors.add(embedding.vector()));
				return vectors;
			});
		}
	};

	/** Texts per request, for every contender: this client's default. */
	static final int BATCH_SIZE = 256;

	static final String MODEL = "bench-embed";

	private final String label;

	EmbeddingContender(String label) {
		this.label = label;
	}

	String label() {
		return this.label;
	}

	/**
	 * Builds the contender for an endpoint, {@code concurrency} requests in flight.
	 */
	abstract Session open(String baseUrl, int concurrency);

	/** One built contender. */
	interface Session extends AutoCloseable {

		/**
		 * Embeds every text, with at most as many requests in flight as {@code pool} has
		 * threads.
		 * @return the vectors in input order
		 */
		List<float[]> embed(List<String> texts, ExecutorService pool) throws Exception;

		@Override
		default void close() {
		}

	}

	/** What a peer's user writes: one task per request of {@link #BATCH_SIZE} texts. */
	private static List<float[]> onPool(List<String> texts, ExecutorService pool, Slice slice) throws Exception {
		List<Future<List<float[]>>> futures = new ArrayList<>();
		for (int from = 0; from < texts.size(); from += BATCH_SIZE) {
			List<String> part = texts.subList(from, Math.min(from + BATCH_SIZE, texts.size()));
			futures.add(pool.submit(() -> slice.embed(part)));
		}
		List<float[]> vectors = new ArrayList<>(texts.size());
		for (Future<List<float[]>> future : futures) {
			vectors.addAll(future.get());
		}
		return vectors;
	}

	@FunctionalInterface
	private interface Slice {

		List<float[]> embed(List<String> texts) throws Exception;

	}

}
