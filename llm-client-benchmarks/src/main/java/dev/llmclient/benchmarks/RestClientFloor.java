package dev.llmclient.benchmarks;

import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.Timeout;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.HttpComponentsClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/**
 * The floor: Spring's {@link RestClient} over a pooled Apache HttpClient 5, bytes in and
 * out, JSON mapped by hand ({@link WireJson}). Nothing a real client needs beyond the
 * call itself.
 */
final class RestClientFloor implements Contender {

	private final CloseableHttpClient httpClient;

	private final RestClient restClient;

	RestClientFloor(String baseUrl, int poolSize) {
		PoolingHttpClientConnectionManager connections = PoolingHttpClientConnectionManagerBuilder.create()
			.setMaxConnTotal(poolSize)
			.setMaxConnPerRoute(poolSize)
			.setDefaultConnectionConfig(ConnectionConfig.custom()
				.setConnectTimeout(Timeout.of(CONNECT_TIMEOUT))
				.setSocketTimeout(Timeout.of(READ_TIMEOUT))
				.build())
			.build();
		this.httpClient = HttpClients.custom()
			.setConnectionManager(connections)
			.setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(Timeout.of(READ_TIMEOUT)).build())
			.disableAutomaticRetries()
			.disableCookieManagement()
			.build();
		this.restClient = RestClient.builder()
			.requestFactory(new HttpComponentsClientHttpRequestFactory(this.httpClient))
			.baseUrl(baseUrl)
			.defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + API_KEY)
			.build();
	}

	@Override
	public String call(String prompt) {
		return this.restClient.post()
			.uri("/chat/completions")
			.contentType(MediaType.APPLICATION_JSON)
			.accept(MediaType.APPLICATION_JSON)
			.body(WireJson.request(prompt))
			.exchange((request, response) -> {
				if (!response.getStatusCode().is2xxSuccessful()) {
					throw new IllegalStateException("HTTP " + response.getStatusCode().value());
				}
				return WireJson.content(response.getBody());
			});
	}

	@Override
	public void close() {
		this.httpClient.close(CloseMode.GRACEFUL);
	}

}
