package dev.llmclient.sample;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.client.RestTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample traces its requests: the LLM call is a span of the request's trace, its HTTP
 * attempt a child, and the ids and the span's tags are in the log.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "server.address=127.0.0.1")
@AutoConfigureRestTestClient
@ExtendWith(OutputCaptureExtension.class)
class SampleTracingTests {

	private static final Pattern CALL_SPAN = Pattern
		.compile("span 'chat echo' trace=([0-9a-f]{32}) span=([0-9a-f]{16}) parent=([0-9a-f]{16})");

	@Autowired
	private RestTestClient client;

	@Test
	void theLlmCallIsASpanOfTheRequestsTraceWithItsAttemptAsChild(CapturedOutput output) {
		this.client.post()
			.uri("/api/generate")
			.contentType(MediaType.APPLICATION_JSON)
			.body("{\"prompt\": \"hello\", \"model\": \"echo\"}")
			.exchange()
			.expectStatus()
			.isOk();
		Matcher call = CALL_SPAN.matcher(output.getOut());
		assertThat(call.find()).as("the call's span in the log:%n%s", output.getOut()).isTrue();
		String traceId = call.group(1);
		String spanId = call.group(2);
		assertThat(output.getOut())
			.containsPattern("span 'http post' trace=" + traceId + " span=[0-9a-f]{16} parent=" + spanId)
			.containsPattern("trace=" + traceId + " span=" + call.group(3) + " parent=null");
		assertThat(output.getOut()).as("the call's tags, as key=value")
			.containsPattern("span 'chat echo' trace=" + traceId + " .* tags=\\{.*gen_ai\\.operation\\.name=chat.*}")
			.doesNotContain("UnsafeArray");
	}

}
