package dev.llmclient.sample;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import dev.llmclient.LlmClient;

/**
 * {@code POST /api/embed}: texts in, one vector per text out, in order. The client sends
 * them in requests of {@code llm.client.embedding-batch-size} texts, side by side within
 * {@code llm.client.max-concurrent}. Failures are answered by
 * {@link ApiExceptionHandler}: any failed request fails the whole call. Requests above
 * {@code sample.embed.max-texts} texts, or with a text longer than
 * {@code sample.prompt.max-chars}, are refused with 400.
 */
@RestController
class EmbedController {

	private final LlmClient llmClient;

	private final int maxTexts;

	private final int maxChars;

	EmbedController(LlmClient llmClient, @Value("${sample.embed.max-texts:10000}") int maxTexts,
			@Value("${sample.prompt.max-chars:100000}") int maxChars) {
		this.llmClient = llmClient;
		this.maxTexts = maxTexts;
		this.maxChars = maxChars;
	}

	@PostMapping("/api/embed")
	EmbedResponse embed(@RequestBody EmbedRequest request) {
		return EmbedResponse.from(this.llmClient.embed(request.toEmbeddingRequest(this.maxTexts, this.maxChars)));
	}

}
