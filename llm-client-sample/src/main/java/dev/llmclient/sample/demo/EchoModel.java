package dev.llmclient.sample.demo;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.llmclient.sample.demo.DemoWireFormat.Choice;
import dev.llmclient.sample.demo.DemoWireFormat.Chunk;
import dev.llmclient.sample.demo.DemoWireFormat.ChunkChoice;
import dev.llmclient.sample.demo.DemoWireFormat.Completion;
import dev.llmclient.sample.demo.DemoWireFormat.CompletionRequest;
import dev.llmclient.sample.demo.DemoWireFormat.Delta;
import dev.llmclient.sample.demo.DemoWireFormat.Message;
import dev.llmclient.sample.demo.DemoWireFormat.Model;
import dev.llmclient.sample.demo.DemoWireFormat.ModelList;
import dev.llmclient.sample.demo.DemoWireFormat.TokenUsage;

/**
 * The demo's model: answers {@code echo: <last user message>}, so no answer can be
 * mistaken for a real model's, and counts tokens as whitespace-separated words.
 */
final class EchoModel {

	static final String NAME = "echo";

	/**
	 * A word with the whitespace after it, so the streamed pieces add up to the exact
	 * answer.
	 */
	private static final Pattern PIECE = Pattern.compile("\\S+\\s*");

	private final long created = Instant.now().getEpochSecond();

	Completion complete(CompletionRequest request) {
		Answer answer = answer(request);
		Choice choice = new Choice(0, new Message("assistant", answer.content()), "stop");
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
		List<String> pieces = pieces(answer.content());
		for (int i = 0; i < pieces.size(); i++) {
			Delta delta = new Delta((i == 0) ? "assistant" : null, pieces.get(i));
			chunks.add(answer.chunk(List.of(new ChunkChoice(0, delta, null)), null));
		}
		chunks.add(answer.chunk(List.of(new ChunkChoice(0, new Delta(null, null), "stop")), null));
		chunks.add(answer.chunk(List.of(), answer.usage()));
		return chunks;
	}

	ModelList models() {
		return new ModelList("list", List.of(new Model(NAME, "model", this.created, "llm-client-sample")));
	}

	private static int countWords(String text) {
		return pieces(text).size();
	}

	private static Answer answer(CompletionRequest request) {
		if (request == null || request.messages() == null || request.messages().isEmpty()) {
			throw new IllegalArgumentException("'messages' must hold at least one message");
		}
		String lastUserMessage = "";
		int promptTokens = 0;
		for (Message message : request.messages()) {
			if (message == null || message.content() == null) {
				throw new IllegalArgumentException("each of 'messages' must have a 'role' and a string 'content'");
			}
			promptTokens += countWords(message.content());
			if ("user".equals(message.role())) {
				lastUserMessage = message.content();
			}
		}
		String content = "echo: " + lastUserMessage;
		int completionTokens = countWords(content);
		String model = (request.model() != null && !request.model().isBlank()) ? request.model() : NAME;
		return new Answer("chatcmpl-" + UUID.randomUUID().toString().replace("-", ""), Instant.now().getEpochSecond(),
				model, content, new TokenUsage(promptTokens, completionTokens, promptTokens + completionTokens));
	}

	private static List<String> pieces(String text) {
		List<String> pieces = new ArrayList<>();
		Matcher matcher = PIECE.matcher(text);
		while (matcher.find()) {
			pieces.add(matcher.group());
		}
		return pieces;
	}

	private record Answer(String id, long created, String model, String content, TokenUsage usage) {

		Chunk chunk(List<ChunkChoice> choices, TokenUsage usage) {
			return new Chunk(this.id, "chat.completion.chunk", this.created, this.model, choices, usage);
		}

	}

}
