package dev.llmclient;

import java.util.Objects;

/**
 * One message of a chat conversation.
 *
 * @param role who speaks: {@code system}, {@code user}, {@code assistant}, or another
 * role the server accepts
 * @param content the message text
 * @since 0.1.0
 */
public record ChatMessage(String role, String content) {

	/**
	 * Creates a message.
	 * @param role the role, not blank
	 * @param content the text, not null
	 */
	public ChatMessage {
		if (role == null || role.isBlank()) {
			throw new IllegalArgumentException("ChatMessage role must not be blank (use system, user or assistant)");
		}
		Objects.requireNonNull(content, "ChatMessage content must not be null");
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
	 * Creates an assistant message, to replay an earlier answer in a conversation.
	 * @param content the assistant's text
	 * @return the message
	 */
	public static ChatMessage assistant(String content) {
		return new ChatMessage("assistant", content);
	}

}
