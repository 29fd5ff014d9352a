package dev.llmclient;

/**
 * Token counts reported by the server for one call, or summed over several.
 * <p>
 * The three counts every OpenAI-compatible server reports are plain numbers. The details
 * only some servers report are {@code null} when unknown, never a made-up zero: a server
 * that says nothing of its prompt cache has not served zero tokens from it.
 * <ul>
 * <li>{@code cachedInputTokens}: prompt tokens served from the server's prompt cache,
 * read from {@code usage.prompt_tokens_details.cached_tokens} (OpenAI, Azure OpenAI,
 * vLLM, xAI, OpenRouter), else from {@code usage.prompt_cache_hit_tokens}
 * (DeepSeek);</li>
 * <li>{@code cacheWriteInputTokens}: prompt tokens written to the cache, which some
 * providers bill at a premium, read from
 * {@code usage.prompt_tokens_details.cache_write_tokens} (OpenRouter), else from
 * {@code usage.cache_creation_input_tokens} (Anthropic's field, as proxies such as
 * LiteLLM pass it on); OpenAI bills no cache write and reports none;</li>
 * <li>{@code reasoningTokens}: output tokens spent on reasoning before the answer, read
 * from {@code usage.completion_tokens_details.reasoning_tokens}.</li>
 * </ul>
 * Cached and cache-write tokens are part of {@code inputTokens}, reasoning tokens part of
 * {@code outputTokens}, as the servers count them.
 *
 * @param inputTokens tokens in the prompt ({@code prompt_tokens})
 * @param outputTokens tokens in the answer ({@code completion_tokens})
 * @param totalTokens both together ({@code total_tokens})
 * @param cachedInputTokens prompt tokens served from the prompt cache, or {@code null}
 * when the server did not say
 * @param cacheWriteInputTokens prompt tokens written to the prompt cache, or {@code null}
 * when the server did not say
 * @param reasoningTokens output tokens spent on reasoning, or {@code null} when the
 * server did not say
 * @since 0.1.0
 */
public record Usage(int inputTokens, int outputTokens, int totalTokens, Integer cachedInputTokens,
		Integer cacheWriteInputTokens, Integer reasoningTokens) {

	/**
	 * Creates the usage of a call whose server reported no details.
	 * @param inputTokens tokens in the prompt
	 * @param outputTokens tokens in the answer
	 * @param totalTokens both together
	 */
	public Usage(int inputTokens, int outputTokens, int totalTokens) {
		this(inputTokens, outputTokens, totalTokens, null, null, null);
	}

	/**
	 * Returns the prompt tokens not served from the cache: all of them when the server
	 * did not report cached tokens.
	 * @return the uncached prompt tokens, never negative
	 * @since 0.1.0
	 */
	public int uncachedInputTokens() {
		return (this.cachedInputTokens != null) ? Math.max(0, this.inputTokens - this.cachedInputTokens)
				: this.inputTokens;
	}

	/**
	 * Returns this usage added to another, as the usage of several calls: the counts are
	 * added; a detail is the sum of the usages that report it, and stays {@code null}
	 * when neither does.
	 * @param other the other usage, or {@code null} for none (this usage is returned)
	 * @return the sum
	 * @since 0.1.0
	 */
	public Usage plus(Usage other) {
		if (other == null) {
			return this;
		}
		return new Usage(this.inputTokens + other.inputTokens, this.outputTokens + other.outputTokens,
				this.totalTokens + other.totalTokens, add(this.cachedInputTokens, other.cachedInputTokens),
				add(this.cacheWriteInputTokens, other.cacheWriteInputTokens),
				add(this.reasoningTokens, other.reasoningTokens));
	}

	/**
	 * Returns the usage of several calls, by the rule of {@link #plus}: calls without
	 * usage (failed, or answered by a server that reports none) count for nothing.
	 * @param usages the calls' usages, any of them {@code null}
	 * @return the sum, or {@code null} when no call reported usage
	 * @since 0.1.0
	 */
	public static Usage sum(Iterable<Usage> usages) {
		Usage sum = null;
		for (Usage usage : usages) {
			if (usage != null) {
				sum = (sum != null) ? sum.plus(usage) : usage;
			}
		}
		return sum;
	}

	private static Integer add(Integer a, Integer b) {
		if (a == null) {
			return b;
		}
		return (b != null) ? a + b : a;
	}

}
