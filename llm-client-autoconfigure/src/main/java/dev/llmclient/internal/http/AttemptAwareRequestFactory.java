package dev.llmclient.internal.http;

import org.apache.hc.client5.http.classic.HttpClient;
import org.apache.hc.core5.http.ClassicHttpRequest;

import org.springframework.http.client.HttpComponentsClientHttpRequestFactory;

/**
 * Request factory that lets a {@link CancellableAttempt} abort the request it creates.
 */
final class AttemptAwareRequestFactory extends HttpComponentsClientHttpRequestFactory {

	AttemptAwareRequestFactory(HttpClient httpClient) {
		super(httpClient);
	}

	@Override
	protected void postProcessHttpRequest(ClassicHttpRequest request) {
		CancellableAttempt.bindToCurrent(request);
	}

}
