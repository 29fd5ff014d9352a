package dev.llmclient.internal.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;

import dev.llmclient.LlmClientException;
import dev.llmclient.LlmClientHealth;
import dev.llmclient.LlmClientSettings;
import dev.llmclient.internal.call.Call;
import dev.llmclient.internal.call.CallExecutors;
import dev.llmclient.internal.call.Route;
import dev.llmclient.internal.call.RouteSource;
import dev.llmclient.internal.recording.HealthProbe;

/**
 * The several endpoints of a client: the {@link Router} sends each attempt to one of them
 * and hears how it ended; each endpoint has its own transport, recorder, metrics and
 * probe, and the client's recorder takes the calls refused before any endpoint was
 * chosen.
 */
public final class RoutedEndpoints implements RouteSource {

	private final LlmClientSettings settings;

	private final Router router;

	/** The client's own route: where a call is recorded before it is routed. */
	private final Route initial;

	/** The endpoints' probes, when probing is on. */
	private final List<HealthProbe> probes;

	public RoutedEndpoints(LlmClientSettings settings, Router router, Route initial, List<HealthProbe> probes) {
		this.settings = settings;
		this.router = router;
		this.initial = initial;
		this.probes = List.copyOf(probes);
	}

	@Override
	public Route initial() {
		return this.initial;
	}

	@Override
	public long acquire(Call call) {
		return this.router.acquire(call);
	}

	@Override
	public void succeeded(long lease, long nanos) {
		this.router.succeeded(lease, nanos);
	}

	@Override
	public void failed(long lease, long nanos, LlmClientException failure) {
		this.router.failed(lease, nanos, failure);
	}

	@Override
	public void abandoned(long lease) {
		this.router.abandoned(lease);
	}

	@Override
	public void cancelled(long lease) {
		this.router.cancelled(lease);
	}

	@Override
	public boolean failsOver(Call call, LlmClientException failure) {
		return this.router.failsOver(call, failure);
	}

	@Override
	public LlmClientHealth health(LlmClientHealth.Bulkhead bulkhead, LlmClientHealth.RateLimit rateLimit) {
		this.probes.forEach(HealthProbe::refresh);
		return RoutedHealth.of(this.settings, this.router.endpoints(), this.initial.recorder(), bulkhead, rateLimit);
	}

	/**
	 * Warms every endpoint in parallel, each as a client of its own would (its own log
	 * line), and the code path once. With {@code warm-up.fail-fast}, start-up fails only
	 * when no endpoint can be reached: the others take the calls.
	 */
	@Override
	public void warmUp(Runnable codePath) {
		List<RoutedEndpoint> endpoints = this.router.endpoints();
		ExecutorService executor = CallExecutors.create("llm-client-warm-up-endpoints", endpoints.size());
		try {
			List<CompletableFuture<Void>> warmed = new ArrayList<>(endpoints.size());
			for (RoutedEndpoint endpoint : endpoints) {
				Runnable endpointCodePath = (endpoint.index() == 0) ? codePath : () -> {
				};
				warmed.add(CompletableFuture.runAsync(() -> new ConnectionWarmer(endpoint.settings(),
						endpoint.transport(), endpoint.route().recorder())
					.warmUp(endpointCodePath), executor));
			}
			RuntimeException first = null;
			int failed = 0;
			for (CompletableFuture<Void> future : warmed) {
				try {
					future.join();
				}
				catch (CompletionException ex) {
					failed++;
					if (first == null) {
						first = (ex.getCause() instanceof RuntimeException cause) ? cause : ex;
					}
				}
			}
			if (failed == endpoints.size()) {
				throw first;
			}
		}
		finally {
			executor.shutdown();
		}
	}

	@Override
	public void close() {
		for (RoutedEndpoint endpoint : this.router.endpoints()) {
			endpoint.transport().close();
			endpoint.metrics().close();
		}
	}

}
