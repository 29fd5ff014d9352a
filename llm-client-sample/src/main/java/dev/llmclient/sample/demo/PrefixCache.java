package dev.llmclient.sample.demo;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The prompt prefixes one demo backend has seen, as a server's prefix cache keeps them
 * (vLLM's automatic prefix caching): the leading system message of each request, up to a
 * number of prefixes with the least recently used evicted, as a replica's KV cache holds
 * only so much. A request whose prefix is held has its tokens reported as
 * {@code usage.prompt_tokens_details.cached_tokens}. Each replica has its own, so whether
 * a request hits depends on the replica it is routed to; a replica started again starts
 * empty.
 */
final class PrefixCache {

	/** Prefixes held when {@code sample.demo.prefix-cache-size} is not set. */
	static final int DEFAULT_SIZE = 20;

	private final Map<String, Boolean> prefixes;

	PrefixCache(int size) {
		if (size < 0) {
			throw new IllegalArgumentException(
					"sample.demo.prefix-cache-size must be 0 (no cache) or more, was " + size);
		}
		this.prefixes = new LinkedHashMap<>(16, 0.75f, true) {
			private static final long serialVersionUID = 1L;

			@Override
			protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
				return size() > size;
			}
		};
	}

	/**
	 * Looks a prefix up and keeps it as the most recently used.
	 * @param prefix the leading system message, or {@code null} for none
	 * @param tokens its tokens
	 * @return {@code tokens} when the prefix was held, else 0
	 */
	synchronized int cachedTokens(String prefix, int tokens) {
		if (prefix == null || prefix.isEmpty()) {
			return 0;
		}
		return (this.prefixes.put(prefix, Boolean.TRUE) != null) ? tokens : 0;
	}

}
