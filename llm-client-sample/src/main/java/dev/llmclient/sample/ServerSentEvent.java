package dev.llmclient.sample;

import java.nio.charset.StandardCharsets;

/**
 * Writes one server-sent event. Each line of the data goes on its own {@code data: }
 * line, with the space after the colon always written: a reader drops exactly one space
 * there, so a delta that starts with a space (" world") keeps it. Spring's
 * {@code SseEmitter} writes {@code data:} without that space, which loses the leading
 * space of such deltas.
 */
final class ServerSentEvent {

	private ServerSentEvent() {
	}

	/**
	 * Formats an unnamed event.
	 * @param data the data, which may hold line breaks
	 * @return the event's bytes, blank line included
	 */
	static byte[] data(String data) {
		return event(null, data);
	}

	/**
	 * Formats an event.
	 * @param name the event name, or {@code null} for a {@code message} event
	 * @param data the data, which may hold line breaks
	 * @return the event's bytes, blank line included
	 */
	static byte[] event(String name, String data) {
		StringBuilder event = new StringBuilder(data.length() + 16);
		if (name != null) {
			event.append("event: ").append(name).append('\n');
		}
		for (String line : data.split("\r\n|\r|\n", -1)) {
			event.append("data: ").append(line).append('\n');
		}
		return event.append('\n').toString().getBytes(StandardCharsets.UTF_8);
	}

}
