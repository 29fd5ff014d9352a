package dev.llmclient.sample.demo;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;

/**
 * The demo backend: an OpenAI-compatible HTTP server on a free loopback port, serving the
 * echo model under {@value #BASE_PATH}. It runs apart from the application's web server
 * because the client is built, and points at it, before the web server starts.
 */
final class DemoBackend implements AutoCloseable {

	static final String BASE_PATH = "/demo/v1";

	private static final String HOST = "127.0.0.1";

	private static final int THREADS = 4;

	private static final int QUEUE_CAPACITY = 100;

	private static final long SHUTDOWN_WAIT_SECONDS = 2;

	private final HttpServer server;

	private final ThreadPoolExecutor executor;

	private DemoBackend(HttpServer server, ThreadPoolExecutor executor) {
		this.server = server;
		this.executor = executor;
	}

	/**
	 * Starts a backend on an ephemeral port.
	 * @return the running backend; close it to stop it
	 * @throws IOException when no loopback port can be bound
	 */
	static DemoBackend start() throws IOException {
		return start(ProviderLimits.NONE);
	}

	/**
	 * Starts a backend on an ephemeral port that behaves like a provider with limits.
	 * @param limits the limits to enforce
	 * @return the running backend; close it to stop it
	 * @throws IOException when no loopback port can be bound
	 */
	static DemoBackend start(ProviderLimits limits) throws IOException {
		HttpServer server = HttpServer.create(new InetSocketAddress(HOST, 0), 0);
		// When every thread is busy and the queue is full, the server's accepting thread
		// handles
		// the request itself: callers slow down instead of being refused.
		// a provider with slots answers 429 while they are busy: enough threads to say so
		int threads = Math.max(THREADS, 2 * limits.capacity());
		ThreadPoolExecutor executor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
				new ArrayBlockingQueue<>(QUEUE_CAPACITY), threadFactory(), new ThreadPoolExecutor.CallerRunsPolicy());
		server.setExecutor(executor);
		server.createContext(BASE_PATH, limits.apply(new DemoHandler(BASE_PATH)));
		server.start();
		return new DemoBackend(server, executor);
	}

	/**
	 * Returns the base URL to use as {@code llm.client.endpoint}.
	 * @return such as {@code http://127.0.0.1:41234/demo/v1}
	 */
	String baseUrl() {
		return "http://" + HOST + ":" + this.server.getAddress().getPort() + BASE_PATH;
	}

	@Override
	public void close() {
		this.server.stop(0);
		this.executor.shutdown();
		try {
			if (!this.executor.awaitTermination(SHUTDOWN_WAIT_SECONDS, TimeUnit.SECONDS)) {
				this.executor.shutdownNow();
			}
		}
		catch (InterruptedException ex) {
			this.executor.shutdownNow();
			Thread.currentThread().interrupt();
		}
	}

	private static ThreadFactory threadFactory() {
		AtomicInteger count = new AtomicInteger();
		return (runnable) -> {
			Thread thread = new Thread(runnable, "llm-demo-" + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

}
