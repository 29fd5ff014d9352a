package dev.llmclient.cluster;

import java.time.Duration;

import io.lettuce.core.RedisClient;
import io.lettuce.core.codec.ByteArrayCodec;

/**
 * An application instance for {@link ClusterLimitsTests}, run in a JVM of its own: takes
 * the given number of cluster permits, says {@code HOLDING}, and holds them (renewing
 * their leases) until it is killed.
 */
public final class LeaseHolder {

	private LeaseHolder() {
	}

	public static void main(String[] args) throws Exception {
		String url = args[0];
		int permits = Integer.parseInt(args[1]);
		Duration ttl = Duration.parse(args[2]);
		RedisClient client = RedisClient.create(url);
		ClusterSettings settings = ClusterSettings.DEFAULTS.withMaxConcurrent(permits)
			.withLeaseTtl(ttl)
			.withCommandTimeout(ttl.dividedBy(3));
		ClusterLimits limits = new ClusterLimits(settings, RedisFixture.CLIENT,
				() -> client.connect(ByteArrayCodec.INSTANCE), () -> client.connectPubSub(ByteArrayCodec.INSTANCE),
				null, Duration.ofMinutes(1), ClusterLimits.FALLBACK_POLL);
		var limiter = limits.limiter(new RedisFixture.LocalLimiter(permits), null);
		for (int i = 0; i < permits; i++) {
			if (limiter.tryAcquire(Duration.ofSeconds(10)) == null) {
				throw new IllegalStateException("No permit");
			}
		}
		System.out.println("HOLDING");
		System.out.flush();
		Thread.sleep(Long.MAX_VALUE);
	}

}
