package dev.llmclient.sample;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import dev.llmclient.batch.LlmBatchService;

/**
 * {@code POST /api/batch}: many prompts in, one result per prompt out, in order. The
 * batch runs at most {@code llm.client.max-concurrent} prompts at once; a failing prompt
 * is reported in its result and never fails the request. Requests above
 * {@code sample.batch.max-prompts} prompts, or with a prompt longer than
 * {@code sample.prompt.max-chars}, are refused with 400.
 */
@RestController
class BatchController {

	private final LlmBatchService batchService;

	private final int maxPrompts;

	private final int maxPromptChars;

	BatchController(LlmBatchService batchService, @Value("${sample.batch.max-prompts:1000}") int maxPrompts,
			@Value("${sample.prompt.max-chars:100000}") int maxPromptChars) {
		this.batchService = batchService;
		this.maxPrompts = maxPrompts;
		this.maxPromptChars = maxPromptChars;
	}

	@PostMapping("/api/batch")
	BatchResponse batch(@RequestBody BatchRequest request) {
		return BatchResponse
			.from(this.batchService.generateAll(request.checkedPrompts(this.maxPrompts, this.maxPromptChars)));
	}

}
