package dev.llmclient.autoconfigure;

import java.util.function.Supplier;

import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;

import org.springframework.data.redis.connection.lettuce.LettuceConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The application's Redis connection, from Spring Data Redis's Lettuce connection factory
 * ({@code spring.data.redis.*}): its native connection, which the factory shares with the
 * application's own Redis operations and keeps open. Redis Cluster and pooled connections
 * are not used: the limits then need {@code llm.client.cluster.redis.url}.
 */
final class ApplicationRedis implements Supplier<StatefulRedisConnection<byte[], byte[]>> {

	private final LettuceConnectionFactory connectionFactory;

	ApplicationRedis(LettuceConnectionFactory connectionFactory) {
		this.connectionFactory = connectionFactory;
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
