package dev.llmclient.internal.http;

import java.io.IOException;
import java.io.OutputStream;

import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.CloseableHttpResponse;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpStatus;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.message.BasicClassicHttpResponse;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.io.CloseMode;

/**
 * An Apache HttpClient that answers every request in memory with one canned JSON body.
 * Put under the client's own request factory and {@code RestClient}, it lets warm-up run
 * a call through everything a real one goes through above the socket (request building,
 * Spring's HttpClient adapter, body writing, response reading and parsing) without
 * sending anything to the server.
 */
public final class CannedHttpClient extends CloseableHttpClient {

	private final byte[] answer;

	public CannedHttpClient(byte[] answer) {
		this.answer = answer;
	}

	@Override
	protected CloseableHttpResponse doExecute(HttpHost target, ClassicHttpRequest request, HttpContext context)
			throws IOException {
		HttpEntity body = request.getEntity();
		if (body != null) {
			body.writeTo(OutputStream.nullOutputStream());
		}
		BasicClassicHttpResponse response = new BasicClassicHttpResponse(HttpStatus.SC_OK, "OK");
		// Spring reads the headers, not the entity's type and length, as a server's
		// answer carries them.
		response.setHeader(HttpHeaders.CONTENT_TYPE, ContentType.APPLICATION_JSON.toString());
		response.setHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(this.answer.length));
		response.setEntity(new ByteArrayEntity(this.answer, ContentType.APPLICATION_JSON));
		return CloseableHttpResponse.adapt(response);
	}

	@Override
	public void close(CloseMode closeMode) {
	}

	@Override
	public void close() {
	}

}
