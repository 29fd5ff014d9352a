package dev.llmclient;

import static dev.llmclient.SettingChecks.blankToNull;
import static dev.llmclient.SettingChecks.withoutUserInfo;

/**
 * One of several servers behind a client ({@code endpoints[i].*}), such as a replica of a
 * model or the same model at another provider. Checked as part of
 * {@link LlmClientSettings}, whose messages name it by its index; set through
 * {@link LlmClientBuilder#endpoints}. {@link #toString()} never shows the API key.
 *
 * @param url base URL of its OpenAI-compatible API ({@code endpoints[i].url})
 * @param apiKey its bearer token, or {@code null} for the client's
 * ({@code endpoints[i].api-key})
 * @param model model asked of it when a request names none, or {@code null} for the
 * client's ({@code endpoints[i].model})
 * @param weight its share of calls under round-robin routing, at least 1
 * ({@code endpoints[i].weight})
 * @param maxConcurrent calls it may have in flight at once, or {@code null} for no limit
 * but the client-wide one ({@code endpoints[i].max-concurrent}); with
 * {@code adaptive.enabled}, the ceiling of its own adaptive limit
 * @param requestsPerMinute requests it takes per minute, or {@code null} for no budget of
 * its own ({@code endpoints[i].rate-limit.requests-per-minute}); the client-wide
 * {@code rate-limit.requests-per-minute} still caps every endpoint together
 * @param tokensPerMinute tokens it takes per minute, or {@code null} for no budget of its
 * own ({@code endpoints[i].rate-limit.tokens-per-minute})
 * @since 0.1.0
 */
public record EndpointSettings(String url, String apiKey, String model, int weight, Integer maxConcurrent,
		Long requestsPerMinute, Long tokensPerMinute) {

	/**
	 * Creates an endpoint without budgets of its own.
	 * @param url base URL of its OpenAI-compatible API
	 * @param apiKey its bearer token, or {@code null} for the client's
	 * @param model its default model, or {@code null} for the client's
	 * @param weight its share of calls under round-robin routing
	 * @param maxConcurrent its limit of calls in flight, or {@code null} for none
	 */
	public EndpointSettings(String url, String apiKey, String model, int weight, Integer maxConcurrent) {
		this(url, apiKey, model, weight, maxConcurrent, null, null);
	}

	/**
	 * Normalises blank values to {@code null}; the values are checked by
	 * {@link LlmClientSettings}.
	 */
	public EndpointSettings {
		url = blankToNull(url);
		apiKey = blankToNull(apiKey);
		model = blankToNull(model);
	}

	/**
	 * Returns an endpoint of weight 1 that uses the client's API key and model.
	 * @param url base URL of the OpenAI-compatible API, such as
	 * {@code http://10.0.0.7:8000/v1}
	 * @return the endpoint
	 */
	public static EndpointSettings of(String url) {
		return new EndpointSettings(url, null, null, 1, null);
	}

	/**
	 * Returns a copy with another URL.
	 * @param url base URL of the OpenAI-compatible API
	 * @return the copy
	 */
	public EndpointSettings withUrl(String url) {
		return new EndpointSettings(url, this.apiKey, this.model, this.weight, this.maxConcurrent,
				this.requestsPerMinute, this.tokensPerMinute);
	}

	/**
	 * Returns a copy with its own API key.
	 * @param apiKey the key, or {@code null} for the client's
	 * @return the copy
	 */
	public EndpointSettings withApiKey(String apiKey) {
		return new EndpointSettings(this.url, apiKey, this.model, this.weight, this.maxConcurrent,
				this.requestsPerMinute, this.tokensPerMinute);
	}

	/**
	 * Returns a copy with its own default model.
	 * @param model the model, or {@code null} for the client's
	 * @return the copy
	 */
	public EndpointSettings withModel(String model) {
		return new EndpointSettings(this.url, this.apiKey, model, this.weight, this.maxConcurrent,
				this.requestsPerMinute, this.tokensPerMinute);
	}

	/**
	 * Returns a copy with another share of calls under round-robin routing.
	 * @param weight at least 1
	 * @return the copy
	 */
	public EndpointSettings withWeight(int weight) {
		return new EndpointSettings(this.url, this.apiKey, this.model, weight, this.maxConcurrent,
				this.requestsPerMinute, this.tokensPerMinute);
	}

	/**
	 * Returns a copy with its own limit of calls in flight.
	 * @param maxConcurrent from 1 to the client's {@code max-concurrent}, or {@code null}
	 * for none of its own
	 * @return the copy
	 */
	public EndpointSettings withMaxConcurrent(Integer maxConcurrent) {
		return new EndpointSettings(this.url, this.apiKey, this.model, this.weight, maxConcurrent,
				this.requestsPerMinute, this.tokensPerMinute);
	}

	/**
	 * Returns a copy with its own budget of requests, within the client-wide one.
	 * @param requestsPerMinute at least 1, or {@code null} for none of its own
	 * @return the copy
	 */
	public EndpointSettings withRequestsPerMinute(Long requestsPerMinute) {
		return new EndpointSettings(this.url, this.apiKey, this.model, this.weight, this.maxConcurrent,
				requestsPerMinute, this.tokensPerMinute);
	}

	/**
	 * Returns a copy with its own budget of tokens, within the client-wide one.
	 * @param tokensPerMinute at least 1, or {@code null} for none of its own
	 * @return the copy
	 */
	public EndpointSettings withTokensPerMinute(Long tokensPerMinute) {
		return new EndpointSettings(this.url, this.apiKey, this.model, this.weight, this.maxConcurrent,
				this.requestsPerMinute, tokensPerMinute);
	}

	@Override
	public String toString() {
		return "EndpointSettings[url=" + ((this.url != null) ? withoutUserInfo(this.url) : null) + ", apiKey="
				+ ((this.apiKey != null) ? "******" : "none") + ", model=" + this.model + ", weight=" + this.weight
				+ ", maxConcurrent=" + this.maxConcurrent + ", requestsPerMinute=" + this.requestsPerMinute
				+ ", tokensPerMinute=" + this.tokensPerMinute + "]";
	}

}
