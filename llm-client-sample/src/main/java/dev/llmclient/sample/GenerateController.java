package dev.llmclient.sample;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import dev.llmclient.LlmClient;

/**
 * {@code POST /api/generate}: one prompt in, the LLM's answer out. Failures are answered
 * by {@link ApiExceptionHandler}.
 */
@RestController
class GenerateController {

	private final LlmClient llmClient;

	private final int maxPromptChars;

	GenerateController(LlmClient llmClient, @Value("${sample.prompt.max-chars:100000}") int maxPromptChars) {
		this.llmClient = llmClient;
		this.maxPromptChars = maxPromptChars;
	}

	@PostMapping("/api/generate")
	GenerateResponse generate(@RequestBody GenerateRequest request) {
		return GenerateResponse.from(this.llmClient.chat(request.toChatRequest(this.maxPromptChars)));
	}

}
