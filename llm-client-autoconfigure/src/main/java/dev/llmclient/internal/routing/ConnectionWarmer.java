package dev.llmclient.internal.routing;

import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.hc.core5.http.ConnectionRequestTimeoutException;

import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

import dev.llmclient.LlmClientException;
import dev.llmclient.LlmClientSettings;
import dev.llmclient.LlmConnectionException;
import dev.llmclient.LlmTimeoutException;
import dev.llmclient.internal.call.CallExecutors;
import dev.llmclient.internal.http.CancellableAttempt;
import dev.llmclient.internal.http.HttpTransport;
import dev.llmclient.internal.recording.CallRecorder;
import dev.llmclient.internal.wire.BoundedBody;
import dev.llmclient.internal.wire.Failures;

/**
 * Eager initialisation: opens {@code warm-up.connections} connections to the endpoint in
 * parallel and leaves them idle in the pool, while the calling thread warms the code path
 * of a call (request encoding, response parsing), so the first real call neither connects
 * nor loads classes.
 * <p>
 * Each connection carries a {@code GET {endpoint}/models}: it costs no tokens, and any
 * HTTP answer, even 404 or 401, proves the connection; only a failure to connect, or no
 * answer within {@code warm-up.timeout}, is a failure. Each warm-up request keeps its
 * connection leased until every other one has an answer too (or the timeout passes), so
 * the pool cannot hand one connection to two of them: the connections opened are
 * distinct.
 * <p>
 * Then it sends {@code warm-up.requests} more {@code GET {endpoint}/models}, one after
 * another, through the same stack a call's exchange runs on (this client's
 * {@code RestClient} with its interceptors, its request factory, a pooled connection and
 * real socket reads), so that this code is compiled before the first call rather than
 * interpreted during it. They are not observed (no {@code http.client.requests} sample
 * and no span for each, which would flood the application's traces at every start-up),
 * nor recorded in the client's metrics or health; any HTTP answer warms the path as well
 * as another, and a failure stops them and is logged but never fails start-up: the
 * connections are already open by then.
 */
public final class ConnectionWarmer {

	private static final Log logger = LogFactory.getLog(ConnectionWarmer.class);

	/**
	 * A chat completion as servers send it, parsed once so the first real answer finds
	 * its classes loaded.
	 */
	public static final byte[] CANNED_COMPLETION = ("{\"id\":\"warm-up\",\"object\":\"chat.completion\",\"created\":0,"
			+ "\"model\":\"warm-up\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},"
			+ "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2}}")
		.getBytes(StandardCharsets.UTF_8);

	/**
	 * How long the warm-up requests may take in all. They only pay off against a server
	 * that answers in a millisecond or so, where the first call's few milliseconds of CPU
	 * would show; against one that takes 100 ms they would add seconds to start-up and
	 * save nothing visible.
	 */
	private static final Duration REQUESTS_BUDGET = Duration.ofSeconds(1);

	private final LlmClientSettings settings;

	private final HttpTransport transport;

	private final CallRecorder recorder;

	private final Failures failures;

	ConnectionWarmer(LlmClientSettings settings, HttpTransport transport, CallRecorder recorder) {
		this.settings = settings;
		this.transport = transport;
		this.recorder = recorder;
		this.failures = new Failures(settings);
	}

	/**
	 * Warms connections and, meanwhile, the code path; logs one line saying what
	 * happened.
	 * @param warmCodePath exercises request encoding and response parsing
	 * @throws LlmConnectionException when no connection could be opened and
	 * {@code warm-up.fail-fast} is set
	 */
	void warmUp(Runnable warmCodePath) {
		int count = this.settings.warmUpConnections();
		Duration timeout = this.settings.warmUp().timeout();
		long start = System.nanoTime();
		long deadline = start + timeout.toNanos();
		RestClient restClient = this.transport.restClient(timeout);
		CountDownLatch answered = new CountDownLatch(count);
		ExecutorService executor = CallExecutors.create("llm-client-warm-up", count);
		List<Integer> statuses = new ArrayList<>();
		List<Exception> failed = new ArrayList<>();
		try {
			List<Future<Integer>> connections = new ArrayList<>();
			for (int i = 0; i < count; i++) {
				connections.add(executor.submit(() -> openOne(restClient, answered, deadline)));
			}
			warmCodePath.run();
			for (Future<Integer> connection : connections) {
				try {
					statuses.add(connection.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
				}
				catch (ExecutionException ex) {
					failed.add((ex.getCause() instanceof Exception cause) ? cause : ex);
				}
				catch (TimeoutException ex) {
					connection.cancel(true);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					break;
				}
			}
		}
		finally {
			executor.shutdown();
		}
		long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
		if (statuses.isEmpty()) {
			unreachable(failed.isEmpty() ? null : failed.get(0));
			return;
		}
		statuses.stream()
			.map(this.failures::credentialsRejected)
			.filter(Objects::nonNull)
			.findFirst()
			.ifPresent(this::credentialsRefused);
		String requests = sendRequests(deadline);
		if (logger.isInfoEnabled()) {
			int missing = count - statuses.size();
			String shortfall = (missing > 0)
					? "; " + missing + " of " + count + " failed: " + describe(failed.isEmpty() ? null : failed.get(0))
					: "";
			logger
				.info(prefix() + "opened " + statuses.size() + ((statuses.size() == 1) ? " connection" : " connections")
						+ " to " + this.settings.displayEndpoint() + " in " + millis + " ms (GET /models answered HTTP "
						+ statuses.get(0) + "; " + this.transport.poolStats().available() + " idle in the pool"
						+ shortfall + ")" + requests);
		}
	}

	/**
	 * Sends the warm-up requests on a thread of their own, so that the one in flight can
	 * be aborted when {@code warm-up.timeout} passes; no new one starts after
	 * {@link #REQUESTS_BUDGET}.
	 * @return what the log line says of them, empty when there are none
	 */
	private String sendRequests(long deadline) {
		int count = this.settings.warmUp().requests();
		if (count == 0) {
			return "";
		}
		long start = System.nanoTime();
		RestClient restClient = this.transport.unobservedRestClient(this.settings.warmUp().timeout());
		AtomicInteger answered = new AtomicInteger();
		AtomicReference<CancellableAttempt> attempt = new AtomicReference<>();
		ExecutorService executor = CallExecutors.create("llm-client-warm-up-requests", 1);
		Exception failure = null;
		try {
			Future<?> sending = executor.submit(() -> {
				try (CancellableAttempt current = CancellableAttempt.withoutDeadline()) {
					attempt.set(current);
					long stopAt = Math.min(deadline, start + REQUESTS_BUDGET.toNanos());
					while (answered.get() < count && System.nanoTime() < stopAt) {
						restClient.get().uri(this.transport.modelsUri()).exchange((request, response) -> {
							response.getStatusCode();
							response.getHeaders().getContentType();
							return BoundedBody.read(response.getBody(), this.settings.connection().maxResponseSize());
						}, true);
						answered.incrementAndGet();
					}
				}
				return null;
			});
			sending.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
		}
		catch (ExecutionException ex) {
			failure = (ex.getCause() instanceof Exception cause) ? cause : ex;
		}
		catch (TimeoutException ex) {
			abort(attempt.get());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			abort(attempt.get());
			failure = ex;
		}
		finally {
			executor.shutdown();
		}
		long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
		if (answered.get() == count) {
			return ", then sent " + count + " warm-up " + ((count == 1) ? "request" : "requests") + " in " + millis
					+ " ms";
		}
		if (failure == null && System.nanoTime() < deadline) {
			return ", then sent " + answered.get() + " of " + count + " warm-up requests in " + millis
					+ " ms (stopped: against a server this far away the first call gains nothing from more)";
		}
		return ", then sent " + answered.get() + " of " + count + " warm-up requests in " + millis + " ms: "
				+ describe(failure);
	}

	private static void abort(CancellableAttempt inFlight) {
		if (inFlight != null) {
			inFlight.abort();
		}
	}

	private Integer openOne(RestClient restClient, CountDownLatch answered, long deadline) {
		boolean[] counted = new boolean[1];
		try {
			return restClient.get().uri(this.transport.modelsUri()).exchange((request, response) -> {
				int status = response.getStatusCode().value();
				counted[0] = true;
				answered.countDown();
				// Before reading the body: reading it to the end hands the connection
				// back to the pool.
				awaitOthers(answered, deadline);
				// Read the answer as a call reads one, so that path is warm too.
				response.getHeaders().getContentType();
				BoundedBody.read(response.getBody(), this.settings.connection().maxResponseSize());
				return status;
			}, true);
		}
		finally {
			if (!counted[0]) {
				answered.countDown();
			}
		}
	}

	/**
	 * Holds this connection until every warm-up request has one, so no two share a
	 * connection.
	 */
	private static void awaitOthers(CountDownLatch answered, long deadline) {
		try {
			answered.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void unreachable(Exception failure) {
		String endpoint = this.settings.displayEndpoint();
		LlmClientException typed = typed(failure);
		this.recorder.unreachable(typed);
		String endpointProperty = this.settings.property("endpoint");
		String failFast = this.settings.property("warm-up.fail-fast");
		String what = "Could not reach " + endpointProperty + "=" + endpoint + " at start-up: " + describe(failure)
				+ ".";
		if (this.settings.warmUp().failFast()) {
			throw new LlmConnectionException(what + " Check that the LLM server is running and that " + endpointProperty
					+ " points at it, or set " + failFast + "=false to start anyway.", typed);
		}
		logger.warn(prefix() + what
				+ " Starting anyway: health reports DOWN until a call succeeds. Check that the LLM server is "
				+ "running and that " + endpointProperty + " points at it; set " + failFast + "=true to stop "
				+ "start-up instead.");
	}

	/**
	 * The server refused the API key, or the proxy its credentials: every call will fail,
	 * so this is worth a warning rather than the information line, and health is down
	 * until a call succeeds.
	 */
	private void credentialsRefused(String reason) {
		this.recorder.credentialsRefused(reason);
		logger.warn(prefix() + reason + ". Health reports DOWN until a call succeeds.");
	}

	/** Names the client: an application may have several. */
	private String prefix() {
		return "LLM client '" + this.settings.name() + "' warm-up: ";
	}

	private LlmClientException typed(Exception failure) {
		if (failure == null || isWarmUpTimeout(failure)) {
			return new LlmTimeoutException(
					"LLM server at " + this.settings.displayEndpoint() + " did not answer within "
							+ this.settings.property("warm-up.timeout") + "=" + this.settings.warmUp().timeout(),
					LlmTimeoutException.Kind.WARM_UP, this.settings.warmUp().timeout(), failure);
		}
		if (failure instanceof RestClientException ex) {
			return this.failures.fromRestClient(ex);
		}
		return (failure instanceof LlmClientException llm) ? llm
				: new LlmConnectionException(this.failures.scrub(String.valueOf(failure.getMessage())), failure);
	}

	/**
	 * Whether a warm-up request ran out of {@code warm-up.timeout}, which is its read and
	 * pool timeout: whether that or the wait for all of them ends first is a race, and
	 * both mean the same. A connect timeout is not one: it is {@code connect-timeout}'s.
	 */
	private static boolean isWarmUpTimeout(Exception failure) {
		Throwable cause = (failure instanceof ResourceAccessException) ? failure.getCause() : failure;
		return cause instanceof SocketTimeoutException || cause instanceof ConnectionRequestTimeoutException;
	}

	/**
	 * The cause in a few words: the I/O exception's own message names host, port and what
	 * failed.
	 */
	private String describe(Exception failure) {
		if (failure == null || isWarmUpTimeout(failure)) {
			return "no answer to GET /models within " + this.settings.property("warm-up.timeout") + "="
					+ this.settings.warmUp().timeout();
		}
		Throwable cause = (failure instanceof ResourceAccessException && failure.getCause() != null)
				? failure.getCause() : failure;
		return cause.getClass().getSimpleName()
				+ ((cause.getMessage() != null) ? ": " + this.failures.scrub(cause.getMessage()) : "");
	}

}
