package dev.llmclient.internal;

import java.time.Clock;

import org.springframework.web.client.RestClient;

import dev.llmclient.ChatRequest;
import dev.llmclient.LlmClientSettings;
import dev.llmclient.internal.call.Admission;
import dev.llmclient.internal.call.Attempts;
import dev.llmclient.internal.call.CallGate;
import dev.llmclient.internal.call.CallPipeline;
import dev.llmclient.internal.call.Retrier;
import dev.llmclient.internal.call.Route;
import dev.llmclient.internal.call.RouteSource;
import dev.llmclient.internal.http.CannedHttpClient;
import dev.llmclient.internal.http.HttpTransport;
import dev.llmclient.internal.limits.Bulkhead;
import dev.llmclient.internal.limits.FixedLimiter;
import dev.llmclient.internal.limits.ServerPacing;
import dev.llmclient.internal.operation.Operations;
import dev.llmclient.internal.recording.CallMetrics;
import dev.llmclient.internal.recording.CallObservations;
import dev.llmclient.internal.recording.CallRecorder;
import dev.llmclient.internal.recording.LatencyWindow;
import dev.llmclient.internal.routing.ConnectionWarmer;
import dev.llmclient.internal.routing.SingleRoute;
import dev.llmclient.internal.wire.Failures;

/**
 * Eager initialisation: opens the warm-up connections of every endpoint (see
 * {@link ConnectionWarmer}) and runs one chat call in memory against a canned answer,
 * through a pipeline of its own with the same steps (admission, retry loop, attempt, this
 * client's {@code RestClient} pipeline and request factory over an in-memory HTTP client,
 * reading, parsing, recording into a recorder and metrics of its own). The first real
 * call then finds its classes loaded and its call sites linked. Nothing reaches the
 * server and nothing is recorded in the client's metrics or health.
 */
final class WarmUp {

	private final LlmClientSettings settings;

	private final RouteSource routes;

	private final Operations operations;

	private final CallMetrics metrics;

	private final CallGate gate;

	WarmUp(LlmClientSettings settings, RouteSource routes, Operations operations, CallMetrics metrics, CallGate gate) {
		this.settings = settings;
		this.routes = routes;
		this.operations = operations;
		this.metrics = metrics;
		this.gate = gate;
	}

	/**
	 * Warms the connections and the code path, and logs what happened.
	 * @throws dev.llmclient.LlmConnectionException when no endpoint can be reached and
	 * {@code warm-up.fail-fast} is set
	 */
	void run() {
		this.routes.warmUp(this::codePath);
	}

	private void codePath() {
		HttpTransport transport = this.routes.initial().transport();
		Failures failures = this.operations.failures();
		RestClient inMemory = transport.restClient(new CannedHttpClient(ConnectionWarmer.CANNED_COMPLETION));
		CallRecorder detached = new CallRecorder(new LatencyWindow(1), this.metrics.detached(), 1);
		ServerPacing pacing = new ServerPacing(this.settings, Clock.systemUTC());
		Admission admission = new Admission(
				new Bulkhead(this.settings, new FixedLimiter(this.settings.limits().maxConcurrent())), null, null,
				pacing, failures, CallMetrics.NONE, false);
		RouteSource route = new SingleRoute(this.settings, new Route(inMemory, detached, transport, failures, pacing),
				null);
		try (Attempts attempts = new Attempts(this.settings, route)) {
			Retrier retrier = new Retrier(this.settings, CallMetrics.NONE, this.gate, admission::serverPause, attempts);
			new CallPipeline(this.settings, admission, this.gate, retrier, attempts, CallObservations.NONE)
				.run(this.operations.chat(ChatRequest.of("warm-up")), null, null);
		}
	}

}
