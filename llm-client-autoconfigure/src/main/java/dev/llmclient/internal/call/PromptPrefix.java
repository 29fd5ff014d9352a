package dev.llmclient.internal.call;

import java.nio.charset.StandardCharsets;

import dev.llmclient.ChatMessage;
import dev.llmclient.ChatRequest;
import dev.llmclient.ContentPart;

/**
 * What tells apart the prompt prefixes a server may have cached, as a 64-bit hash for
 * {@code cache-affinity} routing: the request's {@code prompt_cache_key} when it sets
 * one, else its leading system (or developer) message. Prefix caches (vLLM's automatic
 * prefix caching, SGLang's radix tree, OpenAI's prompt caching) reuse the work done for
 * the longest prompt prefix seen before, and the leading system message is the part
 * requests of one application share; the user's messages that follow differ from call to
 * call, so hashing them would scatter requests that share a prefix. The same text hashes
 * the same in every JVM, so several instances of an application send a prefix to the same
 * endpoint.
 */
public final class PromptPrefix {

	/** The hash of a request that has neither a cache key nor a system message. */
	public static final long NONE = 0;

	private static final long FNV_OFFSET = 0xcbf29ce484222325L;

	private static final long FNV_PRIME = 0x100000001b3L;

	private PromptPrefix() {
	}

	/**
	 * The hash of the request's prefix.
	 * @param request the request
	 * @return its hash, never {@link #NONE} when it has a cache key or a leading system
	 * message; {@link #NONE} when it has neither
	 */
	public static long of(ChatRequest request) {
		if (request.promptCacheKey() != null) {
			return hash("key:" + request.promptCacheKey());
		}
		ChatMessage first = request.messages().get(0);
		if (!"system".equals(first.role()) && !"developer".equals(first.role())) {
			return NONE;
		}
		String text = text(first);
		return (text != null && !text.isEmpty()) ? hash("system:" + text) : NONE;
	}

	private static String text(ChatMessage message) {
		if (message.parts() == null) {
			return message.content();
		}
		StringBuilder text = new StringBuilder();
		for (ContentPart part : message.parts()) {
			if (part instanceof ContentPart.Text piece) {
				text.append(piece.text()).append('\n');
			}
		}
		return text.toString();
	}

	/**
	 * A well-mixed 64-bit hash of the text's UTF-8 bytes, the same in every JVM: FNV-1a,
	 * then a final avalanche so that nearby texts land far apart on a hash ring.
	 * @param text the text
	 * @return its hash, never {@link #NONE}
	 */
	public static long hash(String text) {
		long hash = FNV_OFFSET;
		for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
			hash ^= (b & 0xff);
			hash *= FNV_PRIME;
		}
		hash ^= hash >>> 33;
		hash *= 0xff51afd7ed558ccdL;
		hash ^= hash >>> 33;
		hash *= 0xc4ceb9fe1a85ec53L;
		hash ^= hash >>> 33;
		return (hash != NONE) ? hash : 1;
	}

}
