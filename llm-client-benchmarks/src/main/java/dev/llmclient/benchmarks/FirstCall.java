package dev.llmclient.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * First call: each variant in a fresh JVM (class loading and JIT are part of a real first
 * call), against a stub answering at once; construction time, first-call latency and the
 * steady-state median of the same JVM after {@link FirstCallProbe#CALLS} calls.
 */
final class FirstCall {

	static final List<String> VARIANTS = List.of("llm-client-eager", "llm-client-lazy", ContenderKind.FLOOR.name(),
			ContenderKind.JDK.name(), ContenderKind.SPRING_AI.name(), ContenderKind.LANGCHAIN4J.name());

	private final Settings settings;

	/**
	 * Per variant and round: construction, first call, steady-state median (ns), idle
	 * connections after construction.
	 */
	final Map<String, List<long[]>> results = new LinkedHashMap<>();

	FirstCall(Settings settings) {
		this.settings = settings;
	}

	FirstCall run(StubProcess stub) throws Exception {
		VARIANTS.forEach((variant) -> this.results.put(variant, new ArrayList<>()));
		for (int round = 0; round < this.settings.firstCallRounds(); round++) {
			for (String variant : Rotation.of(VARIANTS, round)) {
				List<String> lines = Jvm
					.run(Jvm.command(List.of("-Xmx256m"), FirstCallProbe.class, variant, stub.baseUrl(0)), 120);
				String result = lines.stream()
					.filter((line) -> line.startsWith("RESULT "))
					.findFirst()
					.orElseThrow(() -> new IllegalStateException("no result from " + variant + ": " + lines));
				String[] parts = result.split(" ");
				long[] values = { Long.parseLong(parts[1]), Long.parseLong(parts[2]), Long.parseLong(parts[3]),
						Long.parseLong(parts[4]) };
				this.results.get(variant).add(values);
				Log.progress("first call round %d %-22s build %6.1f ms, first call %6.1f ms, steady %6.3f ms",
						round + 1, variant, values[0] / 1e6, values[1] / 1e6, values[2] / 1e6);
			}
		}
		return this;
	}

	Spread spread(String variant, int index, double scale) {
		return Spread.of(this.results.get(variant).stream().mapToDouble((v) -> v[index] / scale).toArray());
	}

	String markdown() {
		Table table = new Table("client", "construction ms", "first call ms", "steady-state call ms (median)",
				"first call / steady state", "construction + first call ms",
				"idle pooled connections after construction");
		for (String variant : VARIANTS) {
			Spread ratio = Spread
				.of(this.results.get(variant).stream().mapToDouble((v) -> v[1] / (double) v[2]).toArray());
			Spread total = Spread
				.of(this.results.get(variant).stream().mapToDouble((v) -> (v[0] + v[1]) / 1e6).toArray());
			table.row(label(variant), spread(variant, 0, 1e6).format(1), spread(variant, 1, 1e6).format(1),
					spread(variant, 2, 1e6).format(3), String.format(Locale.ROOT, "%.0f×", ratio.median()),
					total.format(1), (this.results.get(variant).get(0)[3] < 0) ? "not exposed"
							: String.format(Locale.ROOT, "%.0f", spread(variant, 3, 1).median()));
		}
		return table.toString();
	}

	static String label(String variant) {
		return switch (variant) {
			case "llm-client-eager" -> "llm-client, eager-init=true";
			case "llm-client-lazy" -> "llm-client, eager-init=false";
			default -> ContenderKind.valueOf(variant).label();
		};
	}

}
