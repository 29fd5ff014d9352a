package dev.llmclient.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The {@link StubServer} in a JVM of its own, so that the CPU time of the benchmark JVM
 * is the clients' alone. Its counters are read over its standard input and output, never
 * over the network, so reading them opens no connection.
 */
final class StubProcess implements AutoCloseable {

	private final Process process;

	private final BufferedReader output;

	private final Writer input;

	private final int port;

	private StubProcess(Process process) throws IOException {
		this.process = process;
		this.output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
		this.input = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.US_ASCII);
		String line = this.output.readLine();
		if (line == null || !line.startsWith("PORT ")) {
			process.destroyForcibly();
			throw new IOException("stub server did not start: " + line);
		}
		this.port = Integer.parseInt(line.substring(5).trim());
	}

	static StubProcess start() throws IOException {
		List<String> command = Jvm.command(List.of("-Xms64m", "-Xmx256m", "-XX:+UseSerialGC"), StubServer.class);
		Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
		return new StubProcess(process);
	}

	int port() {
		return this.port;
	}

	/** Base URL of the OpenAI-compatible API answering after {@code latencyMillis}. */
	String baseUrl(int latencyMillis) {
		String prefix = (latencyMillis > 0) ? "/l" + latencyMillis : "";
		return "http://127.0.0.1:" + this.port + prefix + "/v1";
	}

	synchronized Stats stats() {
		try {
			this.input.write("stats\n");
			this.input.flush();
			String line = this.output.readLine();
			if (line == null || !line.startsWith("STATS ")) {
				throw new IllegalStateException("stub server did not answer stats: " + line);
			}
			String[] parts = line.split(" ");
			return new Stats(Long.parseLong(parts[1]), Long.parseLong(parts[2]), Long.parseLong(parts[3]));
		}
		catch (IOException ex) {
			throw new IllegalStateException("stub server is gone", ex);
		}
	}

	@Override
	public void close() {
		try {
			this.input.write("quit\n");
			this.input.close();
			if (!this.process.waitFor(5, TimeUnit.SECONDS)) {
				this.process.destroyForcibly();
			}
		}
		catch (IOException | InterruptedException ex) {
			this.process.destroyForcibly();
		}
	}

	/** Counters of the stub since it started. */
	record Stats(long requests, long connections, long cpuNanos) {

		Stats minus(Stats earlier) {
			return new Stats(this.requests - earlier.requests, this.connections - earlier.connections,
					this.cpuNanos - earlier.cpuNanos);
		}

	}

}
