package dev.llmclient.sample;

import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import dev.llmclient.ChatRequest;
import dev.llmclient.LlmClient;
import dev.llmclient.ToolLoop;

/**
 * {@code POST /api/agent}: a prompt in; the model may call the sample's tools (adding two
 * numbers, the current time in a zone) through a {@link ToolLoop}; its final answer and
 * every tool call out.
 */
@RestController
class AgentController {

	private final ToolLoop loop;

	AgentController(LlmClient llmClient) {
		this.loop = ToolLoop.builder(llmClient)
			.tool("add", "Adds two integers", Addends.class, (addends) -> addends.a() + addends.b())
			.tool("current_time", "The current date and time in an IANA time zone", Zone.class,
					(zone) -> ZonedDateTime.now(ZoneId.of(zone.zone())).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME))
			.maxRounds(4)
			.build();
	}

	@PostMapping("/api/agent")
	AgentResponse agent(@RequestBody AgentRequest request) {
		ToolLoop.Result result = this.loop.run(ChatRequest.of(request.requiredPrompt()));
		List<AgentResponse.ToolCallResult> calls = result.executions()
			.stream()
			.map((execution) -> new AgentResponse.ToolCallResult(execution.call().name(), execution.call().arguments(),
					execution.result(), execution.error()))
			.toList();
		return new AgentResponse(result.response().content(), calls);
	}

	/**
	 * Arguments of {@code add}.
	 *
	 * @param a the first number
	 * @param b the second number
	 */
	record Addends(long a, long b) {
	}

	/**
	 * Arguments of {@code current_time}.
	 *
	 * @param zone the zone
	 */
	record Zone(@JsonPropertyDescription("IANA time zone, such as Europe/Paris or UTC") String zone) {
	}

	/**
	 * Body of {@code POST /api/agent}.
	 *
	 * @param prompt the user's text, required
	 */
	record AgentRequest(String prompt) {

		String requiredPrompt() {
			if (this.prompt == null || this.prompt.isBlank()) {
				throw new IllegalArgumentException("Field 'prompt' is required and must not be blank");
			}
			return this.prompt;
		}

	}

	/**
	 * Answer of {@code POST /api/agent}.
	 *
	 * @param text the model's final answer
	 * @param toolCalls the tool calls run, in order
	 */
	record AgentResponse(String text, List<ToolCallResult> toolCalls) {

		/**
		 * One tool call.
		 *
		 * @param name the tool
		 * @param arguments the arguments as the model wrote them (JSON text)
		 * @param result what was sent back to the model
		 * @param error whether the call failed (then {@code result} holds the error)
		 */
		record ToolCallResult(String name, String arguments, String result, boolean error) {
		}

	}

}
