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
 * echo model under {@value #BASE_PATH}, with OpenAI's Files and Batch APIs
 * ({@link DemoBatchHandler}). It runs apart from the application's web server because the
 * client is built, and points at it, before the web server starts.
 */
final class DemoBackend implements AutoCloseable {

	static final String BASE_PATH = "/demo/v1";

	private static final String HOST = "127.0.0.1";

	private static final int THREADS = 4;

	private static final int QUEUE_CAPACITY = 100;

	private static final long SHUTDOWN_WAIT_SECONDS = 2;

	private final HttpServer server;

	private final ThreadPoolExecutor executor;

	private final DemoFiles files;

	private final DemoBatchRunner runner;

	private DemoBackend(HttpServer server, ThreadPoolExecutor executor, DemoFiles files, DemoBatchRunner runner) {
		this.server = server;
		this.executor = executor;
		this.files = files;
		this.runner = runner;
	}

	/**
	 * Starts a backend on an ephemeral port.
	 * @param controls the delay and failure switch it answers with
	 * @param limits the provider's limits it enforces, {@link ProviderLimits#NONE} for
	 * none
	 * @return the running backend; close it to stop it
	 * @throws IOException when no loopback port can be bound
	 */
	static DemoBackend start(DemoControls controls, ProviderLimits limits) throws IOException {
		return start(controls, limits, 0);
	}

	/**
	 * Starts a backend on a given port, such as the port of a replica stopped before.
	 * @param controls the delay and failure switch it answers with
	 * @param limits the provider's limits it enforces, {@link ProviderLimits#NONE} for
	 * none
	 * @param port the port, or 0 for an ephemeral one
	 * @return the running backend; close it to stop it
	 * @throws IOException when the port cannot be bound
	 */
	static DemoBackend start(DemoControls controls, ProviderLimits limits, int port) throws IOException {
		HttpServer server = HttpServer.create(new InetSocketAddress(HOST, port), 0);
		// When every thread is busy and the queue is full, the server's accepting thread
		// handles
		// the request itself: callers slow down instead of being refused.
		// a provider with slots answers 429 while they are busy: enough threads to say so
		int threads = Math.max(THREADS, 2 * limits.capacity());
		ThreadPoolExecutor executor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
				new ArrayBlockingQueue<>(QUEUE_CAPACITY), threadFactory(), new ThreadPoolExecutor.CallerRunsPolicy());
		server.setExecutor(executor);
		server.createContext(BASE_PATH, limits.apply(new DemoHandler(BASE_PATH, controls)));
		// the batch API has limits of its own: the provider's live limits do not apply
		DemoFiles files = new DemoFiles();
		DemoBatchRunner runner = new DemoBatchRunner(files, controls);
		DemoBatchHandler batchHandler = new DemoBatchHandler(BASE_PATH, files, new DemoBatches(files), runner);
		server.createContext(BASE_PATH + "/files", batchHandler);
		server.createContext(BASE_PATH + "/batches", batchHandler);
		server.start();
		return new DemoBackend(server, executor, files, runner);
	}

	/**
	 * Returns the base URL to use as {@code llm.client.endpoint}.
	 * @return such as {@code http://127.0.0.1:41234/demo/v1}
	 */
	String baseUrl() {
		return "http://" + HOST + ":" + port() + BASE_PATH;
	}

	int port() {
		return this.server.getAddress().getPort();
	}

	@Override
	public void close() {
		this.server.stop(0);
		this.runner.close();
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
		this.files.close();
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
