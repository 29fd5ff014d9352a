package dev.llmclient.sample.demo;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.llmclient.sample.demo.DemoWireFormat.AnswerMessage;
import dev.llmclient.sample.demo.DemoWireFormat.Choice;
import dev.llmclient.sample.demo.DemoWireFormat.Chunk;
import dev.llmclient.sample.demo.DemoWireFormat.ChunkChoice;
import dev.llmclient.sample.demo.DemoWireFormat.Completion;
import dev.llmclient.sample.demo.DemoWireFormat.CompletionRequest;
import dev.llmclient.sample.demo.DemoWireFormat.Delta;
import dev.llmclient.sample.demo.DemoWireFormat.Function;
import dev.llmclient.sample.demo.DemoWireFormat.Message;
import dev.llmclient.sample.demo.DemoWireFormat.Model;
import dev.llmclient.sample.demo.DemoWireFormat.ModelList;
import dev.llmclient.sample.demo.DemoWireFormat.PromptTokensDetails;
import dev.llmclient.sample.demo.DemoWireFormat.TokenUsage;
import dev.llmclient.sample.demo.DemoWireFormat.ToolCall;

/**
 * The demo's model: answers {@code echo: <last user message>}, so no answer can be
 * mistaken for a real model's, and counts tokens as whitespace-separated words. Offered
 * tools, it first asks for one tool call, then echoes the tools' results; asked for
 * structured output, it answers an instance of the schema ({@link DemoAnswers}). Its
 * leading system message is a prefix its {@link PrefixCache} may hold, reported as cached
 * tokens.
 */
final class EchoModel {

	static final String NAME = "echo";

	/**
	 * A word with the whitespace after it, so the streamed pieces add up to the exact
	 * answer.
	 */
	private static final Pattern PIECE = Pattern.compile("\\S+\\s*");

	private final long created = Instant.now().getEpochSecond();

	private final PrefixCache prefixCache;

	EchoModel(PrefixCache prefixCache) {
		this.prefixCache = prefixCache;
	}

	Completion complete(CompletionRequest request) {
		Answer answer = answer(request);
		Choice choice = new Choice(0, new AnswerMessage("assistant", answer.content(),
				(answer.toolCall() != null) ? List.of(answer.toolCall()) : List.of()), answer.finishReason());
		return new Completion(answer.id(), "chat.completion", answer.created(), answer.model(), List.of(choice),
				answer.usage());
	}

	/**
	 * Returns the chunks of a streamed answer: one per word, then one with the finish
	 * reason, then one with the usage.
	 */
	List<Chunk> stream(CompletionRequest request) {
		Answer answer = answer(request);
		List<Chunk> chunks = new ArrayList<>();
		if (answer.toolCall() != null) {
			chunks.addAll(toolCallChunks(answer));
		}
		else {
			List<String> pieces = pieces(answer.content());
			for (int i = 0; i < pieces.size(); i++) {
				Delta delta = new Delta((i == 0) ? "assistant" : null, pieces.get(i), null);
				chunks.add(answer.chunk(List.of(new ChunkChoice(0, delta, null)), null));
			}
		}
		chunks.add(answer.chunk(List.of(new ChunkChoice(0, new Delta(null, null, null), answer.finishReason())), null));
		chunks.add(answer.chunk(List.of(), answer.usage()));
		return chunks;
	}

	/**
	 * A tool call as a stream sends it: id and name first, the arguments in two pieces,
	 * as real servers split them.
	 */
	private static List<Chunk> toolCallChunks(Answer answer) {
		ToolCall call = answer.toolCall();
		String arguments = call.function().arguments();
		int half = arguments.length() / 2;
		ToolCall opening = new ToolCall(0, call.id(), "function", new Function(call.function().name(), ""));
		List<Chunk> chunks = new ArrayList<>();
		chunks
			.add(answer.chunk(List.of(new ChunkChoice(0, new Delta("assistant", null, List.of(opening)), null)), null));
		for (String piece : List.of(arguments.substring(0, half), arguments.substring(half))) {
			ToolCall fragment = new ToolCall(0, null, null, new Function(null, piece));
			chunks.add(answer.chunk(List.of(new ChunkChoice(0, new Delta(null, null, List.of(fragment)), null)), null));
		}
		return chunks;
	}

	ModelList models() {
		return new ModelList("list", List.of(new Model(NAME, "model", this.created, "llm-client-sample")));
	}

	private static int countWords(String text) {
		return pieces(text).size();
	}

	private Answer answer(CompletionRequest request) {
		if (request == null || request.messages() == null || request.messages().isEmpty()) {
			throw new IllegalArgumentException("'messages' must hold at least one message");
		}
		String lastUserMessage = "";
		String prefix = null;
		int prefixTokens = 0;
		int promptTokens = 0;
		Map<String, String> toolNames = new HashMap<>();
		List<String> toolResults = new ArrayList<>();
		for (Message message : request.messages()) {
			if (message == null || message.role() == null
					|| (message.content() == null && (message.toolCalls() == null || message.toolCalls().isEmpty()))) {
				throw new IllegalArgumentException(
						"each of 'messages' must have a 'role' and a 'content' (a string or an array of parts)");
			}
			String text = DemoAnswers.text(message.content());
			promptTokens += countWords(text);
			if (message == request.messages().get(0)
					&& ("system".equals(message.role()) || "developer".equals(message.role()))) {
				prefix = text;
				prefixTokens = promptTokens;
			}
			if ("user".equals(message.role())) {
				lastUserMessage = text;
			}
			if (message.toolCalls() != null) {
				message.toolCalls()
					.forEach((call) -> toolNames.put(call.path("id").asString(""),
							call.path("function").path("name").asString("")));
			}
			if ("tool".equals(message.role())) {
				toolResults.add(toolNames.getOrDefault(message.toolCallId(), "tool") + " -> " + text);
			}
		}
		String model = (request.model() != null && !request.model().isBlank()) ? request.model() : NAME;
		String id = "chatcmpl-" + UUID.randomUUID().toString().replace("-", "");
		ToolCall toolCall = DemoAnswers.toolCall(request, lastUserMessage, toolNames.size() + 1);
		String content;
		if (toolCall != null) {
			content = null;
		}
		else {
			String structured = DemoAnswers.structured(request, lastUserMessage);
			content = (structured != null) ? structured : "echo: " + lastUserMessage
					+ (toolResults.isEmpty() ? "" : " (" + String.join("; ", toolResults) + ")");
		}
		int completionTokens = (content != null) ? countWords(content) : countWords(toolCall.function().arguments());
		return new Answer(id, Instant.now().getEpochSecond(), model, content, toolCall,
				new TokenUsage(promptTokens, completionTokens, promptTokens + completionTokens,
						new PromptTokensDetails(this.prefixCache.cachedTokens(prefix, prefixTokens))));
	}

	private static List<String> pieces(String text) {
		List<String> pieces = new ArrayList<>();
		Matcher matcher = PIECE.matcher(text);
		while (matcher.find()) {
			pieces.add(matcher.group());
		}
		return pieces;
	}

	private record Answer(String id, long created, String model, String content, ToolCall toolCall, TokenUsage usage) {

		String finishReason() {
			return (this.toolCall != null) ? "tool_calls" : "stop";
		}

		Chunk chunk(List<ChunkChoice> choices, TokenUsage usage) {
			return new Chunk(this.id, "chat.completion.chunk", this.created, this.model, choices, usage);
		}

	}

}
