package dev.llmclient.autoconfigure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

class LlmClientSanitizingAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(LlmClientSanitizingAutoConfiguration.class));

	@ParameterizedTest
	@ValueSource(strings = { "llm.client.apiKey", "llm.client.api-key", "LLM_CLIENT_API_KEY", "llm.client.api_key" })
	void masksTheApiKeyInEveryForm(String key) {
		this.contextRunner.run((context) -> {
			SanitizingFunction function = context.getBean(SanitizingFunction.class);
			assertThat(function.apply(new SanitizableData(null, key, "sk-secret")).getValue()).isEqualTo("******");
		});
	}

	@ParameterizedTest
	@ValueSource(strings = { "llm.client.proxy.password", "LLM_CLIENT_PROXY_PASSWORD", "llm.client.proxy-password" })
	void masksTheProxyPasswordInEveryForm(String key) {
		this.contextRunner.run((context) -> {
			SanitizingFunction function = context.getBean(SanitizingFunction.class);
			assertThat(function.apply(new SanitizableData(null, key, "secret")).getValue()).isEqualTo("******");
		});
	}

	@ParameterizedTest
	@CsvSource({ "http://alice:s3cret@proxy.corp:3128, http://alice:******@proxy.corp:3128",
			"http://alice@proxy.corp:3128, http://alice@proxy.corp:3128",
			"http://proxy.corp:3128, http://proxy.corp:3128" })
	void masksOnlyThePasswordOfTheProxyUrl(String url, String shown) {
		this.contextRunner.run((context) -> {
			SanitizingFunction function = context.getBean(SanitizingFunction.class);
			assertThat(function.apply(new SanitizableData(null, "LLM_CLIENT_PROXY_URL", url)).getValue())
				.isEqualTo(shown);
		});
	}

	@ParameterizedTest
	@ValueSource(strings = { "llm.client.model", "llm.client.endpoint", "other.api-key", "llm.client.proxy.username",
			"other.proxy.password" })
	void leavesOtherPropertiesAlone(String key) {
		this.contextRunner.run((context) -> {
			SanitizingFunction function = context.getBean(SanitizingFunction.class);
			assertThat(function.apply(new SanitizableData(null, key, "value")).getValue()).isEqualTo("value");
		});
	}

	@Test
	void absentWithoutActuator() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(SanitizingFunction.class))
			.run((context) -> assertThat(context).doesNotHaveBean(SanitizingFunction.class));
	}

	@Test
	void backsOffToTheApplicationsFunction() {
		SanitizingFunction own = (data) -> data;
		this.contextRunner.withBean("llmClientCredentialsSanitizingFunction", SanitizingFunction.class, () -> own)
			.run((context) -> assertThat(context.getBean(SanitizingFunction.class)).isSameAs(own));
	}

}
