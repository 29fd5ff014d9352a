package dev.llmclient.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * The JDK's {@link HttpClient} (HTTP/1.1, its own unbounded keep-alive pool: it has no
 * size setting), JSON mapped by hand ({@link WireJson}).
 */
final class JdkHttpClientRaw implements Contender {

	private final HttpClient httpClient;

	private final URI uri;

	JdkHttpClientRaw(String baseUrl, int poolSize) {
		this.httpClient = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(CONNECT_TIMEOUT)
			.build();
		this.uri = URI.create(baseUrl + "/chat/completions");
	}

	@Override
	public String call(String prompt) throws IOException, InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(this.uri)
			.timeout(READ_TIMEOUT)
			.header("Content-Type", "application/json")
			.header("Accept", "application/json")
			.header("Authorization", "Bearer " + API_KEY)
			.POST(HttpRequest.BodyPublishers.ofByteArray(WireJson.request(prompt)))
			.build();
		HttpResponse<byte[]> response = this.httpClient.send(request, HttpResponse.BodyHandlers.ofByteArray());
		if (response.statusCode() / 100 != 2) {
			throw new IllegalStateException("HTTP " + response.statusCode());
		}
		return WireJson.content(response.body());
	}

	@Override
	public void close() {
		// java.net.http.HttpClient is closeable only from Java 21 on; its threads are
		// daemons
	}

}
