package dev.llmclient.internal.http;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import javax.net.ssl.SSLContext;

import io.micrometer.observation.ObservationRegistry;
import org.apache.hc.client5.http.auth.CredentialsProvider;
import org.apache.hc.client5.http.classic.HttpClient;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.client5.http.ssl.DefaultHostnameVerifier;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.pool.PoolStats;
import org.apache.hc.core5.ssl.SSLContexts;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

import org.springframework.http.HttpHeaders;
import org.springframework.web.client.RestClient;

import dev.llmclient.LlmClientHealth;
import dev.llmclient.LlmClientSettings;
import dev.llmclient.SslSettings;

/**
 * The HTTP layer of one client: a {@link RestClient} over Apache HttpClient 5 with a
 * pooled connection manager that holds {@code max-concurrent} connections to the
 * endpoint. TLS uses the context of {@code ssl.bundle} when one is set, else the JVM's
 * default; connections go through the proxy of {@code proxy.url} when one is set, else
 * through the JVM's proxy settings ({@code https.proxyHost}, {@code http.nonProxyHosts},
 * ...).
 */
public final class HttpTransport implements AutoCloseable {

	/** Idle connections older than this are closed in the background. */
	private static final TimeValue EVICT_IDLE_AFTER = TimeValue.ofSeconds(50);

	private final PoolingHttpClientConnectionManager connectionManager;

	private final CloseableHttpClient httpClient;

	private final RestClient.Builder restClientBuilder;

	private final RestClient restClient;

	private final URI chatCompletionsUri;

	private final URI modelsUri;

	private final URI embeddingsUri;

	/** The {@code Authorization} header's value, or {@code null} without an API key. */
	private final String authorization;

	public HttpTransport(LlmClientSettings settings, RestClient.Builder restClientBuilder) {
		ConnectionConfig connectionConfig = ConnectionConfig.custom()
			.setConnectTimeout(Timeout.of(settings.connection().connectTimeout()))
			.setSocketTimeout(Timeout.of(settings.connection().readTimeout()))
			.setValidateAfterInactivity(TimeValue.of(settings.connection().validateAfterInactivity()))
			.build();
		PoolingHttpClientConnectionManagerBuilder connections = PoolingHttpClientConnectionManagerBuilder.create()
			.setMaxConnTotal(settings.limits().maxConcurrent())
			.setMaxConnPerRoute(settings.limits().maxConcurrent())
			.setDefaultConnectionConfig(connectionConfig)
			.setConnectionFactory(new MaskingConnectionFactory());
		SslSettings ssl = settings.ssl();
		if (ssl.sslContext() != null || !ssl.protocols().isEmpty() || !ssl.ciphers().isEmpty()) {
			// as Spring Boot applies a bundle to HttpClient: host names stay verified
			SSLContext sslContext = (ssl.sslContext() != null) ? ssl.sslContext() : SSLContexts.createDefault();
			connections.setTlsSocketStrategy(new DefaultClientTlsStrategy(sslContext, orNull(ssl.protocols()),
					orNull(ssl.ciphers()), null, new DefaultHostnameVerifier()));
		}
		this.connectionManager = connections.build();
		RequestConfig requestConfig = RequestConfig.custom()
			.setResponseTimeout(Timeout.of(settings.connection().readTimeout()))
			.setConnectionRequestTimeout(
					Timeout.of(settings.limits().maxWait().plus(settings.connection().connectTimeout())))
			.build();
		HttpClientBuilder client = HttpClients.custom()
			.setConnectionManager(this.connectionManager)
			.setDefaultRequestConfig(requestConfig)
			.disableAutomaticRetries()
			.disableCookieManagement()
			.evictIdleConnections(EVICT_IDLE_AFTER)
			.setRoutePlanner(ProxyRoutePlanner.of(settings.proxy()))
			.setUserAgent("llm-client");
		CredentialsProvider proxyCredentials = ProxyRoutePlanner.credentials(settings.proxy());
		if (proxyCredentials != null) {
			client.setDefaultCredentialsProvider(proxyCredentials);
		}
		this.httpClient = client.build();
		String base = settings.endpoint().toString();
		this.chatCompletionsUri = URI.create(base + "/chat/completions");
		this.modelsUri = URI.create(base + "/models");
		this.embeddingsUri = URI.create(base + "/embeddings");
		this.authorization = (settings.apiKey() != null) ? "Bearer " + settings.apiKey() : null;
		RestClient.Builder builder = (restClientBuilder != null) ? restClientBuilder.clone() : RestClient.builder();
		builder.requestFactory(new AttemptAwareRequestFactory(this.httpClient));
		if (this.authorization != null) {
			builder.defaultHeaders((headers) -> headers.set(HttpHeaders.AUTHORIZATION, this.authorization));
		}
		this.restClientBuilder = builder.clone();
		this.restClient = builder.build();
	}

	/**
	 * Returns a {@link RestClient} like {@link #restClient()}, on the same pool, whose
	 * requests give up after {@code responseTimeout} instead of {@code read-timeout}:
	 * warm-up must not wait minutes for a server that accepts and never answers.
	 */
	public RestClient restClient(Duration responseTimeout) {
		return this.restClientBuilder.clone().requestFactory(requestFactory(responseTimeout)).build();
	}

	/**
	 * Returns a {@link RestClient} like {@link #restClient(Duration)}, on the same pool,
	 * without observation: warm-up sends its requests that only warm the code path
	 * through it, which must not show up as requests in the application's metrics or
	 * traces.
	 */
	public RestClient unobservedRestClient(Duration responseTimeout) {
		return this.restClientBuilder.clone()
			.requestFactory(requestFactory(responseTimeout))
			.observationRegistry(ObservationRegistry.NOOP)
			.build();
	}

	private AttemptAwareRequestFactory requestFactory(Duration responseTimeout) {
		AttemptAwareRequestFactory requestFactory = new AttemptAwareRequestFactory(this.httpClient);
		requestFactory.setReadTimeout(responseTimeout);
		requestFactory.setConnectionRequestTimeout(responseTimeout);
		return requestFactory;
	}

	/**
	 * Returns a {@link RestClient} built like {@link #restClient()} (the same builder,
	 * customizers, interceptors, default headers and request factory type) over another
	 * HTTP client and without observation: warm-up runs canned calls through it, which
	 * must not show up as requests in the application's metrics or traces.
	 */
	public RestClient restClient(HttpClient httpClient) {
		return this.restClientBuilder.clone()
			.requestFactory(new AttemptAwareRequestFactory(httpClient))
			.observationRegistry(ObservationRegistry.NOOP)
			.build();
	}

	public RestClient restClient() {
		return this.restClient;
	}

	public CloseableHttpClient httpClient() {
		return this.httpClient;
	}

	/**
	 * Gives a request sent on {@link #httpClient()} directly the {@code Authorization}
	 * header every request through {@link #restClient()} carries.
	 */
	public void authorize(HttpRequest request) {
		if (this.authorization != null) {
			request.setHeader(HttpHeaders.AUTHORIZATION, this.authorization);
		}
	}

	public URI chatCompletionsUri() {
		return this.chatCompletionsUri;
	}

	public URI embeddingsUri() {
		return this.embeddingsUri;
	}

	public URI modelsUri() {
		return this.modelsUri;
	}

	public LlmClientHealth.Pool poolStats() {
		PoolStats stats = this.connectionManager.getTotalStats();
		return new LlmClientHealth.Pool(stats.getAvailable(), stats.getLeased(), stats.getPending(), stats.getMax());
	}

	private static String[] orNull(List<String> names) {
		return names.isEmpty() ? null : names.toArray(String[]::new);
	}

	/**
	 * Closes idle connections at once and in-flight ones too: callers drain before this.
	 */
	@Override
	public void close() {
		this.connectionManager.closeIdle(TimeValue.ZERO_MILLISECONDS);
		this.httpClient.close(CloseMode.IMMEDIATE);
	}

}
