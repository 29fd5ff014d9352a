package dev.llmclient.internal.limits;

import org.springframework.http.HttpHeaders;

/**
 * Takes what every answer of a route says of the server's limits (status, rate-limit
 * headers): {@link ServerPacing} for a client of one endpoint; with several endpoints the
 * {@link dev.llmclient.internal.routing.Router} cools the endpoint down instead, and the
 * routes ignore them.
 */
@FunctionalInterface
public interface ServerSignals {

	/** Ignores every answer. */
	ServerSignals IGNORED = (status, headers) -> {
	};

	void observe(int status, HttpHeaders headers);

}
