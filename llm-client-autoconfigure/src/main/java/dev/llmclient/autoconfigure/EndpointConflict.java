package dev.llmclient.autoconfigure;

import java.util.Map;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.util.StringUtils;

import dev.llmclient.LlmClientCustomizer;
import dev.llmclient.LlmClientSettingException;

/**
 * Explains several endpoints set together with one endpoint when the two came from
 * different places: names where each came from (the application's properties, an
 * {@link LlmClientConnectionDetails} bean by its name, or an {@link LlmClientCustomizer})
 * and what to remove. When both came from the properties, the settings' own message
 * already names the two properties and is kept.
 */
final class EndpointConflict {

	private static final String PREFIX = "llm.client.";

	private static final String CUSTOMIZER = "an LlmClientCustomizer";

	private EndpointConflict() {
	}

	/**
	 * Returns the start-up failure for {@code endpoints} set together with an endpoint
	 * that did not also come from the properties.
	 * @param ex the settings' failure
	 * @param properties the bound {@code llm.client.*} properties
	 * @param connectionDetails the connection details the client was given
	 * @param beanFactory where to look up the name of the connection details bean
	 * @return the failure to throw, or {@code null} when {@code ex} is about something
	 * else or both values came from the properties
	 */
	static IllegalStateException explain(LlmClientSettingException ex, LlmClientProperties properties,
			LlmClientConnectionDetails connectionDetails, ListableBeanFactory beanFactory) {
		if (!"endpoints".equals(ex.setting())) {
			return null;
		}
		boolean endpointsFromProperties = !properties.getEndpoints().isEmpty();
		boolean fromBean = !(connectionDetails instanceof PropertiesLlmClientConnectionDetails);
		boolean endpointFromBean = fromBean && StringUtils.hasText(connectionDetails.endpoint());
		boolean endpointFromProperties = !fromBean && StringUtils.hasText(properties.getEndpoint());
		if (endpointsFromProperties && endpointFromProperties) {
			return null;
		}
		String endpoints = endpointsFromProperties
				? PREFIX + "endpoints (" + properties.getEndpoints().size() + ", from the application's properties)"
				: "Endpoints (" + ex.value() + ") set by " + CUSTOMIZER;
		String endpoint;
		String removeEndpoint;
		if (endpointFromBean) {
			String bean = bean(connectionDetails, beanFactory);
			endpoint = "an endpoint supplied by " + bean + " (" + masked(connectionDetails.endpoint()) + ")";
			removeEndpoint = bean + " (it replaces " + PREFIX + "endpoint, api-key and model), or the condition "
					+ "that creates it,";
		}
		else if (endpointFromProperties) {
			endpoint = PREFIX + "endpoint (" + masked(properties.getEndpoint())
					+ ", from the application's properties)";
			removeEndpoint = PREFIX + "endpoint";
		}
		else {
			endpoint = "an endpoint set by " + CUSTOMIZER;
			removeEndpoint = "the customizer's endpoint(...)";
		}
		String removeEndpoints = endpointsFromProperties ? PREFIX + "endpoints[i].url"
				: "the customizer's endpoints(...)";
		return new IllegalStateException(
				endpoints + " must not be set together with " + endpoint + ". Keep one: remove " + removeEndpoint
						+ " to call the several endpoints, or remove " + removeEndpoints + " to call the one.");
	}

	/**
	 * Names the connection details bean: by its bean name when the bean factory holds it,
	 * and by its class.
	 */
	private static String bean(LlmClientConnectionDetails connectionDetails, ListableBeanFactory beanFactory) {
		String type = connectionDetails.getClass().getName();
		try {
			for (Map.Entry<String, LlmClientConnectionDetails> candidate : beanFactory
				.getBeansOfType(LlmClientConnectionDetails.class, true, false)
				.entrySet()) {
				if (candidate.getValue() == connectionDetails) {
					return "the LlmClientConnectionDetails bean '" + candidate.getKey() + "' (" + type + ")";
				}
			}
		}
		catch (BeansException ex) {
			// named by its class alone
		}
		return "the LlmClientConnectionDetails bean " + type;
	}

	/** An endpoint as messages show it: credentials masked. */
	private static String masked(String url) {
		int at = url.lastIndexOf('@');
		int scheme = url.indexOf("://");
		return (at > scheme && scheme >= 0) ? url.substring(0, scheme + 3) + "******" + url.substring(at) : url;
	}

}
