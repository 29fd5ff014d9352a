package dev.llmclient.cluster;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;

/**
 * The Redis commands of the cluster limits, each bounded by
 * {@code cluster.command-timeout} whatever the connection's own timeout is (Spring Data
 * Redis's default is 60 s): a command that does not answer in time is cancelled, so that
 * a connection queueing commands while it reconnects never sends it later. Scripts go by
 * their SHA and are sent in full once after Redis lost its script cache (a restart, a
 * failover).
 * <p>
 * The connection is opened once at start-up; Lettuce reconnects it by itself after an
 * outage. Should it be missing (Redis was down at start-up) or closed, a new one is
 * opened in the background while calls go on without Redis: no call waits for a connect
 * timeout.
 */
final class RedisCommands {

	private final Supplier<StatefulRedisConnection<byte[], byte[]>> connections;

	private final Duration timeout;

	private final Executor background;

	private final AtomicBoolean connecting = new AtomicBoolean();

	private volatile StatefulRedisConnection<byte[], byte[]> connection;

	RedisCommands(Supplier<StatefulRedisConnection<byte[], byte[]>> connections, Duration timeout,
			Executor background) {
		this.connections = connections;
		this.timeout = timeout;
		this.background = background;
	}

	/**
	 * Opens the connection now, in the calling thread.
	 * @throws RuntimeException when Redis cannot be reached
	 */
	void connect() {
		this.connection = this.connections.get();
	}

	/**
	 * Returns the connection.
	 * @throws RedisConnectionException when there is none open: one is being opened in
	 * the background
	 */
	StatefulRedisConnection<byte[], byte[]> connection() {
		StatefulRedisConnection<byte[], byte[]> current = this.connection;
		if (current != null && current.isOpen()) {
			return current;
		}
		if (this.connecting.compareAndSet(false, true)) {
			this.background.execute(() -> {
				try {
					connect();
				}
				catch (RuntimeException ex) {
					// still unavailable: the next command asks again
				}
				finally {
					this.connecting.set(false);
				}
			});
		}
		throw new RedisConnectionException("Not connected to Redis yet");
	}

	RedisAsyncCommands<byte[], byte[]> async() {
		return connection().async();
	}

	/**
	 * Runs a script and returns its integer answer.
	 * @throws RedisException when Redis fails or does not answer in time
	 * @throws InterruptedException when the waiting thread is interrupted
	 */
	long run(Script script, byte[][] keys, byte[]... args) throws InterruptedException {
		RedisAsyncCommands<byte[], byte[]> commands = async();
		try {
			return await(commands.<Long>evalsha(script.sha, ScriptOutputType.INTEGER, keys, args));
		}
		catch (RedisNoScriptException ex) {
			return await(commands.<Long>eval(script.body, ScriptOutputType.INTEGER, keys, args));
		}
	}

	/**
	 * Sends a script without waiting for its answer; should Redis have lost its script
	 * cache, the script is sent again in full once the refusal comes back.
	 * @throws RedisException when there is no connection to send it on
	 */
	void send(Script script, byte[][] keys, byte[]... args) {
		RedisAsyncCommands<byte[], byte[]> commands = async();
		commands.<Long>evalsha(script.sha, ScriptOutputType.INTEGER, keys, args).exceptionally((ex) -> {
			Throwable cause = (ex instanceof CompletionException) ? ex.getCause() : ex;
			if (cause instanceof RedisNoScriptException) {
				commands.<Long>eval(script.body, ScriptOutputType.INTEGER, keys, args);
			}
			return null;
		});
	}

	/**
	 * Answers whether Redis answers {@code PING} within the command timeout.
	 * @throws InterruptedException when the waiting thread is interrupted
	 */
	boolean answers() throws InterruptedException {
		try {
			await(async().ping());
			return true;
		}
		catch (RedisException ex) {
			return false;
		}
	}

	/**
	 * Waits for a command's answer, at most the command timeout.
	 * @throws RedisException when Redis fails or does not answer in time
	 * @throws InterruptedException when the waiting thread is interrupted
	 */
	<T> T await(RedisFuture<T> future) throws InterruptedException {
		try {
			return future.get(this.timeout.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			future.cancel(false);
			throw new RedisCommandTimeoutException("Redis did not answer within " + this.timeout);
		}
		catch (InterruptedException ex) {
			future.cancel(false);
			throw ex;
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof RedisException redis) {
				throw redis;
			}
			throw new RedisException(ex.getCause());
		}
	}

	static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * A Lua script, with the SHA-1 digest Redis knows it by.
	 */
	static final class Script {

		private final byte[] body;

		private final String sha;

		Script(String body) {
			this.body = bytes(body);
			try {
				this.sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(this.body));
			}
			catch (NoSuchAlgorithmException ex) {
				throw new IllegalStateException("Every JVM has SHA-1", ex);
			}
		}

	}

}
