package dev.llmclient.sample;

import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import dev.llmclient.ChatRequest;
import dev.llmclient.LlmClient;

/**
 * {@code POST /api/extract}: a text in, a {@link ContactCard} out, produced with
 * structured output. An answer that does not fit the record is a 502 like any other
 * trouble of the LLM server ({@link ApiExceptionHandler}).
 */
@RestController
class ExtractController {

	private final LlmClient llmClient;

	ExtractController(LlmClient llmClient) {
		this.llmClient = llmClient;
	}

	@PostMapping("/api/extract")
	ContactCard extract(@RequestBody ExtractRequest request) {
		ChatRequest chat = ChatRequest.builder()
			.system("Extract the contact card of the person the text is about.")
			.user(request.requiredText())
			.build();
		return this.llmClient.chat(chat, ContactCard.class);
	}

	/**
	 * Body of {@code POST /api/extract}.
	 *
	 * @param text the text to read, required
	 */
	record ExtractRequest(String text) {

		String requiredText() {
			if (this.text == null || this.text.isBlank()) {
				throw new IllegalArgumentException("Field 'text' is required and must not be blank");
			}
			return this.text;
		}

	}

}
