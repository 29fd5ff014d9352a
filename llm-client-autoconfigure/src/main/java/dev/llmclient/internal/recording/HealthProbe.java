package dev.llmclient.internal.recording;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ConnectionRequestTimeoutException;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.util.Timeout;

import dev.llmclient.LlmClientHealth;
import dev.llmclient.LlmClientSettings;
import dev.llmclient.internal.http.HttpTransport;
import dev.llmclient.internal.wire.Failures;

/**
 * The optional active health check: {@code GET {endpoint}/models}, which spends no
 * tokens, at most once per {@code health.probe.ttl}. It carries the API key like every
 * other request. Any HTTP answer, even 404, proves the endpoint reachable, except 401 and
 * 403: the server refused the key, so every call would fail. No answer (refused, reset,
 * unknown host, TLS failure, nothing within {@code connect-timeout}) makes it
 * unreachable.
 * <p>
 * Whoever asks for health after the verdict has expired runs the probe; others asking at
 * the same time read the previous verdict rather than wait. When every pooled connection
 * is carrying a call the probe is skipped: those calls say more about the endpoint than a
 * probe could, and the probe would only queue behind them.
 */
public final class HealthProbe {

	/**
	 * Bodies up to this size are read so the connection goes back to the pool; larger
	 * ones are cut off.
	 */
	private static final long DRAIN_LIMIT = 64 * 1024;

	/** The probe could not tell: every connection was busy with calls. */
	private static final String INCONCLUSIVE = new String("inconclusive");

	private final HttpTransport transport;

	private final CallRecorder recorder;

	private final Failures failures;

	private final String url;

	private final Duration timeout;

	private final String timeoutName;

	private final long ttlNanos;

	/** {@code System::nanoTime}, or a test's clock so a TTL passes without waiting. */
	private final LongSupplier nanoClock;

	private final AtomicBoolean probing = new AtomicBoolean();

	private volatile boolean probed;

	private volatile long probedAt;

	public HealthProbe(LlmClientSettings settings, Duration ttl, HttpTransport transport, CallRecorder recorder,
			LongSupplier nanoClock) {
		this.transport = transport;
		this.recorder = recorder;
		this.failures = new Failures(settings);
		this.url = settings.displayEndpoint() + "/models";
		this.timeout = settings.connection().connectTimeout();
		this.timeoutName = settings.property("connect-timeout");
		this.ttlNanos = ttl.toNanos();
		this.nanoClock = nanoClock;
	}

	/**
	 * Probes when the latest verdict is older than the TTL, and hands the verdict to the
	 * recorder.
	 */
	public void refresh() {
		if (fresh() || !this.probing.compareAndSet(false, true)) {
			return;
		}
		try {
			if (fresh()) {
				return;
			}
			LlmClientHealth.Pool pool = this.transport.poolStats();
			String verdict = (pool.leased() < pool.max()) ? probe() : INCONCLUSIVE;
			if (verdict != INCONCLUSIVE) {
				this.recorder.probed(verdict);
			}
			this.probedAt = this.nanoClock.getAsLong();
			this.probed = true;
		}
		finally {
			this.probing.set(false);
		}
	}

	private boolean fresh() {
		return this.probed && this.nanoClock.getAsLong() - this.probedAt < this.ttlNanos;
	}

	/**
	 * Sends one probe.
	 * @return why the endpoint could not be reached or refused the key, {@code null} when
	 * it answered, or {@link #INCONCLUSIVE} when no connection was free to ask
	 */
	private String probe() {
		HttpGet get = new HttpGet(this.transport.modelsUri());
		this.transport.authorize(get);
		get.setConfig(RequestConfig.custom()
			.setConnectionRequestTimeout(Timeout.of(this.timeout))
			.setResponseTimeout(Timeout.of(this.timeout))
			.build());
		try (ClassicHttpResponse response = this.transport.httpClient().executeOpen(null, get, null)) {
			HttpEntity entity = response.getEntity();
			if (entity != null && entity.getContentLength() >= 0 && entity.getContentLength() <= DRAIN_LIMIT) {
				EntityUtils.consume(entity);
			}
			int status = response.getCode();
			return this.failures.credentialsRejected(status);
		}
		catch (ConnectionRequestTimeoutException ex) {
			return INCONCLUSIVE;
		}
		catch (InterruptedIOException ex) {
			return "GET " + this.url + " got no answer within " + this.timeout + " (" + this.timeoutName + ")";
		}
		catch (IOException ex) {
			return "GET " + this.url + " got no answer: " + this.failures.fromIo(ex).getMessage();
		}
	}

}
