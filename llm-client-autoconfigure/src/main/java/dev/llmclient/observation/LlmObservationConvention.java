package dev.llmclient.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names the observation of an LLM operation and gives it its key values. Declare a bean
 * of this type (in Spring Boot), or pass one to
 * {@link dev.llmclient.LlmClientBuilder#observationConvention}, to replace
 * {@link DefaultLlmObservationConvention}; extending that class keeps its keys and adds
 * to them.
 *
 * @since 0.1.0
 */
public interface LlmObservationConvention extends ObservationConvention<LlmObservationContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof LlmObservationContext;
	}

}
