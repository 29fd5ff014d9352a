package dev.llmclient.internal.limits;

import org.springframework.http.HttpHeaders;

/**
 * Takes what every answer of a route says of the server's limits (status, rate-limit
 * headers): a {@link ServerPacing}, the whole client's with one endpoint, each endpoint's
 * own with several (the {@link dev.llmclient.internal.routing.Router} skips an endpoint
 * its pacing holds back).
 */
@FunctionalInterface
public interface ServerSignals {

	/** Ignores every answer. */
	ServerSignals IGNORED = (status, headers) -> {
	};

	void observe(int status, HttpHeaders headers);

}
