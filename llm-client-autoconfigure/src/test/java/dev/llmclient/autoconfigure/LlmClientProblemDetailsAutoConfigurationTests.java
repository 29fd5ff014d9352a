package dev.llmclient.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.web.servlet.DispatcherServlet;

import static org.assertj.core.api.Assertions.assertThat;

class LlmClientProblemDetailsAutoConfigurationTests {

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(LlmClientProblemDetailsAutoConfiguration.class));

	@Test
	void registersTheHandlerInAServletApplication() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(LlmClientExceptionHandler.class));
	}

	@Test
	void offWhenDisabledByProperty() {
		this.contextRunner.withPropertyValues("llm.client.web.problem-details.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(LlmClientExceptionHandler.class));
	}

	@Test
	void absentWithoutSpringMvc() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(DispatcherServlet.class))
			.run((context) -> assertThat(context).doesNotHaveBean(LlmClientExceptionHandler.class));
	}

	@Test
	void absentOutsideAWebApplication() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(LlmClientProblemDetailsAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(LlmClientExceptionHandler.class));
	}

}
