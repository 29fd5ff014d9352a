package dev.llmclient.internal;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.client.AbstractStreamingClientHttpRequest;
import org.springframework.http.client.ClientHttpRequest;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.ClientHttpResponse;

/**
 * Answers every request with one canned JSON body, in memory: lets warm-up run the real
 * call path (request building, body writing, response reading and parsing) without
 * sending a chat completion to the server.
 */
final class CannedRequestFactory implements ClientHttpRequestFactory {

	private final byte[] answer;

	CannedRequestFactory(byte[] answer) {
		this.answer = answer;
	}

	@Override
	public ClientHttpRequest createRequest(URI uri, HttpMethod httpMethod) {
		return new CannedRequest(uri, httpMethod, this.answer);
	}

	private static final class CannedRequest extends AbstractStreamingClientHttpRequest {

		private final URI uri;

		private final HttpMethod method;

		private final byte[] answer;

		CannedRequest(URI uri, HttpMethod method, byte[] answer) {
			this.uri = uri;
			this.method = method;
			this.answer = answer;
		}

		@Override
		public HttpMethod getMethod() {
			return this.method;
		}

		@Override
		public URI getURI() {
			return this.uri;
		}

		@Override
		protected ClientHttpResponse executeInternal(HttpHeaders headers, Body body) throws java.io.IOException {
			if (body != null) {
				body.writeTo(OutputStream.nullOutputStream());
			}
			return new CannedResponse(this.answer);
		}

	}

	private static final class CannedResponse implements ClientHttpResponse {

		private final HttpHeaders headers = new HttpHeaders();

		private final InputStream body;

		CannedResponse(byte[] answer) {
			this.headers.setContentType(MediaType.APPLICATION_JSON);
			this.headers.setContentLength(answer.length);
			this.body = new ByteArrayInputStream(answer);
		}

		@Override
		public HttpStatusCode getStatusCode() {
			return HttpStatus.OK;
		}

		@Override
		public String getStatusText() {
			return "OK";
		}

		@Override
		public HttpHeaders getHeaders() {
			return this.headers;
		}

		@Override
		public InputStream getBody() {
			return this.body;
		}

		@Override
		public void close() {
		}

	}

}
