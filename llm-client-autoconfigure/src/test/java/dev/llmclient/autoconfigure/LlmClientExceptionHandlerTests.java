package dev.llmclient.autoconfigure;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

import dev.llmclient.ChatMessage;
import dev.llmclient.LlmClientException;
import dev.llmclient.LlmToolLoopException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the handler logs: a failure the application cannot fix by itself at WARN with its
 * message, and a stack trace only for the application's own fault.
 */
@ExtendWith(OutputCaptureExtension.class)
class LlmClientExceptionHandlerTests {

	@Test
	void toolLoopPastItsRoundsIsABadGatewayLoggedWithoutAStackTrace(CapturedOutput output) {
		LlmToolLoopException loop = new LlmToolLoopException("The model still asked for tools after 5 rounds",
				List.of(), List.of(ChatMessage.user("What's the weather?")));
		ResponseEntity<ProblemDetail> response = new LlmClientExceptionHandler(false).llmCallFailed(loop);
		assertThat(response.getStatusCode().value()).isEqualTo(502);
		assertThat(response.getBody().getProperties()).containsEntry("errorType", "tool_loop");
		assertThat(output).contains("WARN", "LLM call failed (tool_loop), answered 502: The model still asked")
			.doesNotContain("ERROR", "\tat ");
	}

	@Test
	void interruptedCallIsTheApplicationsOwnFaultLoggedWithItsStackTrace(CapturedOutput output) {
		ResponseEntity<ProblemDetail> response = new LlmClientExceptionHandler(false)
			.llmCallFailed(new LlmClientException("Stream stopped: the thread reading it was interrupted"));
		assertThat(response.getStatusCode().value()).isEqualTo(500);
		assertThat(output).contains("ERROR", "LLM call failed (other), answered 500", "\tat ");
	}

}
