package dev.llmclient.autoconfigure;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.aot.generate.ClassNameGenerator;
import org.springframework.aot.generate.DefaultGenerationContext;
import org.springframework.aot.generate.GeneratedFiles;
import org.springframework.aot.generate.InMemoryGeneratedFiles;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.aot.ApplicationContextAotGenerator;
import org.springframework.core.io.InputStreamSource;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.core.io.support.SpringFactoriesLoader.FailureHandler;
import org.springframework.javapoet.ClassName;

import dev.llmclient.ChatMessage;
import dev.llmclient.LlmClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What Spring Boot's AOT processing (the {@code process-aot} goal of a native build)
 * records for an application with the client: the properties bound by Boot's own
 * processor, the failure analyzers by Spring's hints for {@code spring.factories}, the
 * wire types by the client's registrar.
 */
class LlmClientAotProcessingTests {

	private static final RuntimeHints HINTS = processAheadOfTime();

	private static RuntimeHints processAheadOfTime() {
		try (AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext()) {
			context.register(RestClientAutoConfiguration.class, LlmClientAutoConfiguration.class);
			DefaultGenerationContext generation = new DefaultGenerationContext(
					new ClassNameGenerator(ClassName.get(LlmClientAotProcessingTests.class)),
					new InMemoryGeneratedFiles());
			new ApplicationContextAotGenerator().processAheadOfTime(context, generation);
			return generation.getRuntimeHints();
		}
	}

	@Test
	void everyPropertySetterIncludingNestedGroupsCanBeInvokedReflectively() {
		List<Class<?>> groups = propertyGroups(LlmClientProperties.class);
		assertThat(groups).contains(LlmClientProperties.Retry.class, LlmClientProperties.Health.Probe.class);
		for (Class<?> type : groups) {
			List<Method> setters = Arrays.stream(type.getMethods())
				.filter((method) -> method.getName().startsWith("set") && method.getParameterCount() == 1)
				.toList();
			assertThat(setters).as("setters of %s", type.getName()).isNotEmpty();
			for (Method setter : setters) {
				assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(setter))
					.as("%s.%s", type.getSimpleName(), setter.getName())
					.accepts(HINTS);
			}
		}
	}

	@Test
	void clientRegistrarIsAppliedFromAotFactories() {
		assertThat(RuntimeHintsPredicates.reflection().onType(ChatMessage.class)).accepts(HINTS);
	}

	@Test
	void failureAnalyzersListedInSpringFactoriesCanBeInstantiated() throws NoSuchMethodException {
		// Boot's own analyzers need constructor arguments: skipped, they are not ours
		List<Class<?>> analyzers = SpringFactoriesLoader.forDefaultResourceLocation()
			.load(FailureAnalyzer.class, null, FailureHandler.handleMessage((message, failure) -> {
			}))
			.stream()
			.<Class<?>>map(Object::getClass)
			.filter((type) -> type.getPackageName().startsWith("dev.llmclient"))
			.toList();
		assertThat(analyzers).contains(LlmClientPropertiesFailureAnalyzer.class);
		for (Class<?> analyzer : analyzers) {
			assertThat(RuntimeHintsPredicates.reflection().onConstructorInvocation(analyzer.getDeclaredConstructor()))
				.as(analyzer.getName())
				.accepts(HINTS);
		}
	}

	@Test
	void clientsOfLlmClientsAreWrittenAsCode() throws IOException {
		try (AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext()) {
			TestPropertyValues
				.of("llm.client.endpoint=http://localhost:11434/v1", "llm.clients.fast.model=small",
						"llm.clients.large.endpoint=http://gpu-box:8000/v1", "llm.clients.large.cluster.enabled=true",
						"llm.clients.large.cluster.redis.url=redis://localhost:6379")
				.applyTo(context);
			context.register(RestClientAutoConfiguration.class, LlmClientAutoConfiguration.class);
			InMemoryGeneratedFiles files = new InMemoryGeneratedFiles();
			DefaultGenerationContext generation = new DefaultGenerationContext(
					new ClassNameGenerator(ClassName.get(LlmClientAotProcessingTests.class)), files);
			new ApplicationContextAotGenerator().processAheadOfTime(context, generation);
			generation.writeGeneratedContent();
			StringBuilder code = new StringBuilder();
			for (InputStreamSource source : files.getGeneratedFiles(GeneratedFiles.Kind.SOURCE).values()) {
				code.append(new String(source.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
			}
			assertThat(code).contains("LlmClientsRegistrar.create(", "NamedClusterLimits.create(",
					"setDefaultCandidate(false)", "addQualifier(");
			assertThat(context.getBeanFactory().getBeanNamesForType(LlmClient.class, true, false)).contains("llmClient",
					"fast", "large");
			assertThat(context.getBeanFactory().containsBeanDefinition("largeClusterLimits")).isTrue();
		}
	}

	/** The properties class and its nested groups, so a group added later is checked. */
	private static List<Class<?>> propertyGroups(Class<?> type) {
		List<Class<?>> groups = new ArrayList<>(List.of(type));
		Arrays.stream(type.getDeclaredClasses()).forEach((nested) -> groups.addAll(propertyGroups(nested)));
		return groups;
	}

}
