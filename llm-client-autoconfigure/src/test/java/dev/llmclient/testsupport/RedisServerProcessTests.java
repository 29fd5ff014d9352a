package dev.llmclient.testsupport;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Redis the cluster tests rely on starts, goes away when stopped, and comes back on
 * the same port.
 */
class RedisServerProcessTests {

	@Test
	void startsStopsAndRestartsOnTheSamePort() {
		try (RedisServerProcess redis = RedisServerProcess.start()) {
			assertThat(redis.answersPing()).isTrue();
			assertThat(redis.url()).isEqualTo("redis://127.0.0.1:" + redis.port());
			redis.stop();
			assertThat(redis.answersPing()).isFalse();
			redis.restart();
			assertThat(redis.answersPing()).isTrue();
		}
	}

}
