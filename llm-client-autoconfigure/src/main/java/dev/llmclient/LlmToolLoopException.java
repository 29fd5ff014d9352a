package dev.llmclient;

import java.util.List;

/**
 * A {@link ToolLoop} reached its maximum number of rounds while the model still asked for
 * tool calls. It carries the tool calls run so far and the conversation, so the work done
 * is not lost. Its {@link #errorType()} is {@code tool_loop}; it is not retried.
 *
 * @since 0.1.0
 */
public class LlmToolLoopException extends LlmClientException {

	private static final long serialVersionUID = 1L;

	private final transient List<ToolLoop.Execution> executions;

	private final transient List<ChatMessage> conversation;

	/**
	 * Creates an exception.
	 * @param message what happened
	 * @param executions the tool calls run, in order
	 * @param conversation the conversation so far, ending with the tools' results
	 */
	public LlmToolLoopException(String message, List<ToolLoop.Execution> executions, List<ChatMessage> conversation) {
		super(message, null);
		this.executions = List.copyOf(executions);
		this.conversation = List.copyOf(conversation);
	}

	/**
	 * Returns the tool calls run before the loop stopped.
	 * @return the executions, in order
	 */
	public List<ToolLoop.Execution> executions() {
		return this.executions;
	}

	/**
	 * Returns the conversation so far, to continue it by hand.
	 * @return the messages, ending with the tools' results
	 */
	public List<ChatMessage> conversation() {
		return this.conversation;
	}

	/**
	 * Returns {@code tool_loop}.
	 * @return {@code tool_loop}
	 */
	@Override
	public String errorType() {
		return "tool_loop";
	}

}
