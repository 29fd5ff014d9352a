package dev.llmclient.observation;

import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;

import dev.llmclient.ChatRequest;
import dev.llmclient.ChatResponse;
import dev.llmclient.Cost;
import dev.llmclient.EmbeddingRequest;
import dev.llmclient.EmbeddingResponse;
import dev.llmclient.LlmClientException;
import dev.llmclient.Usage;

/**
 * The observation of an LLM operation with the OpenTelemetry GenAI client span
 * conventions: name {@value #NAME}, span name {@code {operation} {model}} such as
 * {@code chat gpt-4o-mini}. Low-cardinality keys (on every observation, from bounded
 * sets): {@code gen_ai.operation.name}, {@code gen_ai.provider.name},
 * {@code gen_ai.request.model}, {@code gen_ai.response.model}, {@code server.address},
 * {@code server.port}, {@code error.type}. High-cardinality keys (when known):
 * {@code gen_ai.response.id}, {@code gen_ai.response.finish_reasons},
 * {@code gen_ai.usage.input_tokens}, {@code gen_ai.usage.output_tokens}, and those the
 * server reports of {@code gen_ai.usage.cache_read.input_tokens},
 * {@code gen_ai.usage.cache_creation.input_tokens} and
 * {@code gen_ai.usage.reasoning.output_tokens} (attribute names of the GenAI semantic
 * conventions, development status), {@code llm.client.cost} (amount and currency) when
 * the model is priced, {@code gen_ai.request.max_tokens},
 * {@code gen_ai.request.temperature}, {@code gen_ai.request.top_p},
 * {@code llm.client.request.prompt_cache_key} (the request's {@code prompt_cache_key}),
 * {@code llm.client.endpoint} (with several endpoints: the one the latest attempt went
 * to), and, only when content capture is switched on, {@code gen_ai.input.messages} and
 * {@code gen_ai.output.messages}. An embeddings request ({@code gen_ai.operation.name}
 * {@code embeddings}) has the same low-cardinality keys; its high-cardinality keys are
 * {@code gen_ai.embeddings.dimension.count} and {@code gen_ai.usage.input_tokens} (its
 * texts are never captured).
 *
 * @since 0.1.0
 */
public class DefaultLlmObservationConvention implements LlmObservationConvention {

	/** The observation's name. */
	public static final String NAME = "gen_ai.client.operation";

	/**
	 * The {@code gen_ai.provider.name}: the API the client speaks, whatever server
	 * implements it.
	 */
	public static final String PROVIDER = "openai";

	/** The value of a model, or of the error type, that is not known. */
	static final String UNKNOWN = "unknown";

	/** The {@code error.type} of a call that succeeded, as on the client's meters. */
	static final String NONE = "none";

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public String getContextualName(LlmObservationContext context) {
		String model = context.getRequestModel();
		return (model != null) ? context.getOperationName() + " " + model : context.getOperationName();
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(LlmObservationContext context) {
		String requestModel = orUnknown(context.getRequestModel());
		String responseModel = orUnknown(responseModel(context));
		return KeyValues.of(KeyValue.of("gen_ai.operation.name", context.getOperationName()),
				KeyValue.of("gen_ai.provider.name", PROVIDER), KeyValue.of("gen_ai.request.model", requestModel),
				KeyValue.of("gen_ai.response.model", responseModel),
				KeyValue.of("server.address", context.getServerAddress()),
				KeyValue.of("server.port", String.valueOf(context.getServerPort())),
				KeyValue.of("error.type", errorType(context.getError())));
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(LlmObservationContext context) {
		KeyValues keyValues = KeyValues.empty();
		ChatRequest request = context.getRequest();
		if (request == null) {
			return embeddings(context);
		}
		keyValues = add(keyValues, "gen_ai.request.max_tokens", request.maxTokens());
		keyValues = add(keyValues, "gen_ai.request.temperature", request.temperature());
		keyValues = add(keyValues, "gen_ai.request.top_p", request.topP());
		keyValues = add(keyValues, "llm.client.request.prompt_cache_key", request.promptCacheKey());
		keyValues = add(keyValues, "llm.client.endpoint", context.getEndpoint());
		ChatResponse response = context.getResponse();
		if (response != null) {
			keyValues = add(keyValues, "gen_ai.response.id", response.id());
			keyValues = add(keyValues, "gen_ai.response.finish_reasons", response.finishReason());
			Usage usage = response.usage();
			if (usage != null) {
				keyValues = add(keyValues, "gen_ai.usage.input_tokens", usage.inputTokens());
				keyValues = add(keyValues, "gen_ai.usage.output_tokens", usage.outputTokens());
				keyValues = add(keyValues, "gen_ai.usage.cache_read.input_tokens", usage.cachedInputTokens());
				keyValues = add(keyValues, "gen_ai.usage.cache_creation.input_tokens", usage.cacheWriteInputTokens());
				keyValues = add(keyValues, "gen_ai.usage.reasoning.output_tokens", usage.reasoningTokens());
			}
			keyValues = add(keyValues, "llm.client.cost", response.cost().map(Cost::toString).orElse(null));
		}
		keyValues = add(keyValues, "gen_ai.input.messages", context.getInputMessages());
		return add(keyValues, "gen_ai.output.messages", context.getOutputMessages());
	}

	private static KeyValues embeddings(LlmObservationContext context) {
		KeyValues keyValues = KeyValues.empty();
		EmbeddingResponse response = context.getEmbeddingResponse();
		EmbeddingRequest request = context.getEmbeddingRequest();
		Integer dimensions = (response != null && response.dimensions() > 0) ? Integer.valueOf(response.dimensions())
				: (request != null) ? request.dimensions() : null;
		keyValues = add(keyValues, "gen_ai.embeddings.dimension.count", dimensions);
		keyValues = add(keyValues, "llm.client.endpoint", context.getEndpoint());
		Usage usage = (response != null) ? response.usage() : null;
		if (usage != null) {
			keyValues = add(keyValues, "gen_ai.usage.input_tokens", usage.inputTokens());
		}
		return (response != null) ? add(keyValues, "llm.client.cost", response.cost().map(Cost::toString).orElse(null))
				: keyValues;
	}

	private static String responseModel(LlmObservationContext context) {
		ChatResponse response = context.getResponse();
		if (response != null) {
			return response.model();
		}
		EmbeddingResponse embeddings = context.getEmbeddingResponse();
		return (embeddings != null) ? embeddings.model() : null;
	}

	/**
	 * The failure's {@link LlmClientException#errorType()}, the class name of another
	 * failure, {@value #NONE} without one.
	 */
	private static String errorType(Throwable error) {
		if (error == null) {
			return NONE;
		}
		return (error instanceof LlmClientException llm) ? llm.errorType() : error.getClass().getName();
	}

	private static String orUnknown(String value) {
		return (value != null) ? value : UNKNOWN;
	}

	private static KeyValues add(KeyValues keyValues, String key, Object value) {
		return (value != null) ? keyValues.and(key, String.valueOf(value)) : keyValues;
	}

}
