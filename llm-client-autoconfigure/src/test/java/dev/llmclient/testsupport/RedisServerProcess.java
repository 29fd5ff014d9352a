package dev.llmclient.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A real {@code redis-server} for tests: a child process bound to {@code 127.0.0.1} on a
 * free port, with a temporary directory of its own and no persistence, stopped by
 * {@link #close()}.
 * <p>
 * The executable is the {@code redis-server} on the {@code PATH} (Debian's package
 * {@code redis-server}), else the binary for this platform that
 * {@code com.github.codemonstur:embedded-redis} ships in its jar, copied out of the test
 * class path; so the tests need no install step. When neither is there the start fails
 * saying how to get one.
 */
public final class RedisServerProcess implements AutoCloseable {

	private static final Duration READY_TIMEOUT = Duration.ofSeconds(15);

	private final Path executable;

	private final Path directory;

	private final int port;

	private Process process;

	private RedisServerProcess(Path executable, Path directory, int port) {
		this.executable = executable;
		this.directory = directory;
		this.port = port;
	}

	/**
	 * Starts a server on a free loopback port and waits until it answers {@code PING}.
	 * @return the running server
	 */
	public static RedisServerProcess start() {
		try {
			Path directory = Files.createTempDirectory("llm-client-redis-");
			RedisServerProcess server = new RedisServerProcess(executable(directory), directory, freePort());
			server.startProcess();
			return server;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Returns the URL a client connects to.
	 * @return {@code redis://127.0.0.1:<port>}
	 */
	public String url() {
		return "redis://127.0.0.1:" + this.port;
	}

	/**
	 * Returns the port the server listens on; it stays the same across {@link #stop()}
	 * and {@link #restart()}.
	 * @return the port
	 */
	public int port() {
		return this.port;
	}

	/**
	 * Kills the server process, as an outage would: clients see refused connections until
	 * {@link #restart()}.
	 */
	public void stop() {
		if (this.process != null) {
			this.process.destroyForcibly();
			try {
				if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
					throw new IllegalStateException("redis-server on port " + this.port + " did not stop");
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted while stopping redis-server", ex);
			}
			this.process = null;
		}
	}

	/**
	 * Starts the server again on the same port, empty, and waits until it answers.
	 */
	public void restart() {
		stop();
		startProcess();
	}

	/**
	 * Answers whether the server answers {@code PING} now.
	 * @return {@code true} when it answered {@code +PONG}
	 */
	public boolean answersPing() {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.port), 500);
			socket.setSoTimeout(500);
			OutputStream out = socket.getOutputStream();
			out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			byte[] answer = socket.getInputStream().readNBytes(7);
			return "+PONG\r\n".equals(new String(answer, StandardCharsets.US_ASCII));
		}
		catch (IOException ex) {
			return false;
		}
	}

	@Override
	public void close() {
		stop();
		try (var files = Files.walk(this.directory)) {
			files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach((path) -> path.toFile().delete());
		}
		catch (IOException ex) {
			// a temporary directory left behind is harmless
		}
	}

	private void startProcess() {
		List<String> command = List.of(this.executable.toString(), "--port", String.valueOf(this.port), "--bind",
				"127.0.0.1", "--dir", this.directory.toString(), "--save", "", "--appendonly", "no");
		try {
			this.process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(this.directory.resolve("redis.log").toFile())
				.start();
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not run " + this.executable + ": " + ex.getMessage(), ex);
		}
		long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
		while (!answersPing()) {
			if (!this.process.isAlive() || System.nanoTime() > deadline) {
				String log = readLog();
				stop();
				throw new IllegalStateException("redis-server (" + this.executable + ") did not start on port "
						+ this.port + " within " + READY_TIMEOUT.toSeconds() + " s. Its log:\n" + log);
			}
			// a readiness poll: the server takes some milliseconds to open its port
			LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
		}
	}

	private String readLog() {
		try {
			return Files.readString(this.directory.resolve("redis.log"));
		}
		catch (IOException ex) {
			return "(no log: " + ex.getMessage() + ")";
		}
	}

	private static Path executable(Path directory) throws IOException {
		String path = System.getenv("PATH");
		if (path != null) {
			for (String entry : path.split(java.io.File.pathSeparator)) {
				Path candidate = Path.of(entry, "redis-server");
				if (Files.isExecutable(candidate)) {
					return candidate;
				}
			}
		}
		String resource = embeddedBinaryName();
		try (InputStream in = (resource != null) ? RedisServerProcess.class.getResourceAsStream("/" + resource)
				: null) {
			if (in == null) {
				throw new IllegalStateException(
						"No redis-server found for the tests: none on the PATH, and no binary for "
								+ System.getProperty("os.name") + "/" + System.getProperty("os.arch")
								+ " from com.github.codemonstur:embedded-redis on the test class path. Install one "
								+ "(Debian: sudo apt-get install redis-server) and run the tests again.");
			}
			Path copy = directory.resolve("redis-server");
			Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
			if (!copy.toFile().setExecutable(true)) {
				throw new IllegalStateException("Could not make " + copy + " executable");
			}
			return copy;
		}
	}

	/**
	 * Returns the name of the binary embedded-redis ships for this platform, or
	 * {@code null} when it ships none.
	 */
	private static String embeddedBinaryName() {
		String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
		String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
		boolean arm = arch.contains("aarch64") || arch.contains("arm64");
		if (os.contains("linux")) {
			return arm ? "redis-server-6.2.7-linux-arm64" : "redis-server-6.2.6-v5-linux-amd64";
		}
		if (os.contains("mac")) {
			return arm ? "redis-server-6.2.6-v5-darwin-arm64" : "redis-server-6.2.6-v5-darwin-amd64";
		}
		return null;
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

}
