package dev.llmclient.sample;

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

	GenerateController(LlmClient llmClient) {
		this.llmClient = llmClient;
	}

	@PostMapping("/api/generate")
	GenerateResponse generate(@RequestBody GenerateRequest request) {
		return GenerateResponse.from(this.llmClient.chat(request.toChatRequest()));
	}

}
