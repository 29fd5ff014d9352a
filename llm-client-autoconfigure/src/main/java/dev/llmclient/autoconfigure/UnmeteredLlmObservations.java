package dev.llmclient.autoconfigure;

import io.micrometer.core.instrument.observation.MeterObservationHandler;
import io.micrometer.observation.Observation;

import dev.llmclient.observation.LlmBatchObservationContext;
import dev.llmclient.observation.LlmObservationContext;

/**
 * Keeps the client's observations out of the meters. The client records its calls itself
 * ({@code gen_ai.client.operation.duration} and the other documented meters, with their
 * GenAI buckets and bounded tags); Spring Boot's meter handler would add a second timer
 * per call, {@code gen_ai.client.operation}, and a long-task timer. Spring Boot lets the
 * first {@link MeterObservationHandler} that supports a context handle it: this one,
 * ordered first, claims the client's contexts and records nothing, and every other
 * observation still reaches Spring Boot's meter handler. Tracing handlers are a group of
 * their own and still see every observation.
 */
final class UnmeteredLlmObservations implements MeterObservationHandler<Observation.Context> {

	@Override
	public boolean supportsContext(Observation.Context context) {
		return context instanceof LlmObservationContext || context instanceof LlmBatchObservationContext;
	}

}
