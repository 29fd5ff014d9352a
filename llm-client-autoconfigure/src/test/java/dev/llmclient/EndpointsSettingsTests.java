package dev.llmclient;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.llmclient.EndpointSettings;
import dev.llmclient.RoutingSettings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Several endpoints in the settings: each checked and named by its index, never together
 * with {@code endpoint}, and each turned into settings of its own.
 */
class EndpointsSettingsTests {

	private static LlmClientBuilder builder() {
		return LlmClient.builder().propertyPrefix("llm.client.");
	}

	@Test
	void endpointAndEndpointsTogetherAreRefusedNamingBoth() {
		assertThatExceptionOfType(LlmClientSettingException.class)
			.isThrownBy(() -> builder().endpoint("http://a:1/v1")
				.endpoints(List.of(EndpointSettings.of("http://b:2/v1")))
				.settings())
			.satisfies((ex) -> assertThat(ex.setting()).isEqualTo("endpoints"))
			.withMessageContaining("endpoint (http://a:1/v1)")
			.withMessageContaining("endpoints[0].url");
	}

	@Test
	void eachEndpointIsCheckedAndNamedByItsIndex() {
		assertThatExceptionOfType(LlmClientSettingException.class)
			.isThrownBy(() -> builder()
				.endpoints(List.of(EndpointSettings.of("http://a:1/v1"), EndpointSettings.of("ftp://b:2/v1")))
				.settings())
			.satisfies((ex) -> assertThat(ex.setting()).isEqualTo("endpoints[1].url"));
		assertThatExceptionOfType(LlmClientSettingException.class)
			.isThrownBy(() -> builder().endpoints(List.of(EndpointSettings.of(" "))).settings())
			.satisfies((ex) -> assertThat(ex.setting()).isEqualTo("endpoints[0].url"))
			.withMessageContaining("is required");
		assertThatExceptionOfType(LlmClientSettingException.class)
			.isThrownBy(
					() -> builder().endpoints(List.of(EndpointSettings.of("http://a:1/v1").withWeight(0))).settings())
			.satisfies((ex) -> assertThat(ex.setting()).isEqualTo("endpoints[0].weight"));
		assertThatExceptionOfType(LlmClientSettingException.class)
			.isThrownBy(() -> builder().limits((limits) -> limits.withMaxConcurrent(4))
				.endpoints(List.of(EndpointSettings.of("http://a:1/v1"),
						EndpointSettings.of("http://b:1/v1").withMaxConcurrent(5)))
				.settings())
			.satisfies((ex) -> assertThat(ex.setting()).isEqualTo("endpoints[1].max-concurrent"))
			.withMessageContaining("max-concurrent (4)");
	}

	@Test
	void endpointBudgetsAreCheckedAndNamedByTheirIndex() {
		assertThatExceptionOfType(LlmClientSettingException.class)
			.isThrownBy(() -> builder().endpoints(List.of(EndpointSettings.of("http://a:1/v1"),
					EndpointSettings.of("http://b:1/v1").withRequestsPerMinute(0L)))
				.settings())
			.satisfies((ex) -> assertThat(ex.setting()).isEqualTo("endpoints[1].rate-limit.requests-per-minute"))
			.withMessageContaining("at least 1");
		assertThatExceptionOfType(LlmClientSettingException.class)
			.isThrownBy(() -> builder().endpoints(List.of(EndpointSettings.of("http://a:1/v1").withTokensPerMinute(-5L),
					EndpointSettings.of("http://b:1/v1")))
				.settings())
			.satisfies((ex) -> assertThat(ex.setting()).isEqualTo("endpoints[0].rate-limit.tokens-per-minute"));
		assertThatExceptionOfType(LlmClientSettingException.class)
			.isThrownBy(
					() -> builder().endpoints(List.of(EndpointSettings.of("http://a:1/v1").withRequestsPerMinute(100L)))
						.settings())
			.satisfies((ex) -> assertThat(ex.setting()).isEqualTo("endpoints[0].rate-limit.requests-per-minute"))
			.withMessageContaining("set rate-limit.requests-per-minute instead");
		LlmClientSettings settings = builder()
			.endpoints(List.of(EndpointSettings.of("http://a:1/v1").withRequestsPerMinute(100L),
					EndpointSettings.of("http://b:1/v1").withTokensPerMinute(40_000L)))
			.settings();
		assertThat(settings.endpoints()).extracting(EndpointSettings::requestsPerMinute).containsExactly(100L, null);
		assertThat(settings.endpoints()).extracting(EndpointSettings::tokensPerMinute).containsExactly(null, 40_000L);
	}

	@Test
	void eachEndpointAdaptsItsOwnLimitWithinItsMaxConcurrent() {
		LlmClientSettings settings = builder().limits((limits) -> limits.withMaxConcurrent(16))
			.adaptive((adaptive) -> adaptive.withEnabled(true).withMinConcurrent(4))
			.endpoints(List.of(EndpointSettings.of("http://a:1/v1").withMaxConcurrent(2),
					EndpointSettings.of("http://b:1/v1")))
			.settings();
		assertThat(settings.perEndpoint()).extracting((endpoint) -> endpoint.adaptive().minConcurrent())
			.containsExactly(2, 4);
		assertThat(settings.perEndpoint()).extracting((endpoint) -> endpoint.limits().maxConcurrent())
			.containsExactly(2, 16);
		assertThat(settings.perEndpoint()).allSatisfy((endpoint) -> assertThat(endpoint.adaptive().enabled()).isTrue());
	}

	@Test
	void routingIsChecked() {
		assertThatExceptionOfType(LlmClientSettingException.class)
			.isThrownBy(() -> RoutingSettings.DEFAULTS.withCooldown(Duration.ZERO))
			.satisfies((ex) -> assertThat(ex.setting()).isEqualTo("routing.cooldown"));
		assertThatExceptionOfType(LlmClientSettingException.class)
			.isThrownBy(() -> RoutingSettings.DEFAULTS.withLatencyTolerance(-0.1))
			.satisfies((ex) -> assertThat(ex.setting()).isEqualTo("routing.latency-tolerance"));
		assertThatExceptionOfType(LlmClientSettingException.class)
			.isThrownBy(() -> RoutingSettings.DEFAULTS.withCooldownAfterFailures(0))
			.satisfies((ex) -> assertThat(ex.setting()).isEqualTo("routing.cooldown-after-failures"));
		assertThat(RoutingSettings.DEFAULTS.strategy()).isEqualTo(RoutingSettings.Strategy.LEAST_BUSY);
		assertThat(RoutingSettings.DEFAULTS.cooldown()).hasSeconds(5);
		assertThat(RoutingSettings.DEFAULTS.cooldownAfterFailures()).isEqualTo(3);
		assertThatExceptionOfType(LlmClientSettingException.class)
			.isThrownBy(() -> RoutingSettings.DEFAULTS.withLoadSlack(Double.NaN))
			.satisfies((ex) -> assertThat(ex.setting()).isEqualTo("routing.cache-affinity.load-slack"));
		assertThat(RoutingSettings.DEFAULTS.loadSlack()).isEqualTo(0.35);
	}

	@Test
	void eachEndpointGetsSettingsOfItsOwnWithTheClientsValuesWhereItSetsNone() {
		LlmClientSettings settings = builder().apiKey("client-key")
			.model("client-model")
			.limits((limits) -> limits.withMaxConcurrent(8))
			.endpoints(List.of(EndpointSettings.of("http://a:1/v1/"),
					EndpointSettings.of("http://b:2/v1").withApiKey("b-key").withModel("b-model").withMaxConcurrent(3)))
			.settings();
		assertThat(settings.endpoint()).isNull();
		assertThat(settings.displayEndpoint()).isEqualTo("[http://a:1/v1, http://b:2/v1]");
		List<LlmClientSettings> each = settings.perEndpoint();
		assertThat(each).extracting(LlmClientSettings::displayEndpoint)
			.containsExactly("http://a:1/v1", "http://b:2/v1");
		assertThat(each).extracting(LlmClientSettings::apiKey).containsExactly("client-key", "b-key");
		assertThat(each).extracting(LlmClientSettings::model).containsExactly("client-model", "b-model");
		assertThat(each).extracting((one) -> one.limits().maxConcurrent()).containsExactly(8, 3);
		assertThat(each).allSatisfy((one) -> assertThat(one.endpoints()).isEmpty());
	}

	@Test
	void oneEndpointIsItsOwnOnlyEndpoint() {
		LlmClientSettings settings = builder().endpoint("http://a:1/v1").settings();
		assertThat(settings.endpoints()).isEmpty();
		assertThat(settings.perEndpoint()).containsExactly(settings);
	}

	@Test
	void toStringNeverShowsAnEndpointsKey() {
		LlmClientSettings settings = builder()
			.endpoints(List.of(EndpointSettings.of("http://a:1/v1").withApiKey("sk-endpoint-secret-0123"),
					EndpointSettings.of("http://b:1/v1")))
			.settings();
		assertThat(settings.toString()).contains("apiKey=******").doesNotContain("sk-endpoint-secret-0123");
	}

}
