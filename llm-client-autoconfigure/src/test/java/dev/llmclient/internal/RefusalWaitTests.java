package dev.llmclient.internal;

import java.time.Duration;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.llmclient.LlmClient;
import dev.llmclient.LlmClientBuilder;
import dev.llmclient.LlmHttpException;
import dev.llmclient.testsupport.CannedBodies;
import dev.llmclient.testsupport.LoopbackWireMock;
import dev.llmclient.testsupport.TestClients;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A 429 is waited out without spending one of {@code retry.max-attempts}, within
 * {@code max-wait}: for what it asks ({@code Retry-After}, {@code retry-after-ms}), or a
 * backoff when it is bare; one saying the account's quota is spent is not retried.
 */
class RefusalWaitTests {

	private static final String PATH = "/v1/chat/completions";

	@RegisterExtension
	static WireMockExtension server = LoopbackWireMock.extension();

	private LlmClient client;

	@AfterEach
	void close() {
		if (this.client != null) {
			this.client.close();
		}
	}

	@ParameterizedTest(name = "adaptive={0}")
	@ValueSource(booleans = { false, true })
	void refusalThatSaysWhenToComeBackSpendsNoAttempt(boolean adaptive) {
		refuseTwiceThenAnswer(refused().withHeader("retry-after-ms", "20"));
		this.client = builder(adaptive).retry((retry) -> retry.withMaxAttempts(1)).build();
		assertThat(this.client.generate("Hi")).isEqualTo("ok");
		server.verify(3, postRequestedFor(urlEqualTo(PATH)));
	}

	@ParameterizedTest(name = "adaptive={0}")
	@ValueSource(booleans = { false, true })
	void bareRefusalSpendsNoAttemptEither(boolean adaptive) {
		refuseTwiceThenAnswer(refused());
		this.client = builder(adaptive).retry((retry) -> retry.withMaxAttempts(1)).build();
		assertThat(this.client.generate("Hi")).isEqualTo("ok");
		server.verify(3, postRequestedFor(urlEqualTo(PATH)));
	}

	@Test
	void refusalForASpentQuotaIsNotRetried() {
		server.stubFor(post(PATH).willReturn(aResponse().withStatus(429)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"error\":{\"message\":\"You exceeded your current quota\",\"type\":\"insufficient_quota\","
					+ "\"code\":\"insufficient_quota\"}}")));
		this.client = builder(false).retry((retry) -> retry.withMaxAttempts(3)).build();
		assertThatExceptionOfType(LlmHttpException.class).isThrownBy(() -> this.client.generate("Hi"))
			.satisfies((ex) -> assertThat(ex.isRetryable()).isFalse());
		server.verify(1, postRequestedFor(urlEqualTo(PATH)));
	}

	@ParameterizedTest(name = "adaptive={0}")
	@ValueSource(booleans = { false, true })
	void refusalsWaitedOutCountAgainstMaxWaitEachAsAtLeastASecond(boolean adaptive) {
		server.stubFor(post(PATH).willReturn(refused().withHeader("retry-after-ms", "10")));
		this.client = builder(adaptive).limits((limits) -> limits.withMaxWait(Duration.ofSeconds(2)))
			.retry((retry) -> retry.withMaxAttempts(2))
			.build();
		assertThatExceptionOfType(LlmHttpException.class).isThrownBy(() -> this.client.generate("Hi"))
			.satisfies((ex) -> assertThat(ex.statusCode()).isEqualTo(429));
		// two waited out within max-wait (2 × 1 s), then the two attempts of max-attempts
		server.verify(4, postRequestedFor(urlEqualTo(PATH)));
	}

	@Test
	void refusalWithoutMaxWaitSpendsAnAttempt() {
		server.stubFor(post(PATH).willReturn(refused().withHeader("retry-after-ms", "10")));
		this.client = builder(false).limits((limits) -> limits.withMaxWait(Duration.ZERO))
			.retry((retry) -> retry.withMaxAttempts(2))
			.build();
		assertThatExceptionOfType(LlmHttpException.class).isThrownBy(() -> this.client.generate("Hi"));
		server.verify(2, postRequestedFor(urlEqualTo(PATH)));
	}

	private LlmClientBuilder builder(boolean adaptive) {
		return TestClients.lazy(server.baseUrl() + "/v1")
			.retry(TestClients::fastBackoff)
			.adaptive((settings) -> settings.withEnabled(adaptive));
	}

	private static ResponseDefinitionBuilder refused() {
		return aResponse().withStatus(429)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"error\":{\"message\":\"Too many requests\",\"type\":\"rate_limit_exceeded\"}}");
	}

	private static void refuseTwiceThenAnswer(ResponseDefinitionBuilder refusal) {
		server.stubFor(post(PATH).inScenario("refused")
			.whenScenarioStateIs(Scenario.STARTED)
			.willReturn(refusal)
			.willSetStateTo("refused once"));
		server.stubFor(post(PATH).inScenario("refused")
			.whenScenarioStateIs("refused once")
			.willReturn(refusal)
			.willSetStateTo("refused twice"));
		server.stubFor(post(PATH).inScenario("refused")
			.whenScenarioStateIs("refused twice")
			.willReturn(okJson(CannedBodies.contentOnly("ok"))));
	}

}
