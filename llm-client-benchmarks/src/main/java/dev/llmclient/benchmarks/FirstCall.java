package dev.llmclient.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.llmclient.WarmUpSettings;

/**
 * First call: each variant in a fresh JVM (class loading and JIT are part of a real first
 * call), against a stub answering at once; construction time, first-call latency and the
 * steady-state median of the same JVM after {@link FirstCallProbe#CALLS} calls, in wall
 * time and in the calling thread's CPU time. llm-client runs eagerly with the default
 * {@code warm-up.requests} (none) and with {@value #REQUESTS}, so the report shows what
 * such requests add to start-up and take off the first call.
 */
final class FirstCall {

	private static final String EAGER = "llm-client-eager";

	/** The warm-up requests of the variant that sends some. */
	static final int REQUESTS = 200;

	private static final String EAGER_WITH_REQUESTS = FirstCallProbe.EAGER_REQUESTS + REQUESTS;

	static final List<String> VARIANTS = List.of(EAGER, EAGER_WITH_REQUESTS, "llm-client-lazy",
			ContenderKind.FLOOR.name(), ContenderKind.JDK.name(), ContenderKind.SPRING_AI.name(),
			ContenderKind.LANGCHAIN4J.name());

	private final Settings settings;

	/**
	 * Per variant and round: construction, first call, steady-state median (ns), idle
	 * connections after construction, first call's and steady-state median CPU time of
	 * the calling thread (ns).
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
				long[] values = new long[6];
				for (int i = 0; i < values.length; i++) {
					values[i] = Long.parseLong(parts[i + 1]);
				}
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
				"first call / steady state", "same in calling-thread CPU", "construction + first call ms",
				"idle pooled connections after construction");
		for (String variant : VARIANTS) {
			Spread total = Spread
				.of(this.results.get(variant).stream().mapToDouble((v) -> (v[0] + v[1]) / 1e6).toArray());
			table.row(label(variant), spread(variant, 0, 1e6).format(1), spread(variant, 1, 1e6).format(1),
					spread(variant, 2, 1e6).format(3), ratio(variant, 1, 2).format(1) + " ×",
					ratio(variant, 4, 5).format(1) + " ×", total.format(1), (this.results.get(variant).get(0)[3] < 0)
							? "not exposed" : String.format(Locale.ROOT, "%.0f", spread(variant, 3, 1).median()));
		}
		return table.toString() + "\n" + warmUpRequests();
	}

	/** First over steady state, per round. */
	private Spread ratio(String variant, int first, int steady) {
		return Spread
			.of(this.results.get(variant).stream().mapToDouble((v) -> v[first] / (double) v[steady]).toArray());
	}

	/**
	 * What warm-up requests add to construction: per round, eager construction with
	 * {@value #REQUESTS} of them less that with the default (none).
	 */
	private String warmUpRequests() {
		List<long[]> with = this.results.get(EAGER_WITH_REQUESTS);
		List<long[]> none = this.results.get(EAGER);
		double[] added = new double[with.size()];
		for (int round = 0; round < added.length; round++) {
			added[round] = (with.get(round)[0] - none.get(round)[0]) / 1e6;
		}
		return String.format(Locale.ROOT,
				"%d warm-up requests (`llm.client.warm-up.requests=%d`; the default is %d) add %s ms to construction "
						+ "(per round, eager construction less that with the default; median (min–max)) and take "
						+ "the first call from %.1f × to %.1f × a steady-state call (%.1f × to %.1f × in the "
						+ "calling thread's CPU time).\n",
				REQUESTS, REQUESTS, WarmUpSettings.DEFAULTS.requests(), Spread.of(added).format(1),
				ratio(EAGER, 1, 2).median(), ratio(EAGER_WITH_REQUESTS, 1, 2).median(), ratio(EAGER, 4, 5).median(),
				ratio(EAGER_WITH_REQUESTS, 4, 5).median());
	}

	static String label(String variant) {
		return switch (variant) {
			case EAGER -> "llm-client, eager-init=true";
			case EAGER_WITH_REQUESTS -> "llm-client, eager-init=true, warm-up.requests=" + REQUESTS;
			case "llm-client-lazy" -> "llm-client, eager-init=false";
			default -> ContenderKind.valueOf(variant).label();
		};
	}

}
