package dev.llmclient.autoconfigure;

import java.util.function.Supplier;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;

import org.springframework.data.redis.connection.lettuce.LettuceConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The application's Redis connection, from Spring Data Redis's Lettuce connection factory
 * ({@code spring.data.redis.*}): its native connection, which the factory shares with the
 * application's own Redis operations and keeps open; and a pub/sub connection of the
 * limits' own, from the factory's Redis client. Redis Cluster and pooled connections are
 * not used: the limits then need {@code llm.client.cluster.redis.url}.
 */
final class ApplicationRedis implements Supplier<StatefulRedisConnection<byte[], byte[]>> {

	private final LettuceConnectionFactory connectionFactory;

	ApplicationRedis(LettuceConnectionFactory connectionFactory) {
		this.connectionFactory = connectionFactory;
	}

	/**
	 * Opens a pub/sub connection of the limits' own through the factory's Redis client
	 * (so with its URI, credentials, TLS and client options), on which they hear of
	 * leases released by other instances.
	 * @return the connection, which the limits close
	 * @throws IllegalStateException when the factory's client is not a single Redis
	 * server's (Redis Cluster): the limits then poll
	 */
	StatefulRedisPubSubConnection<byte[], byte[]> connectPubSub() {
		if (this.connectionFactory.getNativeClient() instanceof RedisClient client) {
			return client.connectPubSub(ByteArrayCodec.INSTANCE);
		}
		throw new IllegalStateException("The application's Redis client is not a single Redis server's");
	}

	@Override
	@SuppressWarnings("unchecked")
	public StatefulRedisConnection<byte[], byte[]> get() {
		LettuceConnection connection = (LettuceConnection) this.connectionFactory.getConnection();
		Object commands = connection.getNativeConnection();
		if (commands instanceof RedisAsyncCommands<?, ?> async) {
			return ((RedisAsyncCommands<byte[], byte[]>) async).getStatefulConnection();
		}
		throw new IllegalStateException("The application's Redis connection (" + commands.getClass().getName()
				+ ") is not a single Redis server's: set llm.client.cluster.redis.url for the LLM client's "
				+ "cluster-wide limits");
	}

}
