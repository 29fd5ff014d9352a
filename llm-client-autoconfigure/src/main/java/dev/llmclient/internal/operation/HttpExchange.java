package dev.llmclient.internal.operation;

import java.io.IOException;
import java.net.URI;

import org.springframework.http.MediaType;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.web.client.RestClient.RequestHeadersSpec.ExchangeFunction;
import org.springframework.web.client.RestClientException;

import dev.llmclient.ChatResponse;
import dev.llmclient.LlmClientException;
import dev.llmclient.internal.call.Call;
import dev.llmclient.internal.call.Route;
import dev.llmclient.internal.wire.BoundedBody;
import dev.llmclient.internal.wire.ChatCodec;
import dev.llmclient.internal.wire.TierCapacity;

/**
 * One HTTP exchange of an attempt, for every operation: posts the body through the
 * route's {@code RestClient}, hands the answer's status and headers to the route's
 * {@link dev.llmclient.internal.limits.ServerSignals}, and reads a failing answer into
 * the failure it stands for (bounded by {@code max-response-size}, named after the
 * route's endpoint).
 */
final class HttpExchange {

	private final long maxResponseSize;

	private final ChatCodec codec;

	HttpExchange(long maxResponseSize, ChatCodec codec) {
		this.maxResponseSize = maxResponseSize;
		this.codec = codec;
	}

	/**
	 * Posts the call's body to its route; the call learns when the body is written to a
	 * connection (see {@link dev.llmclient.internal.call.CallBodyConverter}), which is
	 * when the server may count the request. The answer's status and headers go to the
	 * route's pacing, but for a 429 refusing a service tier for capacity (see
	 * {@link TierCapacity}): the tier is full, not the client's rate, so its
	 * {@code Retry-After} must not pause other calls.
	 */
	<T> T post(Call call, URI uri, MediaType accept, ExchangeFunction<T> exchange) {
		Route route = call.route();
		try {
			return route.restClient()
				.post()
				.uri(uri)
				.contentType(MediaType.APPLICATION_JSON)
				.accept(accept)
				.body(call)
				.exchange((request, response) -> {
					int status = response.getStatusCode().value();
					if (status != 429) {
						route.signals().observe(status, response.getHeaders());
						return exchange.exchange(request, response);
					}
					boolean tierRefusal = false;
					try {
						return exchange.exchange(request, response);
					}
					catch (LlmClientException ex) {
						tierRefusal = TierCapacity.unavailable(ex);
						throw ex;
					}
					finally {
						if (!tierRefusal) {
							route.signals().observe(status, response.getHeaders());
						}
					}
				}, true);
		}
		catch (RestClientException ex) {
			throw route.failures().fromRestClient(ex);
		}
	}

	/** Reads a chat completion answered in one piece, or the failure it stands for. */
	ChatResponse completion(Route route, ClientHttpResponse response, String model, long start) throws IOException {
		int status = response.getStatusCode().value();
		if (status < 200 || status >= 300) {
			throw failure(route, status, response);
		}
		byte[] body = BoundedBody.read(response.getBody(), this.maxResponseSize);
		if (body == null) {
			throw route.failures().tooLarge(-1);
		}
		return this.codec.completion(body, response.getHeaders().getContentType(), model, start);
	}

	/**
	 * The failure a non-2xx answer stands for, of any operation: read from its body
	 * (bounded by {@code max-response-size}) and named after the route's endpoint.
	 */
	LlmClientException failure(Route route, int status, ClientHttpResponse response) throws IOException {
		byte[] body = BoundedBody.read(response.getBody(), this.maxResponseSize);
		if (body == null) {
			return route.failures().tooLarge(-1);
		}
		return (status >= 400) ? route.failures().fromStatus(status, response.getHeaders(), body)
				: route.failures().notACompletion(status);
	}

}
