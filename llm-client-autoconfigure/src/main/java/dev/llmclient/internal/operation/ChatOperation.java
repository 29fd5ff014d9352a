package dev.llmclient.internal.operation;

import java.math.BigDecimal;
import java.time.Duration;

import io.micrometer.observation.Observation;

import org.springframework.http.MediaType;

import dev.llmclient.ChatRequest;
import dev.llmclient.ChatResponse;
import dev.llmclient.Cost;
import dev.llmclient.LlmClientException;
import dev.llmclient.LlmClientSettings;
import dev.llmclient.LlmHttpException;
import dev.llmclient.RequestClass;
import dev.llmclient.Usage;
import dev.llmclient.internal.call.Call;
import dev.llmclient.internal.call.Operation;
import dev.llmclient.internal.call.PromptPrefix;
import dev.llmclient.internal.call.Route;
import dev.llmclient.internal.recording.CallObservations;
import dev.llmclient.internal.recording.OperationName;
import dev.llmclient.internal.wire.TierCapacity;

/** A chat completion answered in one piece. */
class ChatOperation extends Operation<ChatResponse> {

	final Operations operations;

	final ChatRequest request;

	/** The hash of the request's prompt prefix, computed on first use. */
	private long promptPrefix;

	private boolean promptPrefixKnown;

	/**
	 * Whether the call fell back to the default tier, its service tier having refused it
	 * for capacity.
	 */
	private boolean onDefaultTier;

	ChatOperation(Operations operations, ChatRequest request) {
		super(OperationName.CHAT, operations.model(request), request.requestClassOr(RequestClass.INTERACTIVE));
		this.operations = operations;
		this.request = request;
	}

	@Override
	public long tokenEstimate() {
		return this.operations.tokenEstimate(this.request);
	}

	@Override
	public long promptPrefix() {
		if (!this.promptPrefixKnown) {
			this.promptPrefix = PromptPrefix.of(this.request);
			this.promptPrefixKnown = true;
		}
		return this.promptPrefix;
	}

	@Override
	public BigDecimal costEstimate() {
		return this.operations.costEstimate(this.request, model());
	}

	@Override
	public ChatResponse priced(ChatResponse answer) {
		return this.operations.settings()
			.pricing()
			.cost(answer.model(), model(), answer.usage())
			.map(answer::withCost)
			.orElse(answer);
	}

	@Override
	public Cost cost(ChatResponse answer) {
		return answer.cost().orElse(null);
	}

	@Override
	public byte[] encode(String model) {
		return this.onDefaultTier ? this.operations.chatCodec().encodeOnDefaultTier(this.request, model, isStream())
				: this.operations.chatCodec().encode(this.request, model, isStream());
	}

	@Override
	public boolean fallsBackToDefaultTier(LlmClientException failure) {
		if (this.onDefaultTier || !this.operations.settings().chat().serviceTierFallback()
				|| this.operations.chatCodec().serviceTier(this.request) == null
				|| !TierCapacity.unavailable(failure)) {
			return false;
		}
		this.onDefaultTier = true;
		return true;
	}

	@Override
	public boolean followsEndpointModel() {
		return this.request.model() == null;
	}

	/**
	 * Names the setting to change when a server refuses a hint the client added: the
	 * priority field (a vLLM without priority scheduling, or a server that knows no such
	 * field) or the batch service tier (a model without it).
	 */
	@Override
	public RuntimeException explain(RuntimeException failure) {
		if (!(failure instanceof LlmHttpException http) || (http.statusCode() != 400 && http.statusCode() != 422)) {
			return failure;
		}
		LlmClientSettings settings = this.operations.settings();
		String priorityField = settings.chat().priorityField();
		if (priorityField != null && http.getMessage().contains(priorityField)) {
			return http.withNote("the server may not take the request's priority: start vLLM with "
					+ "--scheduling-policy priority, or unset " + settings.property("chat.priority-field"));
		}
		if (!this.onDefaultTier && this.operations.chatCodec().serviceTier(this.request) != null
				&& http.getMessage().contains("service_tier")) {
			return http.withNote("the server or model may not offer service tier '" + settings.chat().batchServiceTier()
					+ "': unset " + settings.property("batch.service-tier"));
		}
		return failure;
	}

	@Override
	public Observation observe(CallObservations observations, Observation parent) {
		return observations.start(name().value(), this.request, model(), parent);
	}

	@Override
	public ChatResponse send(Call call) {
		HttpExchange exchange = this.operations.exchange();
		Route route = call.route();
		return exchange.post(call, route.transport().chatCompletionsUri(), MediaType.APPLICATION_JSON,
				(request, response) -> exchange.completion(route, response, call.model(), call.start()));
	}

	@Override
	public void answered(CallObservations observations, Observation observation, ChatResponse answer) {
		observations.answered(observation, answer);
	}

	@Override
	public Usage usage(ChatResponse answer) {
		return answer.usage();
	}

	@Override
	public Duration latency(ChatResponse answer) {
		return answer.latency();
	}

}
