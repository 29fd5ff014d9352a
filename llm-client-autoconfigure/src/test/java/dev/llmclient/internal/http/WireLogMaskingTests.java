package dev.llmclient.internal.http;

import java.nio.charset.StandardCharsets;
import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

import dev.llmclient.ChatRequest;
import dev.llmclient.LlmClient;
import dev.llmclient.testsupport.CannedBodies;
import dev.llmclient.testsupport.LoopbackWireMock;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Apache HttpClient's DEBUG header and wire logs, as a user turns them on to see what
 * goes over the wire, show the {@code Authorization} header masked and never the API key,
 * while the server still receives the key.
 */
class WireLogMaskingTests {

	private static final String API_KEY = "sk-wirelog-9f8e7d6c5b4a";

	private static final String ANSWER = CannedBodies.completion("m", "Hi");

	@RegisterExtension
	static WireMockExtension server = LoopbackWireMock.extension();

	/** The parent of the header, wire and exec chain loggers. */
	private final Logger httpClientLogger = (Logger) LoggerFactory.getLogger("org.apache.hc.client5.http");

	private final ListAppender<ILoggingEvent> log = new ListAppender<>();

	private Level savedLevel;

	@BeforeEach
	void captureHttpClientDebugLog() {
		this.savedLevel = this.httpClientLogger.getLevel();
		this.httpClientLogger.setLevel(Level.DEBUG);
		this.log.start();
		this.httpClientLogger.addAppender(this.log);
	}

	@AfterEach
	void restoreLogging() {
		this.httpClientLogger.detachAppender(this.log);
		this.httpClientLogger.setLevel(this.savedLevel);
	}

	@Test
	void debugHeaderAndWireLogsShowTheAuthorizationHeaderMaskedWhileTheServerGetsTheKey() {
		server.stubFor(post("/v1/chat/completions").willReturn(okJson(ANSWER)));
		try (LlmClient client = LlmClient.builder()
			.endpoint(server.baseUrl() + "/v1")
			.apiKey(API_KEY)
			.model("m")
			.lifecycle((lifecycle) -> lifecycle.withEagerInit(false))
			.build()) {
			client.chat(ChatRequest.builder().user("Hi").build());
		}

		server.verify(postRequestedFor(urlEqualTo("/v1/chat/completions")).withHeader("Authorization",
				equalTo("Bearer " + API_KEY)));
		assertThat(messagesOf("org.apache.hc.client5.http.headers"))
			.anyMatch((message) -> message.endsWith(" >> Authorization: Bearer ***"))
			.anyMatch((message) -> message.endsWith(" >> Content-Type: application/json"));
		assertThat(messagesOf("org.apache.hc.client5.http.wire"))
			.anyMatch((message) -> message.endsWith(" >> \"Authorization: Bearer ***[\\r][\\n]\""))
			.anyMatch((message) -> message.endsWith(" >> \"Content-Type: application/json[\\r][\\n]\""));
		assertThat(this.log.list).as("exec chain logs are captured too")
			.anyMatch((event) -> event.getLoggerName().startsWith("org.apache.hc.client5.http.impl.classic"));
		assertThat(this.log.list).noneMatch((event) -> event.getFormattedMessage().contains(API_KEY));
	}

	@Test
	void wireLogHidesTheKeyWhereverAWriteSplitsTheHeader() {
		byte[] head = ("POST /v1/chat/completions HTTP/1.1\r\nAuthorization: Bearer " + API_KEY
				+ "\r\nContent-Type: application/json\r\n\r\n")
			.getBytes(StandardCharsets.US_ASCII);
		for (int split = 0; split <= head.length; split++) {
			this.log.list.clear();
			MaskingWireLog wire = new MaskingWireLog("test-0", ">>");
			wire.log(head, 0, split);
			wire.log(head, split, head.length - split);
			String logged = String.join("\n", messagesOf("org.apache.hc.client5.http.wire"));
			for (int i = "sk-".length(); i + 3 <= API_KEY.length(); i++) {
				assertThat(logged).as("split at %d", split).doesNotContain(API_KEY.substring(i, i + 3));
			}
		}
	}

	@Test
	void wireLogMasksAValueWithoutASchemeWhole() {
		new MaskingWireLog("test-0", ">>").log("authorization:  sk-raw\r\n".getBytes(StandardCharsets.US_ASCII), 0, 24);
		assertThat(messagesOf("org.apache.hc.client5.http.wire"))
			.containsExactly("test-0 >> \"authorization:  ***[\\r][\\n]\"");
	}

	private List<String> messagesOf(String loggerName) {
		return this.log.list.stream()
			.filter((event) -> event.getLoggerName().equals(loggerName))
			.map(ILoggingEvent::getFormattedMessage)
			.toList();
	}

}
