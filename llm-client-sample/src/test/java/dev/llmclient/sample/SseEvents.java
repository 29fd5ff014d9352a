package dev.llmclient.sample;

import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a whole {@code text/event-stream} body in tests: name and data of each event,
 * data lines joined with {@code \n} and one space after the colon dropped, as a browser
 * does.
 */
record SseEvents(List<Event> events) {

	record Event(String name, String data) {
	}

	static SseEvents parse(String body) {
		List<Event> events = new ArrayList<>();
		for (String block : body.replace("\r\n", "\n").split("\n\n")) {
			String name = "message";
			List<String> data = new ArrayList<>();
			for (String line : block.split("\n")) {
				if (line.isEmpty() || line.startsWith(":")) {
					continue;
				}
				int colon = line.indexOf(':');
				String field = (colon >= 0) ? line.substring(0, colon) : line;
				String value = (colon >= 0) ? line.substring(colon + 1) : "";
				value = value.startsWith(" ") ? value.substring(1) : value;
				if (field.equals("event")) {
					name = value;
				}
				else if (field.equals("data")) {
					data.add(value);
				}
			}
			if (!data.isEmpty()) {
				events.add(new Event(name, String.join("\n", data)));
			}
		}
		return new SseEvents(events);
	}

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/**
	 * The text of the unnamed ({@code message}) events, in order: each carries
	 * {@code {"content": …}}.
	 */
	List<String> deltas() {
		return this.events.stream()
			.filter((event) -> event.name().equals("message"))
			.map((event) -> JSON.readTree(event.data()).get("content").asString())
			.toList();
	}

	/**
	 * The event of the given name.
	 * @param name the name
	 * @return the first event of that name
	 */
	Event named(String name) {
		return this.events.stream().filter((event) -> event.name().equals(name)).findFirst().orElseThrow();
	}

	Event last() {
		return this.events.get(this.events.size() - 1);
	}

}
