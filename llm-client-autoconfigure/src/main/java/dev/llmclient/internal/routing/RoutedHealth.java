package dev.llmclient.internal.routing;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.llmclient.LlmClientHealth;
import dev.llmclient.LlmClientSettings;
import dev.llmclient.internal.recording.CallRecorder;

/**
 * The health of a client with several endpoints: one entry per endpoint, from its
 * recorder, its own limit (its bulkhead), its server's pause and its own budgets (its
 * rate limit) and its routing state (DOWN while cooling down, its latest error being the
 * latest failed attempt even when the call succeeded on another endpoint), and the whole
 * client UP while at least one endpoint is UP, with the client-wide bulkhead, the
 * latencies of every call, call counts summed and the latest error of all.
 */
final class RoutedHealth {

	private RoutedHealth() {
	}

	static LlmClientHealth of(LlmClientSettings settings, List<RoutedEndpoint> endpoints, CallRecorder clientRecorder,
			LlmClientHealth.Bulkhead bulkhead, LlmClientHealth.RateLimit rateLimit) {
		List<LlmClientHealth.EndpointHealth> entries = new ArrayList<>(endpoints.size());
		List<String> reasons = new ArrayList<>();
		boolean anyUp = false;
		int available = 0;
		int leased = 0;
		int pending = 0;
		int max = 0;
		LlmClientHealth whole = clientRecorder.health(settings.displayEndpoint(), settings.model(),
				new LlmClientHealth.Pool(0, 0, 0, 0), bulkhead, rateLimit);
		long succeeded = whole.calls().succeeded();
		long failed = whole.calls().failed();
		long cancelled = whole.calls().cancelled();
		LlmClientHealth.LastError lastError = whole.lastError();
		for (RoutedEndpoint endpoint : endpoints) {
			LlmClientHealth.EndpointHealth entry = entry(endpoint);
			LlmClientHealth health = entry.health();
			entries.add(entry);
			anyUp |= health.up();
			if (!health.up()) {
				reasons.add(endpoint.displayUrl() + ": " + health.reason());
			}
			available += health.pool().available();
			leased += health.pool().leased();
			pending += health.pool().pending();
			max += health.pool().max();
			succeeded += health.calls().succeeded();
			failed += health.calls().failed();
			cancelled += health.calls().cancelled();
			lastError = later(lastError, health.lastError());
		}
		String reason = anyUp ? null : "no endpoint is up: " + String.join("; ", reasons);
		return new LlmClientHealth(anyUp, reason, settings.displayEndpoint(), settings.model(),
				new LlmClientHealth.Pool(available, leased, pending, max), bulkhead, whole.latency(),
				new LlmClientHealth.Calls(succeeded + failed + cancelled, succeeded, failed, cancelled), lastError,
				rateLimit, entries);
	}

	private static LlmClientHealth.EndpointHealth entry(RoutedEndpoint endpoint) {
		LlmClientHealth recorded = endpoint.route()
			.recorder()
			.health(endpoint.displayUrl(), endpoint.settings().model(), endpoint.transport().poolStats(),
					new LlmClientHealth.Bulkhead(endpoint.maxConcurrent(), endpoint.limit(), endpoint.inFlight(), 0),
					rateLimit(endpoint));
		Cooldown.State state = endpoint.cooldown().state();
		LlmClientHealth.LastError lastError = later(recorded.lastError(), endpoint.lastAttemptError());
		Instant until = null;
		boolean up = recorded.up();
		String reason = recorded.reason();
		if (state == Cooldown.State.COOLING_DOWN) {
			until = Instant.now().plusNanos(endpoint.cooldown().remainingNanos());
			up = false;
			reason = "cooling down until " + until
					+ ((lastError != null) ? " after: " + lastError.message() : " after repeated failures");
		}
		return new LlmClientHealth.EndpointHealth(state.label(), until,
				new LlmClientHealth(up, up ? null : reason, recorded.endpoint(), recorded.model(), recorded.pool(),
						recorded.bulkhead(), recorded.latency(), recorded.calls(), lastError, recorded.rateLimit(),
						List.of()));
	}

	/** The endpoint's own budgets and its server's pause. */
	private static LlmClientHealth.RateLimit rateLimit(RoutedEndpoint endpoint) {
		long pause = endpoint.pacing().waitNanos(0);
		return new LlmClientHealth.RateLimit(endpoint.budgets().requestsAvailable(),
				endpoint.budgets().tokensAvailable(), pause > 0, Duration.ofNanos(pause).toMillis());
	}

	private static LlmClientHealth.LastError later(LlmClientHealth.LastError a, LlmClientHealth.LastError b) {
		if (a == null) {
			return b;
		}
		return (b != null && b.at().isAfter(a.at())) ? b : a;
	}

}
