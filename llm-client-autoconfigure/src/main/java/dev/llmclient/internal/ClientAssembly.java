package dev.llmclient.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.web.client.RestClient;

import dev.llmclient.LlmClientBuilder;
import dev.llmclient.EndpointSettings;
import dev.llmclient.LlmClientSettings;
import dev.llmclient.traffic.ConcurrencyLimiter;
import dev.llmclient.traffic.RateBudget;
import dev.llmclient.internal.call.Admission;
import dev.llmclient.internal.call.AsyncCalls;
import dev.llmclient.internal.call.Attempts;
import dev.llmclient.internal.call.CallBodyConverter;
import dev.llmclient.internal.call.CallGate;
import dev.llmclient.internal.call.CallPipeline;
import dev.llmclient.internal.call.Retrier;
import dev.llmclient.internal.call.Route;
import dev.llmclient.internal.call.RouteSource;
import dev.llmclient.internal.call.SpendBudgets;
import dev.llmclient.internal.http.HttpTransport;
import dev.llmclient.internal.limits.Bulkhead;
import dev.llmclient.internal.limits.FixedLimiter;
import dev.llmclient.internal.limits.ServerPacing;
import dev.llmclient.internal.limits.ServerSignals;
import dev.llmclient.internal.operation.Operations;
import dev.llmclient.internal.recording.CallMetrics;
import dev.llmclient.internal.recording.CallObservations;
import dev.llmclient.internal.recording.CallRecorder;
import dev.llmclient.internal.recording.HealthProbe;
import dev.llmclient.internal.recording.LatencyWindow;
import dev.llmclient.internal.recording.MicrometerCallMetrics;
import dev.llmclient.internal.routing.RoutedEndpoint;
import dev.llmclient.internal.routing.RoutedEndpoints;
import dev.llmclient.internal.routing.Router;
import dev.llmclient.internal.routing.SingleRoute;
import dev.llmclient.internal.wire.Failures;

/**
 * Puts a client together from what its builder holds, once: the endpoints (one route, or
 * several behind a router, each with its transport, recorder and metrics), admission (the
 * limit, the budgets, the server's pacing), the attempts, the pipeline, the operations,
 * the async calls and the warm-up.
 */
final class ClientAssembly {

	private static final Duration DAY = Duration.ofDays(1);

	private static final Duration HOUR = Duration.ofHours(1);

	final LlmClientSettings settings;

	final CallMetrics metrics;

	final CallPipeline pipeline;

	final Operations operations;

	final AsyncCalls async;

	final WarmUp warmUp;

	final CallObservations observations;

	/**
	 * Assembles a client.
	 * @param builder the settings, registries, observation convention, and what the
	 * builder made of the concurrency limiter and budgets
	 * @param restClientBuilder the builder to start from (Spring Boot's, so its
	 * customizers and observation apply), or {@code null} for a plain one
	 * @param nanoClock a monotonic time source in nanoseconds, as
	 * {@link System#nanoTime()}, for health probes and cooldowns
	 */
	ClientAssembly(LlmClientBuilder builder, RestClient.Builder restClientBuilder, LongSupplier nanoClock) {
		this.settings = Objects.requireNonNull(builder.settings(), "settings");
		LlmClientSettings settings = this.settings;
		MeterRegistry meterRegistry = builder.meterRegistry();
		ObservationRegistry observationRegistry = builder.observationRegistry();
		RestClient.Builder observedBuilder = observed(restClientBuilder, observationRegistry);
		List<LlmClientSettings> targets = settings.perEndpoint();
		HttpTransport transport = new HttpTransport(targets.get(0), observedBuilder);
		boolean routed = targets.size() > 1;
		Bulkhead bulkhead = new Bulkhead(settings,
				Objects.requireNonNull(builder.concurrencyLimiter().apply(clientLimiter(settings, routed)),
						"concurrencyLimiter returned null"));
		Failures failures = new Failures(settings);
		ServerPacing pacing = pacing(settings);
		this.observations = CallObservations.create(targets.get(0), observationRegistry,
				builder.observationConvention());
		RouteSource routes;
		CallRecorder recorder;
		if (!routed) {
			this.metrics = (meterRegistry != null)
					? MicrometerCallMetrics.create(targets.get(0), meterRegistry, transport, bulkhead)
					: CallMetrics.NONE;
			recorder = new CallRecorder(new LatencyWindow(settings.health().maxLatencyRecords()), this.metrics,
					settings.health().downAfterFailures());
			HealthProbe probe = settings.health().probeEnabled()
					? new HealthProbe(settings, settings.health().probeTtl(), transport, recorder, nanoClock) : null;
			routes = new SingleRoute(settings, new Route(transport.restClient(), recorder, transport, failures, pacing),
					probe);
		}
		else {
			this.metrics = (meterRegistry != null)
					? MicrometerCallMetrics.createRouted(settings, meterRegistry, bulkhead) : CallMetrics.NONE;
			LatencyWindow clientWindow = new LatencyWindow(settings.health().maxLatencyRecords());
			recorder = new CallRecorder(clientWindow, this.metrics, settings.health().downAfterFailures());
			routes = routedEndpoints(settings, targets, transport, observedBuilder, meterRegistry, clientWindow,
					new Route(transport.restClient(), recorder, transport, failures, ServerSignals.IGNORED), nanoClock);
		}
		RateBudget requestBudget = builder.requestBudget().apply(budget(settings.rateLimit().requestsPerMinute()));
		RateBudget tokenBudget = builder.tokenBudget().apply(budget(settings.rateLimit().tokensPerMinute()));
		// with several endpoints the adaptive limits are the endpoints' own, and the
		// client-wide permit is held by calls, not attempts
		SpendBudgets spend = new SpendBudgets(
				builder.spendBudget(DAY).apply(SpendBudgets.budget(settings.budget().costPerDay(), DAY)),
				builder.spendBudget(HOUR).apply(SpendBudgets.budget(settings.budget().costPerHour(), HOUR)), settings);
		Admission admission = new Admission(bulkhead, requestBudget, tokenBudget, spend, pacing, failures, this.metrics,
				settings.adaptive().enabled() && !routed);
		CallGate gate = new CallGate(settings);
		Attempts attempts = new Attempts(settings, routes);
		Retrier retrier = new Retrier(settings, this.metrics, gate, admission::serverPause, attempts);
		this.pipeline = new CallPipeline(settings, admission, gate, retrier, attempts, this.observations);
		this.operations = new Operations(settings, failures);
		this.async = new AsyncCalls(settings.limits().maxConcurrent(), bulkhead, recorder, this.pipeline);
		this.warmUp = new WarmUp(settings, routes, this.operations, this.metrics, gate);
	}

	/**
	 * The limit of calls in flight of the whole client: adaptive when
	 * {@code adaptive.enabled} and there is one endpoint, else fixed at
	 * {@code max-concurrent}. With several endpoints, each adapts a limit of its own, and
	 * the client-wide one caps their sum.
	 */
	private static ConcurrencyLimiter clientLimiter(LlmClientSettings settings, boolean routed) {
		return routed ? new FixedLimiter(settings.limits().maxConcurrent()) : Bulkhead.limiter(settings);
	}

	/**
	 * One endpoint's own limit of calls in flight: fixed at its {@code max-concurrent},
	 * or adaptive below it when {@code adaptive.enabled}.
	 * @param endpoint the endpoint's settings, as {@link LlmClientSettings#perEndpoint()}
	 * gives them
	 */
	private static ConcurrencyLimiter endpointLimiter(LlmClientSettings endpoint) {
		return Bulkhead.limiter(endpoint);
	}

	/**
	 * What the server says of its rate limits, read from every answer: the whole client's
	 * with one endpoint, each endpoint's own with several.
	 */
	private static ServerPacing pacing(LlmClientSettings settings) {
		return new ServerPacing(settings, Clock.systemUTC());
	}

	/**
	 * The endpoints of a client with several: each with its own transport (the first
	 * shares the client's), metrics, recorder (also feeding the client's latency window),
	 * probe, limit of calls in flight, budgets and server pacing (its route's signals),
	 * behind one {@link Router}. One server's rate limits hold back that endpoint only;
	 * the client's own route, where no attempt goes, ignores them.
	 */
	private static RouteSource routedEndpoints(LlmClientSettings settings, List<LlmClientSettings> targets,
			HttpTransport firstTransport, RestClient.Builder observedBuilder, MeterRegistry meterRegistry,
			LatencyWindow clientWindow, Route initial, LongSupplier nanoClock) {
		List<RoutedEndpoint> endpoints = new ArrayList<>(targets.size());
		List<HealthProbe> probes = new ArrayList<>();
		for (int i = 0; i < targets.size(); i++) {
			LlmClientSettings target = targets.get(i);
			HttpTransport transport = (i == 0) ? firstTransport : new HttpTransport(target, observedBuilder);
			ConcurrencyLimiter limiter = endpointLimiter(target);
			CallMetrics metrics = (meterRegistry != null)
					? MicrometerCallMetrics.createEndpoint(target, meterRegistry, transport, limiter)
					: CallMetrics.NONE;
			CallRecorder recorder = new CallRecorder(new LatencyWindow(settings.health().maxLatencyRecords()),
					clientWindow, metrics, settings.health().downAfterFailures());
			EndpointSettings endpoint = settings.endpoints().get(i);
			// messages name the setting that holds the key this endpoint sends
			String apiKeyPath = (endpoint.apiKey() != null) ? "endpoints[" + i + "].api-key" : "api-key";
			ServerPacing pacing = pacing(target);
			Route route = new Route(transport.restClient(), recorder, transport, new Failures(target, apiKeyPath),
					pacing);
			endpoints.add(new RoutedEndpoint(i, target, endpoint.weight(), transport, route, metrics, nanoClock,
					limiter, pacing, budget(endpoint.requestsPerMinute()), budget(endpoint.tokensPerMinute())));
			if (settings.health().probeEnabled()) {
				probes.add(new HealthProbe(target, settings.health().probeTtl(), transport, recorder, nanoClock));
			}
		}
		return new RoutedEndpoints(settings, new Router(settings, endpoints), initial, probes);
	}

	/** A budget of so many units per minute, or {@code null} when none is set. */
	private static RateBudget budget(Long perMinute) {
		return (perMinute != null) ? RateBudget.perPeriod(perMinute, Duration.ofMinutes(1)) : null;
	}

	/**
	 * The builder the client's {@code RestClient} is built from (a copy: the
	 * application's builder is left as it was): it writes a call's body as
	 * {@link CallBodyConverter} does, and observes each HTTP attempt in the same registry
	 * as the call, so the attempt's observation is the call's child and
	 * {@code traceparent} reaches the server on every attempt.
	 */
	private static RestClient.Builder observed(RestClient.Builder builder, ObservationRegistry registry) {
		RestClient.Builder own = (builder != null) ? builder.clone() : RestClient.builder();
		own.messageConverters((converters) -> converters.add(0, new CallBodyConverter()));
		return (registry != null) ? own.observationRegistry(registry) : own;
	}

}
