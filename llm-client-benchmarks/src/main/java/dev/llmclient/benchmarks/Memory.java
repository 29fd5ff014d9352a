package dev.llmclient.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Memory: heap in use after a full GC while one client makes many calls, for a small and
 * a large {@code max-latency-records}; each in a fresh JVM with a 256 MB heap.
 */
final class Memory {

	private final Settings settings;

	/** Per max-latency-records: (calls, heap bytes) checkpoints. */
	final Map<Integer, List<long[]>> results = new LinkedHashMap<>();

	Memory(Settings settings) {
		this.settings = settings;
	}

	Memory run(StubProcess stub) throws Exception {
		for (int records : this.settings.memoryRecords()) {
			Log.progress("memory: %d calls with max-latency-records=%d", this.settings.memoryCalls(), records);
			List<String> lines = Jvm.run(Jvm.command(List.of("-Xmx256m"), MemoryProbe.class, stub.baseUrl(0),
					Integer.toString(records), Integer.toString(this.settings.memoryCalls())), 900);
			List<long[]> checkpoints = new ArrayList<>();
			for (String line : lines) {
				if (line.startsWith("HEAP ")) {
					String[] parts = line.split(" ");
					checkpoints.add(new long[] { Long.parseLong(parts[1]), Long.parseLong(parts[2]) });
					Log.progress("memory: records=%d after %s calls: %.2f MB", records, parts[1],
							Long.parseLong(parts[2]) / 1048576.0);
				}
			}
			this.results.put(records, checkpoints);
		}
		return this;
	}

	String markdown() {
		List<String> header = new ArrayList<>(List.of("max-latency-records"));
		List<long[]> first = this.results.values().iterator().next();
		for (long[] checkpoint : first) {
			header.add("heap MB after " + String.format(Locale.ROOT, "%,d", checkpoint[0]) + " calls");
		}
		header.add("growth from first to last checkpoint");
		Table table = new Table(header.toArray(String[]::new));
		for (Map.Entry<Integer, List<long[]>> entry : this.results.entrySet()) {
			List<Object> row = new ArrayList<>();
			row.add(String.format(Locale.ROOT, "%,d", entry.getKey()));
			for (long[] checkpoint : entry.getValue()) {
				row.add(String.format(Locale.ROOT, "%.2f", checkpoint[1] / 1048576.0));
			}
			List<long[]> points = entry.getValue();
			long growth = points.get(points.size() - 1)[1] - points.get(0)[1];
			row.add(String.format(Locale.ROOT, "%+.2f MB", growth / 1048576.0));
			table.row(row.toArray());
		}
		return table.toString();
	}

}
