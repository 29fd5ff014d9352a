package dev.llmclient.internal;

import java.util.List;
import java.util.concurrent.Executors;

import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.ExecutableMode;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

import dev.llmclient.ChatMessage;
import dev.llmclient.ContentPart;
import dev.llmclient.ResponseFormat;
import dev.llmclient.ToolCall;
import dev.llmclient.ToolChoice;
import dev.llmclient.ToolDefinition;
import dev.llmclient.internal.wire.ChatWire;

/**
 * What a GraalVM native image must keep for the client's own reflection: the records of
 * {@link ChatWire} the codec reads with Jackson, and the virtual-thread executor
 * {@link dev.llmclient.internal.call.CallExecutors} looks up by name. Listed in
 * {@code META-INF/spring/aot.factories}, so Spring's AOT processing applies it to every
 * application that has the client; it lives beside the codec because the wire records are
 * not visible outside this package.
 */
public class LlmClientRuntimeHints implements RuntimeHintsRegistrar {

	/**
	 * What Jackson binds: the answers read (the registrar follows their record components
	 * to {@code Choice}, {@code MessageBody}, {@code ToolCallBody} and
	 * {@code UsageBody}), and the records a request holds. The codec writes those field
	 * by field, but they stay bindable in an image, as on the JVM, for applications that
	 * write or read requests with their own mapper (the sealed {@link ContentPart}'s
	 * records are listed because the registrar does not follow an interface to its
	 * implementations).
	 */
	private static final Class<?>[] WIRE_TYPES = { ChatWire.CompletionResponse.class, ChatWire.ChunkBody.class,
			ChatMessage.class, ContentPart.Text.class, ContentPart.Image.class, ToolCall.class, ToolDefinition.class,
			ToolChoice.class, ResponseFormat.class };

	@Override
	public void registerHints(RuntimeHints hints, ClassLoader classLoader) {
		new BindingReflectionHintsRegistrar().registerReflectionHints(hints.reflection(), WIRE_TYPES);
		// by name: the method exists from Java 21, and the image may be built on 17
		hints.reflection()
			.registerType(Executors.class,
					(type) -> type.withMethod("newVirtualThreadPerTaskExecutor", List.of(), ExecutableMode.INVOKE));
	}

}
