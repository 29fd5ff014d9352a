package dev.llmclient.internal;

import java.time.Duration;

import io.micrometer.observation.Observation;

import org.springframework.http.MediaType;

import dev.llmclient.ChatRequest;
import dev.llmclient.ChatResponse;
import dev.llmclient.Usage;

/** A chat completion answered in one piece. */
class ChatOperation extends Operation<ChatResponse> {

	final Operations operations;

	final ChatRequest request;

	ChatOperation(Operations operations, ChatRequest request) {
		super(OperationName.CHAT, operations.model(request));
		this.operations = operations;
		this.request = request;
	}

	@Override
	long tokenEstimate() {
		return this.operations.tokenEstimate(this.request);
	}

	@Override
	byte[] encode(String model) {
		return this.operations.chatCodec().encode(this.request, model, isStream());
	}

	@Override
	boolean followsEndpointModel() {
		return this.request.model() == null;
	}

	@Override
	Observation observe(CallObservations observations, Observation parent) {
		return observations.start(name().value(), this.request, model(), parent);
	}

	@Override
	ChatResponse send(Call call) {
		HttpExchange exchange = this.operations.exchange();
		Route route = call.route();
		return exchange.post(route, route.transport().chatCompletionsUri(), call.body(), MediaType.APPLICATION_JSON,
				(request, response) -> exchange.completion(route, response, call.model(), call.start()));
	}

	@Override
	void answered(CallObservations observations, Observation observation, ChatResponse answer) {
		observations.answered(observation, answer);
	}

	@Override
	Usage usage(ChatResponse answer) {
		return answer.usage();
	}

	@Override
	Duration latency(ChatResponse answer) {
		return answer.latency();
	}

}
