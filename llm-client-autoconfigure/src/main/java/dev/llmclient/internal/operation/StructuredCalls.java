package dev.llmclient.internal.operation;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import dev.llmclient.ChatMessage;
import dev.llmclient.ChatRequest;
import dev.llmclient.ChatResponse;
import dev.llmclient.LlmClient;
import dev.llmclient.LlmStructuredOutputException;

/**
 * Chat calls whose answer is mapped into a record; with
 * {@code chat.structured-output-repair}, an answer that does not fit (but not a refusal)
 * is asked for once more, with what was wrong with it.
 */
public final class StructuredCalls {

	/** Stands for a call once the answer was cancelled. */
	private static final CompletableFuture<ChatResponse> CANCELLED = CompletableFuture.completedFuture(null);

	private final LlmClient client;

	private final boolean repair;

	public StructuredCalls(LlmClient client, boolean repair) {
		this.client = client;
		this.repair = repair;
	}

	public <T> T chat(ChatRequest request, Class<T> type) {
		ChatRequest structured = LlmClient.structured(request, type);
		ChatResponse response = this.client.chat(structured);
		try {
			return response.contentAs(type);
		}
		catch (LlmStructuredOutputException ex) {
			if (!repairs(ex)) {
				throw ex;
			}
			return this.client.chat(repair(structured, ex)).contentAs(type);
		}
	}

	public <T> CompletableFuture<T> chatAsync(ChatRequest request, Class<T> type) {
		ChatRequest structured = LlmClient.structured(request, type);
		CompletableFuture<ChatResponse> call = this.client.chatAsync(structured);
		// the call the answer waits for: the first, then the repair call
		AtomicReference<CompletableFuture<ChatResponse>> current = new AtomicReference<>(call);
		CompletableFuture<T> answer = call.thenCompose((response) -> {
			try {
				return CompletableFuture.completedFuture(response.contentAs(type));
			}
			catch (LlmStructuredOutputException ex) {
				if (!repairs(ex)) {
					throw ex;
				}
				CompletableFuture<ChatResponse> repair = this.client.chatAsync(repair(structured, ex));
				if (!current.compareAndSet(call, repair)) {
					repair.cancel(true); // the answer was cancelled meanwhile
				}
				return repair.thenApply((repaired) -> repaired.contentAs(type));
			}
		});
		// cancelling the answer cancels the call it waits for, also a repair call that
		// starts after the cancel
		answer.whenComplete((value, error) -> {
			if (answer.isCancelled()) {
				current.getAndSet(CANCELLED).cancel(true);
			}
		});
		return answer;
	}

	private boolean repairs(LlmStructuredOutputException failure) {
		return this.repair && failure.refusal() == null;
	}

	/**
	 * The repair attempt: the conversation, the answer that did not fit, and what was
	 * wrong with it.
	 */
	private static ChatRequest repair(ChatRequest request, LlmStructuredOutputException failure) {
		String answer = (failure.rawText() != null && !failure.rawText().isEmpty()) ? failure.rawText() : "(empty)";
		return request.toBuilder()
			.message(ChatMessage.assistant(answer))
			.user("That answer cannot be used: " + failure.getMessage()
					+ ". Answer again with only the JSON object the schema describes.")
			.build();
	}

}
