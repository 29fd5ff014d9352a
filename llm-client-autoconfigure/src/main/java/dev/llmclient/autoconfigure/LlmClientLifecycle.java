package dev.llmclient.autoconfigure;

import org.springframework.context.SmartLifecycle;

import dev.llmclient.LlmClientException;
import dev.llmclient.internal.DefaultLlmClient;

/**
 * Starts and stops the auto-configured client with the application context: on start,
 * with {@code llm.client.eager-init=true}, it warms the connection pool before the
 * application reports ready; on stop it closes the client, which refuses new calls, lets
 * calls in flight finish within {@code llm.client.shutdown-timeout} and closes the pool.
 * <p>
 * Its {@link #PHASE phase} places it inside the embedded web server's lifecycle: it
 * starts after the server listens (so an endpoint served by the application itself can be
 * warmed) and before the application is ready, and it stops after the server's graceful
 * shutdown has drained the HTTP requests in flight (which may still be calling the LLM)
 * but before the server stops.
 *
 * @since 0.1.0
 */
public final class LlmClientLifecycle implements SmartLifecycle {

	/**
	 * Phase of this lifecycle: {@code SmartLifecycle.DEFAULT_PHASE - 1536}, between
	 * Spring Boot's {@code WebServerApplicationContext.START_STOP_LIFECYCLE_PHASE}
	 * ({@code DEFAULT_PHASE - 2048}, starts and stops the web server) and
	 * {@code GRACEFUL_SHUTDOWN_PHASE} ({@code DEFAULT_PHASE - 1024}, drains HTTP
	 * requests). Lower phases start earlier and stop later, so the client stops after the
	 * graceful shutdown and before the web server.
	 */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 1536;

	private final DefaultLlmClient client;

	private volatile boolean running;

	LlmClientLifecycle(DefaultLlmClient client) {
		this.client = client;
	}

	@Override
	public void start() {
		if (this.client.settings().lifecycle().eagerInit()) {
			try {
				this.client.warmUp();
			}
			catch (LlmClientException ex) {
				throw new LlmClientWarmUpException(ex);
			}
		}
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		this.client.close();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	/** A closed client cannot be reopened, so pausing the context must not stop it. */
	@Override
	public boolean isPauseable() {
		return false;
	}

}
