package dev.llmclient.sample.demo;

import java.io.IOException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

import dev.llmclient.EndpointSettings;
import dev.llmclient.LlmClientCustomizer;

/**
 * With {@code sample.demo.replicas=N} (N above 1) and no {@code llm.client.endpoint}:
 * starts N demo backends and gives the client all of them as its {@code endpoints}, so
 * failover can be watched offline: stop one with {@code POST /demo/replicas/{i}/down},
 * start it again with {@code .../up}, and see the calls go on and
 * {@code /actuator/health} show its state.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(NoEndpointCondition.class)
@ConditionalOnExpression("${sample.demo.replicas:1} > 1")
class DemoReplicasConfiguration {

	private static final Log logger = LogFactory.getLog(DemoReplicasConfiguration.class);

	@Bean
	DemoReplicas demoReplicas(@Value("${sample.demo.replicas}") int replicas, DemoControls demoControls,
			ProviderLimits providerLimits) throws IOException {
		DemoReplicas started = DemoReplicas.start(replicas, demoControls, providerLimits);
		logger.info("No " + NoEndpointCondition.ENDPOINT_PROPERTY + " set: using " + replicas
				+ " built-in demo backends (echo model) as llm.client.endpoints: " + started.baseUrls()
				+ ". Stop one with POST /demo/replicas/{i}/down, start it again with POST /demo/replicas/{i}/up.");
		return started;
	}

	/**
	 * The replicas as the client's endpoints, and the model {@code echo} unless
	 * {@code llm.client.model} names one: a batch job needs a model in every request.
	 */
	@Bean
	LlmClientCustomizer demoReplicasEndpoints(DemoReplicas replicas,
			@Value("${llm.client.model:" + EchoModel.NAME + "}") String model) {
		return (builder) -> builder.endpoints(replicas.baseUrls().stream().map(EndpointSettings::of).toList())
			.model(model);
	}

}
