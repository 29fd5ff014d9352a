package dev.llmclient.sample.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Several demo backends, replicas of the echo model, each on a port of its own: one can
 * be stopped (its port closed, as a crashed server's) and started again on the same port,
 * to watch the client fail over and come back.
 */
final class DemoReplicas implements AutoCloseable {

	private final List<DemoBackend> running = new ArrayList<>();

	private final List<Integer> ports = new ArrayList<>();

	private final DemoControls controls;

	private final ProviderLimits limits;

	private DemoReplicas(DemoControls controls, ProviderLimits limits) {
		this.controls = controls;
		this.limits = limits;
	}

	static DemoReplicas start(int count, DemoControls controls, ProviderLimits limits) throws IOException {
		DemoReplicas replicas = new DemoReplicas(controls, limits);
		for (int i = 0; i < count; i++) {
			DemoBackend backend = DemoBackend.start(controls, limits);
			replicas.running.add(backend);
			replicas.ports.add(backend.port());
		}
		return replicas;
	}

	/** The base URL of each replica, in order. */
	synchronized List<String> baseUrls() {
		return this.ports.stream().map((port) -> "http://127.0.0.1:" + port + DemoBackend.BASE_PATH).toList();
	}

	/** Whether each replica is up, in order. */
	synchronized List<Boolean> up() {
		return this.running.stream().map((backend) -> backend != null).toList();
	}

	/**
	 * Stops a replica: its port refuses connections until {@link #up(int)}.
	 * @param index the replica, from 0
	 */
	synchronized void down(int index) {
		DemoBackend backend = this.running.set(check(index), null);
		if (backend != null) {
			backend.close();
		}
	}

	/**
	 * Starts a stopped replica again on its port.
	 * @param index the replica, from 0
	 */
	synchronized void up(int index) {
		if (this.running.get(check(index)) == null) {
			try {
				this.running.set(index, DemoBackend.start(this.controls, this.limits, this.ports.get(index)));
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Could not listen on port " + this.ports.get(index) + " again", ex);
			}
		}
	}

	private int check(int index) {
		if (index < 0 || index >= this.ports.size()) {
			throw new IllegalArgumentException(
					"No replica " + index + ": replicas are numbered 0 to " + (this.ports.size() - 1));
		}
		return index;
	}

	@Override
	public synchronized void close() {
		this.running.stream().filter((backend) -> backend != null).forEach(DemoBackend::close);
	}

}
