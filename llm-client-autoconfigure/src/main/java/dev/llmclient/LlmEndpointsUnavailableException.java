package dev.llmclient;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A call to a client with several endpoints found none that could take it within
 * {@code max-wait} (or the call's deadline): each was cooling down after failures,
 * running its one half-open trial, at its own limit of calls in flight, paced by its
 * server's rate limit, or out of its own budget. Lists each endpoint's state, so the
 * message says why each was skipped and until when.
 *
 * @since 0.1.0
 */
public class LlmEndpointsUnavailableException extends LlmClientException {

	private static final long serialVersionUID = 1L;

	private final transient List<EndpointState> endpoints;

	private final Duration waited;

	/**
	 * Creates an exception whose message lists every endpoint's state.
	 * @param endpoints the state of each endpoint when the wait ended
	 * @param waited how long the call waited for one
	 * @param maxWaitName the wait's setting as the message names it, such as
	 * {@code llm.client.max-wait}
	 */
	public LlmEndpointsUnavailableException(List<EndpointState> endpoints, Duration waited, String maxWaitName) {
		super("No LLM endpoint could take the call within " + waited + " (" + maxWaitName
				+ ", or the call's deadline): "
				+ String.join("; ", endpoints.stream().map(EndpointState::describe).toList())
				+ ". Calls go out again as soon as an endpoint's cooldown, its server's pause or its budget allows;"
				+ " check the servers and settings named above.");
		this.endpoints = List.copyOf(endpoints);
		this.waited = waited;
	}

	/**
	 * Returns the state of each endpoint when the wait ended, in the order configured.
	 * @return one entry per endpoint
	 */
	public List<EndpointState> endpoints() {
		return this.endpoints;
	}

	/**
	 * Returns how long the call waited for an endpoint.
	 * @return the wait
	 */
	public Duration waited() {
		return this.waited;
	}

	/**
	 * Returns {@code endpoints_unavailable}.
	 * @return {@code endpoints_unavailable}
	 */
	@Override
	public String errorType() {
		return "endpoints_unavailable";
	}

	/**
	 * Returns {@link Origin#SERVER}: every server failed or refused calls recently.
	 * @return {@link Origin#SERVER}
	 */
	@Override
	public Origin origin() {
		return Origin.SERVER;
	}

	/**
	 * The state of one endpoint.
	 *
	 * @param url the endpoint, without user-info or query
	 * @param state {@code active}, {@code cooling-down} or {@code half-open}
	 * @param coolingDownUntil when cooling down ends, or {@code null} when not cooling
	 * down
	 * @param inFlight calls in flight on it
	 * @param maxConcurrent its limit of calls in flight: its {@code max-concurrent}, or
	 * its adaptive limit of the moment
	 * @param lastError its latest failed attempt's message, or {@code null}
	 * @param pacedUntil until when its server's rate limit holds calls back (its
	 * {@code Retry-After} or {@code x-ratelimit-*} headers), or {@code null}
	 * @param budget which of its own budgets has no room and the setting that sizes it,
	 * or {@code null}
	 * @since 0.1.0
	 */
	public record EndpointState(String url, String state, Instant coolingDownUntil, int inFlight, int maxConcurrent,
			String lastError, Instant pacedUntil, String budget) {

		/**
		 * Creates the state of an endpoint neither paced nor out of budget.
		 * @param url the endpoint, without user-info or query
		 * @param state {@code active}, {@code cooling-down} or {@code half-open}
		 * @param coolingDownUntil when cooling down ends, or {@code null}
		 * @param inFlight calls in flight on it
		 * @param maxConcurrent its limit of calls in flight
		 * @param lastError its latest failed attempt's message, or {@code null}
		 */
		public EndpointState(String url, String state, Instant coolingDownUntil, int inFlight, int maxConcurrent,
				String lastError) {
			this(url, state, coolingDownUntil, inFlight, maxConcurrent, lastError, null, null);
		}

		/**
		 * Describes the state in a few words, as the exception's message does.
		 * @return the description
		 */
		public String describe() {
			StringBuilder text = new StringBuilder(this.url).append(' ').append(this.state);
			if (this.coolingDownUntil != null) {
				text.append(" until ").append(this.coolingDownUntil);
			}
			if (this.pacedUntil != null) {
				text.append(", paced by its server's rate limit until ").append(this.pacedUntil);
			}
			if (this.budget != null) {
				text.append(", ").append(this.budget);
			}
			text.append(", ")
				.append(this.inFlight)
				.append(" of ")
				.append(this.maxConcurrent)
				.append(" calls in flight");
			if (this.inFlight >= this.maxConcurrent) {
				text.append(" (at its limit)");
			}
			if (this.lastError != null) {
				text.append(", last error: ").append(this.lastError);
			}
			return text.toString();
		}

	}

}
