package dev.llmclient;

import java.util.List;

/**
 * One message of a chat conversation: text, a list of content parts (text and images), an
 * assistant's tool calls, or the result of one tool call.
 * <p>
 * A message is sent with {@code content} as a plain string when it holds only text, and
 * as an array of parts only when it was built from {@link ContentPart}s, so text-only
 * conversations look on the wire as they always did.
 *
 * @param role who speaks: {@code system}, {@code user}, {@code assistant}, {@code tool},
 * or another role the server accepts
 * @param content the message text; {@code null} only for a message made of {@code parts},
 * or an assistant message that carries only tool calls
 * @param parts the content as parts (text, images), or {@code null} when the message is
 * plain text
 * @param toolCalls the tool calls of an assistant message, never {@code null} (empty for
 * other messages)
 * @param toolCallId the id of the tool call a {@code tool} message answers, or
 * {@code null} for other roles
 * @since 0.1.0
 */
public record ChatMessage(String role, String content, List<ContentPart> parts, List<ToolCall> toolCalls,
		String toolCallId) {

	/**
	 * Creates a message, checking that its fields fit its role.
	 * @throws IllegalArgumentException naming the field that is invalid
	 */
	public ChatMessage {
		if (role == null || role.isBlank()) {
			throw new IllegalArgumentException(
					"ChatMessage role must not be blank (use system, user, assistant or tool)");
		}
		toolCalls = (toolCalls != null) ? List.copyOf(toolCalls) : List.of();
		if (parts != null) {
			if (parts.isEmpty()) {
				throw new IllegalArgumentException("ChatMessage.parts must hold at least one part, or be null");
			}
			if (content != null) {
				throw new IllegalArgumentException(
						"ChatMessage must have either content or parts, not both: put the text in a ContentPart.text(...)");
			}
			for (int i = 0; i < parts.size(); i++) {
				if (parts.get(i) == null) {
					throw new IllegalArgumentException("ChatMessage.parts[" + i + "] must not be null");
				}
			}
			parts = List.copyOf(parts);
		}
		if (content == null && parts == null && toolCalls.isEmpty()) {
			throw new IllegalArgumentException("ChatMessage content must not be null");
		}
		if (!toolCalls.isEmpty() && !"assistant".equals(role)) {
			throw new IllegalArgumentException(
					"ChatMessage.toolCalls belong to an assistant message, not to role '" + role + "'");
		}
		if ("tool".equals(role)) {
			if (toolCallId == null || toolCallId.isBlank()) {
				throw new IllegalArgumentException("ChatMessage.toolCallId must not be blank for a tool message: "
						+ "pass the id of the ToolCall it answers (ChatMessage.toolResult(call.id(), result))");
			}
		}
		else if (toolCallId != null) {
			throw new IllegalArgumentException(
					"ChatMessage.toolCallId belongs to a tool message, not to role '" + role + "'");
		}
	}

	/**
	 * Creates a text message.
	 * @param role the role, not blank
	 * @param content the text, not null
	 */
	public ChatMessage(String role, String content) {
		this(role, requireText(content), null, null, null);
	}

	private static String requireText(String content) {
		if (content == null) {
			throw new IllegalArgumentException("ChatMessage content must not be null");
		}
		return content;
	}

	/**
	 * Creates a system message.
	 * @param content the instructions
	 * @return the message
	 */
	public static ChatMessage system(String content) {
		return new ChatMessage("system", content);
	}

	/**
	 * Creates a user message.
	 * @param content the user's text
	 * @return the message
	 */
	public static ChatMessage user(String content) {
		return new ChatMessage("user", content);
	}

	/**
	 * Creates a user message made of parts, such as a question and an image:
	 * {@code ChatMessage.user(ContentPart.text("What is this?"), ContentPart.imageUrl(url))}.
	 * @param parts the parts, at least one
	 * @return the message
	 */
	public static ChatMessage user(ContentPart... parts) {
		return new ChatMessage("user", null, List.of(parts), null, null);
	}

	/**
	 * Creates an assistant message, to replay an earlier answer in a conversation.
	 * @param content the assistant's text
	 * @return the message
	 */
	public static ChatMessage assistant(String content) {
		return new ChatMessage("assistant", content);
	}

	/**
	 * Creates an assistant message that asked for tool calls, to replay it before the
	 * tools' results.
	 * @param content the assistant's text, or {@code null} (models usually send none with
	 * tool calls)
	 * @param toolCalls the calls it asked for, at least one
	 * @return the message
	 */
	public static ChatMessage assistant(String content, List<ToolCall> toolCalls) {
		if (toolCalls == null || toolCalls.isEmpty()) {
			throw new IllegalArgumentException("ChatMessage.toolCalls must hold at least one call");
		}
		return new ChatMessage("assistant", content, null, toolCalls, null);
	}

	/**
	 * Creates the message that answers one tool call ({@code role: tool}).
	 * @param toolCallId the id of the {@link ToolCall} answered, not blank
	 * @param result what the tool returned, as text (usually JSON)
	 * @return the message
	 */
	public static ChatMessage toolResult(String toolCallId, String result) {
		return new ChatMessage("tool", requireText(result), null, null, toolCallId);
	}

}
