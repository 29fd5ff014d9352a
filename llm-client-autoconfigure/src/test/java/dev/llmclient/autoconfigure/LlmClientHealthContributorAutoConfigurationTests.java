package dev.llmclient.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.llmclient.health.LlmClientHealthIndicator;

import static org.assertj.core.api.Assertions.assertThat;

class LlmClientHealthContributorAutoConfigurationTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(LlmClientAutoConfiguration.class,
                LlmClientHealthContributorAutoConfiguration.class))
        .withPropertyValues("llm.client.endpoint=http://127.0.0.1:1/v1", "llm.client.eager-init=false");

    @Test
    void registersIndicatorNamedForComponentLlmClient() {
        this.contextRunner.run((context) -> {
            assertThat(context).hasSingleBean(LlmClientHealthIndicator.class).hasBean("llmClientHealthIndicator");
            assertThat(context.getBean(LlmClientHealthIndicator.class).health(true).getStatus()).isEqualTo(Status.UP);
        });
    }

    @Test
    void turnedOffByManagementProperty() {
        this.contextRunner.withPropertyValues("management.health.llmclient.enabled=false")
            .run((context) -> assertThat(context).doesNotHaveBean(LlmClientHealthIndicator.class));
    }

    @Test
    void absentWhenTheClientIsDisabled() {
        this.contextRunner.withPropertyValues("llm.client.enabled=false")
            .run((context) -> assertThat(context).doesNotHaveBean(LlmClientHealthIndicator.class));
    }

    @Test
    void backsOffToTheApplicationsIndicator() {
        this.contextRunner.withBean("llmClientHealthIndicator", LlmClientHealthIndicator.class,
                () -> new LlmClientHealthIndicator(null))
            .run((context) -> assertThat(context).hasSingleBean(LlmClientHealthIndicator.class));
    }

}
