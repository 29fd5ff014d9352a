package dev.llmclient.internal.routing;

import dev.llmclient.LlmClientException;
import dev.llmclient.LlmClientHealth;
import dev.llmclient.LlmClientSettings;
import dev.llmclient.internal.call.Call;
import dev.llmclient.internal.call.Route;
import dev.llmclient.internal.call.RouteSource;
import dev.llmclient.internal.recording.HealthProbe;

/**
 * The one endpoint of a client: every attempt takes its route, and how an attempt ended
 * changes nothing here (the recorder and admission hear of it).
 */
public final class SingleRoute implements RouteSource {

	private final LlmClientSettings settings;

	private final Route route;

	/** {@code null} unless {@code health.probe.enabled} is set. */
	private final HealthProbe probe;

	/**
	 * Creates the route source.
	 * @param settings the client's settings
	 * @param route the endpoint's route
	 * @param probe the endpoint's active health probe, or {@code null} for none
	 */
	public SingleRoute(LlmClientSettings settings, Route route, HealthProbe probe) {
		this.settings = settings;
		this.route = route;
		this.probe = probe;
	}

	@Override
	public Route initial() {
		return this.route;
	}

	@Override
	public long acquire(Call call) {
		return 0;
	}

	@Override
	public void succeeded(long lease, long nanos) {
	}

	@Override
	public void failed(long lease, long nanos, LlmClientException failure) {
	}

	@Override
	public void abandoned(long lease) {
	}

	@Override
	public void cancelled(long lease) {
	}

	@Override
	public boolean failsOver(Call call, LlmClientException failure) {
		return false;
	}

	@Override
	public LlmClientHealth health(LlmClientHealth.Bulkhead bulkhead, LlmClientHealth.RateLimit rateLimit) {
		if (this.probe != null) {
			this.probe.refresh();
		}
		return this.route.recorder()
			.health(this.settings.displayEndpoint(), this.settings.model(), this.route.transport().poolStats(),
					bulkhead, rateLimit);
	}

	@Override
	public void warmUp(Runnable codePath) {
		new ConnectionWarmer(this.settings, this.route.transport(), this.route.recorder()).warmUp(codePath);
	}

	@Override
	public void close() {
		this.route.transport().close();
	}

}
