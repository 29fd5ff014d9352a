package dev.llmclient.sample;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;

import static org.awaitility.Awaitility.await;

/**
 * A real {@code redis-server} for the sample's tests: a child process on a free loopback
 * port with no persistence, stopped by {@link #close()}. It is the {@code redis-server}
 * on the {@code PATH} (Debian's package {@code redis-server}), else the binary that
 * {@code com.github.codemonstur:embedded-redis} ships for Linux and macOS.
 */
final class RedisServer implements AutoCloseable {

	private final Path directory;

	private final int port;

	private final Process process;

	private RedisServer(Path directory, int port, Process process) {
		this.directory = directory;
		this.port = port;
		this.process = process;
	}

	static RedisServer start() {
		try {
			Path directory = Files.createTempDirectory("llm-client-sample-redis-");
			int port;
			try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
				port = socket.getLocalPort();
			}
			Process process = new ProcessBuilder(executable(directory).toString(), "--port", String.valueOf(port),
					"--bind", "127.0.0.1", "--dir", directory.toString(), "--save", "", "--appendonly", "no")
				.redirectErrorStream(true)
				.redirectOutput(directory.resolve("redis.log").toFile())
				.start();
			RedisServer server = new RedisServer(directory, port, process);
			await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(server::answersPing);
			return server;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	String url() {
		return "redis://127.0.0.1:" + this.port;
	}

	private boolean answersPing() {
		RedisClient client = RedisClient.create(RedisURI.create(url()));
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			return "PONG".equals(connection.sync().ping());
		}
		finally {
			client.shutdown();
		}
	}

	@Override
	public void close() throws InterruptedException {
		this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		File[] files = this.directory.toFile().listFiles();
		for (File file : (files != null) ? files : new File[0]) {
			file.delete();
		}
		this.directory.toFile().delete();
	}

	private static Path executable(Path directory) throws IOException {
		for (String entry : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
			Path candidate = Path.of(entry, "redis-server");
			if (Files.isExecutable(candidate)) {
				return candidate;
			}
		}
		String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
		boolean arm = System.getProperty("os.arch").contains("aarch64");
		String name = os.contains("linux")
				? (arm ? "redis-server-6.2.7-linux-arm64" : "redis-server-6.2.6-v5-linux-amd64")
				: (arm ? "redis-server-6.2.6-v5-darwin-arm64" : "redis-server-6.2.6-v5-darwin-amd64");
		try (InputStream in = RedisServer.class.getResourceAsStream("/" + name)) {
			if (in == null) {
				throw new IllegalStateException("No redis-server on the PATH and none for this platform in "
						+ "com.github.codemonstur:embedded-redis: install one (Debian: apt-get install redis-server)");
			}
			Path copy = directory.resolve("redis-server");
			Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
			if (!copy.toFile().setExecutable(true)) {
				throw new IllegalStateException("Could not make " + copy + " executable");
			}
			return copy;
		}
	}

}
