package dev.llmclient.cluster;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;

/**
 * This instance's subscription to the channel on which every instance announces the
 * leases it releases: one pub/sub connection per instance, whatever the number of waiting
 * calls, each message waking one of them.
 * <p>
 * Redis pub/sub rather than a list popped with {@code BLPOP}: a message reaches every
 * instance at once without being stored, so nothing piles up in Redis while no instance
 * waits, and an instance that stops leaves nothing behind. It is fire-and-forget though:
 * a message sent while the connection is down is lost, so waiting calls keep polling,
 * slowly while the subscription is active, as they did before while it is not.
 * <p>
 * Lettuce reconnects the connection by itself and subscribes again. Should the connection
 * be missing (Redis was down when it was opened) or still disconnected while Redis
 * answers commands, {@link #check()}, called by the renewal thread, opens a new one.
 */
final class ReleaseSubscription implements AutoCloseable {

	private final Supplier<StatefulRedisPubSubConnection<byte[], byte[]>> connections;

	private final byte[] channel;

	private final byte[] instance;

	private final Runnable onRelease;

	private final Duration timeout;

	private final Listener listener = new Listener();

	private volatile StatefulRedisPubSubConnection<byte[], byte[]> connection;

	private volatile boolean subscribed;

	private boolean closed;

	/**
	 * Creates the subscription, not yet connected.
	 * @param connections opens a pub/sub connection
	 * @param channel the release channel
	 * @param instance this instance, whose own messages are ignored: it wakes its waiting
	 * calls itself when it releases a lease
	 * @param onRelease wakes one waiting call
	 * @param timeout the longest to wait for Redis to confirm the subscription
	 */
	ReleaseSubscription(Supplier<StatefulRedisPubSubConnection<byte[], byte[]>> connections, String channel,
			String instance, Runnable onRelease, Duration timeout) {
		this.connections = connections;
		this.channel = RedisCommands.bytes(channel);
		this.instance = RedisCommands.bytes(instance);
		this.onRelease = onRelease;
		this.timeout = timeout;
	}

	/**
	 * Answers whether releases by other instances wake this one's calls now.
	 */
	boolean isActive() {
		StatefulRedisPubSubConnection<byte[], byte[]> current = this.connection;
		return this.subscribed && current != null && current.isOpen();
	}

	/**
	 * Subscribes unless subscribed or reconnecting; never throws. Blocks at most the
	 * connect timeout and the command timeout.
	 */
	synchronized void check() {
		if (this.closed || (this.connection != null && this.connection.isOpen())) {
			return;
		}
		closeConnection();
		try {
			StatefulRedisPubSubConnection<byte[], byte[]> opened = this.connections.get();
			this.connection = opened;
			opened.addListener(this.listener);
			opened.async().subscribe(this.channel).get(this.timeout.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			closeConnection();
		}
		catch (Exception ex) {
			// Redis is unavailable or refuses: calls poll meanwhile, and the next check
			// tries again
			closeConnection();
		}
	}

	private void closeConnection() {
		this.subscribed = false;
		StatefulRedisPubSubConnection<byte[], byte[]> current = this.connection;
		this.connection = null;
		if (current != null) {
			current.removeListener(this.listener);
			current.close();
		}
	}

	/**
	 * Unsubscribes and closes the connection.
	 */
	@Override
	public synchronized void close() {
		this.closed = true;
		closeConnection();
	}

	private final class Listener extends RedisPubSubAdapter<byte[], byte[]> {

		@Override
		public void subscribed(byte[] channel, long count) {
			if (Arrays.equals(channel, ReleaseSubscription.this.channel)) {
				ReleaseSubscription.this.subscribed = true;
			}
		}

		@Override
		public void message(byte[] channel, byte[] message) {
			if (Arrays.equals(channel, ReleaseSubscription.this.channel)
					&& !Arrays.equals(message, ReleaseSubscription.this.instance)) {
				ReleaseSubscription.this.onRelease.run();
			}
		}

	}

}
