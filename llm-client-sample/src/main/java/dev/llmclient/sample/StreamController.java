package dev.llmclient.sample;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import dev.llmclient.LlmClient;
import dev.llmclient.web.LlmSseEmitters;

/**
 * {@code GET /api/stream?prompt=…} (or {@code POST /api/stream} with the JSON body of
 * {@code /api/generate}): answers {@code text/event-stream} through
 * {@link LlmSseEmitters}, forwarding each delta of the LLM's streamed answer as a
 * {@code {"content": …}} event as soon as it arrives, then {@code event: usage} and
 * {@code event: done}, or {@code event: error} when the LLM call fails, also mid-way. A
 * caller that goes away stops the LLM call.
 */
@RestController
class StreamController {

	private final LlmClient llmClient;

	private final int maxPromptChars;

	StreamController(LlmClient llmClient, @Value("${sample.prompt.max-chars:100000}") int maxPromptChars) {
		this.llmClient = llmClient;
		this.maxPromptChars = maxPromptChars;
	}

	@GetMapping("/api/stream")
	SseEmitter stream(@RequestParam(name = "prompt", required = false) String prompt) {
		return stream(new GenerateRequest(prompt, null, null, null));
	}

	/**
	 * The same stream for a body like that of {@code /api/generate}: a prompt too long
	 * for a URL fits, and a page can stop the stream by aborting its fetch.
	 * @param body the prompt and options
	 * @return the event stream
	 */
	@PostMapping("/api/stream")
	SseEmitter stream(@RequestBody GenerateRequest body) {
		return LlmSseEmitters.stream(this.llmClient, body.toChatRequest(this.maxPromptChars));
	}

}
