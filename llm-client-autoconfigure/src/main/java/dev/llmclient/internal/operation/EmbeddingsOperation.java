package dev.llmclient.internal.operation;

import java.math.BigDecimal;
import java.time.Duration;

import io.micrometer.observation.Observation;

import org.springframework.http.MediaType;

import dev.llmclient.Cost;
import dev.llmclient.EmbeddingRequest;
import dev.llmclient.EmbeddingResponse;
import dev.llmclient.RequestClass;
import dev.llmclient.Usage;
import dev.llmclient.internal.call.Call;
import dev.llmclient.internal.call.Operation;
import dev.llmclient.internal.call.Route;
import dev.llmclient.internal.recording.CallObservations;
import dev.llmclient.internal.recording.OperationName;

/**
 * One embeddings request of at most {@code embedding-batch-size} texts: a larger one is
 * several such calls (see {@link EmbeddingSlices}).
 */
final class EmbeddingsOperation extends Operation<EmbeddingResponse> {

	private final Operations operations;

	private final EmbeddingRequest slice;

	EmbeddingsOperation(Operations operations, EmbeddingRequest slice) {
		super(OperationName.EMBEDDINGS, operations.model(slice), slice.requestClassOr(RequestClass.INTERACTIVE));
		this.operations = operations;
		this.slice = slice;
	}

	@Override
	public long tokenEstimate() {
		return Operations.tokenEstimate(this.slice);
	}

	@Override
	public BigDecimal costEstimate() {
		return this.operations.settings()
			.pricing()
			.priceOf(null, model())
			.map((price) -> price.estimate(Operations.tokenEstimate(this.slice), 0))
			.orElse(null);
	}

	@Override
	public EmbeddingResponse priced(EmbeddingResponse answer) {
		return this.operations.settings()
			.pricing()
			.cost(answer.model(), model(), answer.usage())
			.map(answer::withCost)
			.orElse(answer);
	}

	@Override
	public Cost cost(EmbeddingResponse answer) {
		return answer.cost().orElse(null);
	}

	@Override
	public byte[] encode(String model) {
		return this.operations.embeddingCodec().encode(this.slice, model);
	}

	@Override
	public boolean followsEndpointModel() {
		return false;
	}

	@Override
	public Observation observe(CallObservations observations, Observation parent) {
		return observations.start(this.slice, model(), parent);
	}

	@Override
	public EmbeddingResponse send(Call call) {
		HttpExchange exchange = this.operations.exchange();
		Route route = call.route();
		int inputs = this.slice.inputs().size();
		return exchange.post(call, route.transport().embeddingsUri(), MediaType.APPLICATION_JSON,
				(request, response) -> {
					int status = response.getStatusCode().value();
					if (status >= 200 && status < 300) {
						return this.operations.embeddingCodec()
							.read(response.getBody(), inputs, call.model(), call.start());
					}
					throw exchange.failure(route, status, response);
				});
	}

	@Override
	public void answered(CallObservations observations, Observation observation, EmbeddingResponse answer) {
		observations.answered(observation, answer);
	}

	@Override
	public Usage usage(EmbeddingResponse answer) {
		return answer.usage();
	}

	@Override
	public Duration latency(EmbeddingResponse answer) {
		return answer.latency();
	}

}
