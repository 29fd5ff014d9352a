package dev.llmclient.benchmarks;

import java.util.ArrayList;
import java.util.List;

/** A Markdown table. */
final class Table {

	private final List<String> header;

	private final List<List<String>> rows = new ArrayList<>();

	Table(String... header) {
		this.header = List.of(header);
	}

	Table row(Object... cells) {
		List<String> row = new ArrayList<>();
		for (Object cell : cells) {
			row.add(String.valueOf(cell));
		}
		this.rows.add(row);
		return this;
	}

	@Override
	public String toString() {
		StringBuilder out = new StringBuilder();
		line(out, this.header);
		out.append('|');
		for (int i = 0; i < this.header.size(); i++) {
			out.append(" --- |");
		}
		out.append('\n');
		for (List<String> row : this.rows) {
			line(out, row);
		}
		return out.toString();
	}

	private static void line(StringBuilder out, List<String> cells) {
		out.append('|');
		for (String cell : cells) {
			out.append(' ').append(cell).append(" |");
		}
		out.append('\n');
	}

}
