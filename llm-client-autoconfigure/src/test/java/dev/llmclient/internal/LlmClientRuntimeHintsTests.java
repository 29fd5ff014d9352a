package dev.llmclient.internal;

import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;

import com.fasterxml.jackson.annotation.JacksonAnnotation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

import org.springframework.aot.hint.ExecutableMode;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.TypeHint;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.util.ReflectionUtils;

import dev.llmclient.ChatMessage;
import dev.llmclient.ChatRequest;
import dev.llmclient.internal.wire.ChatWire;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hints a native image gets from the client, collected as Spring's AOT processing
 * collects them: from every registrar listed in {@code META-INF/spring/aot.factories}.
 */
class LlmClientRuntimeHintsTests {

	private final List<RuntimeHintsRegistrar> registrars = SpringFactoriesLoader
		.forResourceLocation("META-INF/spring/aot.factories")
		.load(RuntimeHintsRegistrar.class);

	private final RuntimeHints hints = collectHints();

	private RuntimeHints collectHints() {
		RuntimeHints hints = new RuntimeHints();
		this.registrars.forEach((registrar) -> registrar.registerHints(hints, getClass().getClassLoader()));
		return hints;
	}

	@Test
	void registrarIsListedInAotFactories() {
		assertThat(this.registrars).hasAtLeastOneElementOfType(LlmClientRuntimeHints.class);
	}

	@Test
	void everyTypeJacksonBindsCanBeBuiltAndReadReflectively() throws NoSuchMethodException {
		Set<Class<?>> wireTypes = wireTypes();
		assertThat(wireTypes).as("the derivation finds the types the codec binds today")
			.contains(ChatWire.CompletionResponse.class, ChatWire.ChunkBody.class, ChatWire.Choice.class,
					ChatWire.MessageBody.class, ChatWire.UsageBody.class, ChatMessage.class);
		for (Class<?> type : wireTypes) {
			assertThat(RuntimeHintsPredicates.reflection()
				.onType(type)
				.withMemberCategories(MemberCategory.INVOKE_DECLARED_CONSTRUCTORS,
						MemberCategory.ACCESS_DECLARED_FIELDS))
				.as("hint for %s", type.getName())
				.accepts(this.hints);
			Constructor<?> canonical = canonicalConstructor(type);
			assertThat(RuntimeHintsPredicates.reflection().onConstructorInvocation(canonical))
				.as("constructor of %s", type.getName())
				.accepts(this.hints);
			for (RecordComponent component : type.getRecordComponents()) {
				assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(component.getAccessor()))
					.as("accessor %s.%s()", type.getName(), component.getName())
					.accepts(this.hints);
			}
		}
	}

	@Test
	void virtualThreadFactoryIsRegisteredByNameForImagesBuiltOnAnyJdk() {
		TypeHint executors = this.hints.reflection().getTypeHint(Executors.class);
		assertThat(executors).isNotNull();
		assertThat(executors.methods()).anySatisfy((method) -> {
			assertThat(method.getName()).isEqualTo("newVirtualThreadPerTaskExecutor");
			assertThat(method.getParameterTypes()).isEmpty();
			assertThat(method.getMode()).isEqualTo(ExecutableMode.INVOKE);
		});
	}

	@Test
	@EnabledForJreRange(min = JRE.JAVA_21)
	void virtualThreadFactoryCanBeInvokedReflectively() {
		assertThat(RuntimeHintsPredicates.reflection()
			.onMethodInvocation(ReflectionUtils.findMethod(Executors.class, "newVirtualThreadPerTaskExecutor")))
			.accepts(this.hints);
	}

	/**
	 * Derived from the code, so that a wire type added without a hint fails here: every
	 * record of {@link ChatWire} that carries a Jackson annotation (each carries
	 * {@code @JsonIgnoreProperties}), the client's own types a {@link ChatRequest} puts
	 * into a body, and the types their record components reach.
	 */
	private static Set<Class<?>> wireTypes() {
		Deque<Class<?>> pending = new ArrayDeque<>();
		Arrays.stream(ChatWire.class.getDeclaredClasses())
			.filter((type) -> type.isRecord() && bindsWithJackson(type))
			.forEach(pending::add);
		Arrays.stream(ChatRequest.class.getRecordComponents())
			.forEach((component) -> pending.addAll(clientTypes(component.getGenericType())));
		Set<Class<?>> found = new LinkedHashSet<>();
		while (!pending.isEmpty()) {
			Class<?> type = pending.poll();
			if (found.add(type)) {
				Arrays.stream(type.getRecordComponents())
					.forEach((component) -> pending.addAll(clientTypes(component.getGenericType())));
			}
		}
		return found;
	}

	private static boolean bindsWithJackson(Class<?> record) {
		return jacksonAnnotated(record) || Arrays.stream(record.getRecordComponents())
			.anyMatch((component) -> jacksonAnnotated(component.getAccessor()));
	}

	private static boolean jacksonAnnotated(AnnotatedElement element) {
		return MergedAnnotations.from(element).isPresent(JacksonAnnotation.class);
	}

	/** The records of the client's packages in a type and its generics. */
	private static Set<Class<?>> clientTypes(Type type) {
		Set<Class<?>> types = new LinkedHashSet<>();
		Deque<ResolvableType> pending = new ArrayDeque<>(List.of(ResolvableType.forType(type)));
		while (!pending.isEmpty()) {
			ResolvableType resolvable = pending.poll();
			Class<?> resolved = resolvable.resolve();
			if (resolved != null && resolved.isRecord() && resolved.getName().startsWith("dev.llmclient.")) {
				types.add(resolved);
			}
			pending.addAll(List.of(resolvable.getGenerics()));
		}
		return types;
	}

	private static Constructor<?> canonicalConstructor(Class<?> record) throws NoSuchMethodException {
		Class<?>[] parameters = Arrays.stream(record.getRecordComponents())
			.map(RecordComponent::getType)
			.toArray(Class<?>[]::new);
		return record.getDeclaredConstructor(parameters);
	}

}
