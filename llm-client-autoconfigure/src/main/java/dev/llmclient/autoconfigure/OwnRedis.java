package dev.llmclient.autoconfigure;

import java.time.Duration;
import java.util.function.Supplier;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;

/**
 * The cluster limits' own Redis client, for {@code llm.client.cluster.redis.url} (or a
 * named client's): it rejects commands at once while disconnected instead of queueing
 * them, and connects within the command timeout, so no call waits on a Redis that is
 * down. Shut down with the application context, which closes the connections it opened.
 */
final class OwnRedis implements Supplier<StatefulRedisConnection<byte[], byte[]>>, AutoCloseable {

	private final RedisClient client;

	/**
	 * Creates the client.
	 * @param prefix the prefix of the client's properties, such as {@code llm.client.}
	 */
	OwnRedis(String prefix, String url, Duration commandTimeout) {
		RedisURI uri;
		try {
			uri = RedisURI.create(url);
		}
		catch (IllegalArgumentException ex) {
			throw new org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException(
					prefix + "cluster.redis.url", url, "is not a Redis URL, e.g. redis://localhost:6379");
		}
		uri.setTimeout(commandTimeout);
		this.client = RedisClient.create(uri);
		this.client.setOptions(ClientOptions.builder()
			.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
			.socketOptions(SocketOptions.builder().connectTimeout(commandTimeout).build())
			.build());
	}

	@Override
	public StatefulRedisConnection<byte[], byte[]> get() {
		return this.client.connect(ByteArrayCodec.INSTANCE);
	}

	/**
	 * Opens a pub/sub connection to the same server, on which the limits hear of leases
	 * released by other instances.
	 * @return the connection, which the limits close
	 */
	StatefulRedisPubSubConnection<byte[], byte[]> connectPubSub() {
		return this.client.connectPubSub(ByteArrayCodec.INSTANCE);
	}

	@Override
	public void close() {
		this.client.shutdown();
	}

}
