package dev.llmclient;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class LlmClientSettingsTests {

	private static final String ENDPOINT = "http://127.0.0.1:1/v1";

	private LlmClientBuilder builder() {
		return LlmClient.builder().endpoint(ENDPOINT);
	}

	@Test
	void defaultsLiveInOnePlacePerConcern() {
		LlmClientSettings settings = builder().settings();
		assertThat(settings.name()).isEqualTo("default");
		assertThat(settings.propertyPrefix()).isEmpty();
		assertThat(settings.connection()).isEqualTo(ConnectionSettings.DEFAULTS);
		assertThat(settings.limits()).isEqualTo(LimitsSettings.DEFAULTS);
		assertThat(settings.retry()).isEqualTo(RetrySettings.DEFAULTS);
		assertThat(settings.warmUp()).isEqualTo(WarmUpSettings.DEFAULTS);
		assertThat(settings.lifecycle()).isEqualTo(LifecycleSettings.DEFAULTS);
		assertThat(settings.health()).isEqualTo(HealthSettings.DEFAULTS);
		assertThat(settings.warmUpConnections()).isEqualTo(2);
	}

	@Test
	void checksThatSpanRecordsDoNotDependOnTheOrderOfChanges() {
		LlmClientSettings settings = builder().retry((retry) -> retry.withInitialBackoff(Duration.ofSeconds(10)))
			.retry((retry) -> retry.withMaxBackoff(Duration.ofSeconds(20)))
			.warmUp((warmUp) -> warmUp.withConnections(15))
			.limits((limits) -> limits.withMaxConcurrent(20))
			.settings();
		assertThat(settings.retry().initialBackoff()).hasSeconds(10);
		assertThat(settings.warmUpConnections()).isEqualTo(15);
		LlmClientSettings narrowed = new LlmClientSettings(settings.name(), settings.propertyPrefix(),
				settings.endpoint(), null, null, true, settings.connection(), settings.limits().withMaxConcurrent(1),
				settings.retry(), WarmUpSettings.DEFAULTS, settings.lifecycle(), settings.health(), settings.ssl(),
				settings.proxy(), settings.observations(), settings.adaptive(), settings.rateLimit(),
				settings.embeddings(), settings.endpoints(), settings.routing(), settings.chat(), settings.batchJobs());
		assertThat(narrowed.warmUpConnections()).as("the default follows max-concurrent down").isEqualTo(1);
	}

	@Test
	void checksThatSpanRecordsNameTheSetting() {
		assertThatExceptionOfType(LlmClientSettingException.class)
			.isThrownBy(() -> builder().retry((retry) -> retry.withMaxBackoff(Duration.ofMillis(100))).settings())
			.satisfies((ex) -> assertThat(ex.setting()).isEqualTo("retry.max-backoff"))
			.withMessageContaining("must not be shorter than retry.initial-backoff (PT0.5S)");
		assertThatExceptionOfType(LlmClientSettingException.class)
			.isThrownBy(() -> builder().limits((limits) -> limits.withMaxConcurrent(4))
				.warmUp((warmUp) -> warmUp.withConnections(5))
				.settings())
			.satisfies((ex) -> assertThat(ex.setting()).isEqualTo("warm-up.connections"))
			.withMessageContaining("between 1 and max-concurrent (4)");
	}

	@Test
	void everyRecordValidatesItselfNamingThePropertyPath() {
		assertThatExceptionOfType(LlmClientSettingException.class)
			.isThrownBy(() -> LimitsSettings.DEFAULTS.withMaxConcurrent(0))
			.satisfies((ex) -> assertThat(ex.setting()).isEqualTo("max-concurrent"))
			.withMessage("Invalid max-concurrent '0': must be at least 1");
		assertThatExceptionOfType(LlmClientSettingException.class)
			.isThrownBy(() -> RetrySettings.DEFAULTS.withMaxAttempts(0))
			.satisfies((ex) -> assertThat(ex.setting()).isEqualTo("retry.max-attempts"));
		assertThatExceptionOfType(LlmClientSettingException.class)
			.isThrownBy(() -> WarmUpSettings.DEFAULTS.withTimeout(Duration.ZERO))
			.satisfies((ex) -> assertThat(ex.setting()).isEqualTo("warm-up.timeout"));
		assertThatExceptionOfType(LlmClientSettingException.class)
			.isThrownBy(() -> WarmUpSettings.DEFAULTS.withRequests(-1))
			.satisfies((ex) -> assertThat(ex.setting()).isEqualTo("warm-up.requests"))
			.withMessage("Invalid warm-up.requests '-1': must be 0 (no warm-up requests) or more");
		assertThatExceptionOfType(LlmClientSettingException.class)
			.isThrownBy(() -> HealthSettings.DEFAULTS.withProbeTtl(Duration.ofSeconds(-1)))
			.satisfies((ex) -> assertThat(ex.setting()).isEqualTo("health.probe.ttl"));
		assertThatExceptionOfType(LlmClientSettingException.class)
			.isThrownBy(() -> ConnectionSettings.DEFAULTS.withReadTimeout(null))
			.satisfies((ex) -> assertThat(ex.setting()).isEqualTo("read-timeout"));
		assertThatExceptionOfType(LlmClientSettingException.class)
			.isThrownBy(() -> LifecycleSettings.DEFAULTS.withShutdownTimeout(Duration.ofSeconds(-1)))
			.satisfies((ex) -> assertThat(ex.setting()).isEqualTo("shutdown-timeout"));
	}

	@Test
	void settingsCannotBeBuiltWithoutAnEndpointOrARecord() {
		assertThatExceptionOfType(LlmClientSettingException.class).isThrownBy(() -> LlmClient.builder().settings())
			.satisfies((ex) -> assertThat(ex.setting()).isEqualTo("endpoint"))
			.withMessageContaining("is required");
		assertThatExceptionOfType(LlmClientSettingException.class)
			.isThrownBy(() -> builder().limits((limits) -> null).settings())
			.satisfies((ex) -> assertThat(ex.setting()).isEqualTo("limits"));
	}

	@Test
	void nameIsBounded() {
		assertThat(builder().name("fast-model_1.v2").settings().name()).isEqualTo("fast-model_1.v2");
		assertThatExceptionOfType(LlmClientSettingException.class).isThrownBy(() -> builder().name("").settings())
			.satisfies((ex) -> assertThat(ex.setting()).isEqualTo("name"));
		assertThatExceptionOfType(LlmClientSettingException.class).isThrownBy(() -> builder().name("a b").settings());
		assertThatExceptionOfType(LlmClientSettingException.class)
			.isThrownBy(() -> builder().name("x".repeat(65)).settings());
	}

	@Test
	void propertyNamesFollowThePrefix() {
		assertThat(builder().settings().property("read-timeout")).isEqualTo("read-timeout");
		assertThat(builder().propertyPrefix("llm.client.").settings().property("read-timeout"))
			.isEqualTo("llm.client.read-timeout");
	}

	@Test
	void toStringNeverShowsTheApiKey() {
		LlmClientSettings settings = LlmClient.builder()
			.endpoint("https://user:secret-pass@llm.example.com/v1")
			.apiKey("sk-very-secret")
			.settings();
		assertThat(settings.toString()).doesNotContain("sk-very-secret")
			.doesNotContain("secret-pass")
			.contains("apiKey=******");
	}

	@Test
	void plainJavaClientNamesSettingsWithoutPrefixAndExposesItsLimit() {
		try (LlmClient client = builder().name("small")
			.lifecycle((lifecycle) -> lifecycle.withEagerInit(false))
			.limits((limits) -> limits.withMaxConcurrent(3))
			.retry((retry) -> retry.withEnabled(false))
			.build()) {
			assertThat(client.name()).isEqualTo("small");
			assertThat(client.maxConcurrent()).isEqualTo(3);
			assertThatExceptionOfType(LlmConnectionException.class).isThrownBy(() -> client.generate("Hi"))
				.withMessageContaining("check endpoint")
				.withMessageNotContaining("llm.client.");
		}
	}

	@Test
	void proxyTakesCredentialsFromTheUrlOrTheSettingsNeverShowingThePassword() {
		ProxySettings fromUrl = ProxySettings.DEFAULTS.withUrl("http://alice:p%40ss%3Aword@proxy.corp:3128");
		assertThat(fromUrl.effectiveUsername()).isEqualTo("alice");
		assertThat(fromUrl.effectivePassword()).isEqualTo("p@ss:word");
		assertThat(fromUrl.displayUrl()).isEqualTo("http://proxy.corp:3128");
		assertThat(fromUrl.toString()).contains("username=alice", "password=******").doesNotContain("p@ss", "%40");
		ProxySettings fromSettings = ProxySettings.DEFAULTS.withPassword("p@ss")
			.withUsername("bob")
			.withUrl("http://proxy.corp:3128");
		assertThat(fromSettings.effectiveUsername()).isEqualTo("bob");
		assertThat(fromSettings.effectivePassword()).isEqualTo("p@ss");
		assertThat(builder().proxy((proxy) -> fromSettings).settings().toString()).contains("password=******")
			.doesNotContain("p@ss");
		assertThatExceptionOfType(LlmClientSettingException.class).isThrownBy(() -> fromUrl.withUsername("bob"))
			.satisfies((ex) -> assertThat(ex.setting()).isEqualTo("proxy.username"))
			.withMessageContaining("given twice");
	}

	@Test
	void proxyUrlIsTheProxysOwnHttpAddress() {
		for (String url : new String[] { "https://alice:hidden@proxy.corp:3128", "http://proxy.corp",
				"http://proxy.corp:3128/path", "socks://proxy.corp:1080", "http://alice:hid den@proxy.corp:3128" }) {
			assertThatExceptionOfType(LlmClientSettingException.class)
				.isThrownBy(() -> ProxySettings.DEFAULTS.withUrl(url))
				.satisfies((ex) -> assertThat(ex.setting()).isEqualTo("proxy.url"))
				.withMessageContaining("e.g. http://proxy.corp:3128")
				.withMessageNotContaining("hid");
		}
		assertThat(ProxySettings.DEFAULTS.withUrl("  ").url()).isNull();
	}

	@Test
	void proxyCredentialsAndExceptionsNeedAProxyUrlInAnyOrder() {
		assertThat(builder()
			.proxy((proxy) -> proxy.withUsername("alice")
				.withPassword("secret")
				.withNonProxyHosts(List.of("localhost"))
				.withUrl("http://proxy.corp:3128"))
			.settings()
			.proxy()
			.nonProxyHosts()).containsExactly("localhost");
		assertThatExceptionOfType(LlmClientSettingException.class)
			.isThrownBy(() -> builder().proxy((proxy) -> proxy.withNonProxyHosts(List.of("localhost"))).settings())
			.satisfies((ex) -> assertThat(ex.setting()).isEqualTo("proxy.non-proxy-hosts"))
			.withMessageContaining("-Dhttp.nonProxyHosts");
		assertThatExceptionOfType(LlmClientSettingException.class)
			.isThrownBy(() -> builder().proxy((proxy) -> proxy.withPassword("secret")).settings())
			.satisfies((ex) -> assertThat(ex.setting()).isEqualTo("proxy.password"))
			.withMessageNotContaining("secret");
		assertThatExceptionOfType(LlmClientSettingException.class)
			.isThrownBy(() -> builder().proxy((proxy) -> proxy.withUrl("http://proxy.corp:3128").withPassword("secret"))
				.settings())
			.satisfies((ex) -> assertThat(ex.setting()).isEqualTo("proxy.password"))
			.withMessageContaining("needs a user name")
			.withMessageNotContaining("secret");
		assertThatExceptionOfType(LlmClientSettingException.class)
			.isThrownBy(() -> ProxySettings.DEFAULTS.withNonProxyHosts(List.of("local host")))
			.satisfies((ex) -> assertThat(ex.setting()).isEqualTo("proxy.non-proxy-hosts"));
	}

}
