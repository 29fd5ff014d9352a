package dev.llmclient.benchmarks;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Overhead: a stub answering at once, K client threads calling back to back; calls per
 * second, CPU time and allocation per call, new connections in steady state, as ratios to
 * the floor. Every contender is warmed up, then the contenders take turns within each
 * round.
 */
final class Overhead {

	static final List<ContenderKind> CONTENDERS = List.of(ContenderKind.FLOOR, ContenderKind.LLM_CLIENT,
			ContenderKind.LLM_CLIENT_NO_METRICS, ContenderKind.JDK, ContenderKind.SPRING_AI, ContenderKind.LANGCHAIN4J,
			ContenderKind.RAW_SOCKET);

	private final Settings settings;

	/** Per thread count, per contender, one measurement per round. */
	final Map<Integer, Map<ContenderKind, List<ClosedLoop.Measurement>>> results = new LinkedHashMap<>();

	Overhead(Settings settings) {
		this.settings = settings;
	}

	Overhead run(StubProcess stub) throws Exception {
		int pool = this.settings.threads().stream().mapToInt(Integer::intValue).max().orElse(64);
		String baseUrl = stub.baseUrl(0);
		Map<ContenderKind, Contender> contenders = new EnumMap<>(ContenderKind.class);
		try {
			for (ContenderKind kind : CONTENDERS) {
				contenders.put(kind, kind.create(baseUrl, pool));
			}
			for (ContenderKind kind : CONTENDERS) {
				Log.progress("overhead: warming up %s", kind.label());
				ClosedLoop.run(contenders.get(kind), 8, this.settings.firstWarmupMillis(), stub);
			}
			for (int threads : this.settings.threads()) {
				Map<ContenderKind, List<ClosedLoop.Measurement>> byContender = new EnumMap<>(ContenderKind.class);
				this.results.put(threads, byContender);
				for (ContenderKind kind : CONTENDERS) {
					ClosedLoop.run(contenders.get(kind), threads, this.settings.warmupMillis(), stub);
					byContender.put(kind, new ArrayList<>());
				}
				for (int round = 0; round < this.settings.rounds(); round++) {
					for (ContenderKind kind : Rotation.of(CONTENDERS, round)) {
						System.gc();
						ClosedLoop.Measurement m = ClosedLoop.run(contenders.get(kind), threads,
								this.settings.windowMillis(), stub);
						byContender.get(kind).add(m);
						Log.progress(
								"overhead K=%d round %d %-28s %8.0f calls/s %7.1f us CPU/call %6.1f KB/call %d new conn%s",
								threads, round + 1, kind.label(), m.callsPerSecond(), m.cpuMicrosPerCall(),
								m.kilobytesPerCall(), m.newConnections(),
								(m.errors() > 0) ? "  errors " + m.errors() + ": " + m.firstError() : "");
					}
				}
			}
		}
		finally {
			contenders.values().forEach(Contender::close);
		}
		return this;
	}

	/**
	 * CPU per call of a contender over the floor's, per round (same round: same machine
	 * state).
	 */
	Spread cpuRatio(int threads, ContenderKind kind) {
		List<ClosedLoop.Measurement> floor = this.results.get(threads).get(ContenderKind.FLOOR);
		List<ClosedLoop.Measurement> own = this.results.get(threads).get(kind);
		double[] ratios = new double[own.size()];
		for (int i = 0; i < ratios.length; i++) {
			ratios[i] = own.get(i).cpuMicrosPerCall() / floor.get(i).cpuMicrosPerCall();
		}
		return Spread.of(ratios);
	}

	Spread metric(int threads, ContenderKind kind, java.util.function.ToDoubleFunction<ClosedLoop.Measurement> metric) {
		return Spread.of(this.results.get(threads).get(kind).stream().mapToDouble(metric).toArray());
	}

	String markdown() {
		StringBuilder out = new StringBuilder();
		Table table = new Table("K threads", "client", "calls/s", "CPU µs per call", "× floor (CPU per call)",
				"calls per CPU-second", "KB allocated per call", "new connections per 5 s", "errors");
		for (int threads : this.results.keySet()) {
			for (ContenderKind kind : CONTENDERS) {
				if (kind == ContenderKind.RAW_SOCKET) {
					continue;
				}
				Spread cpu = metric(threads, kind, ClosedLoop.Measurement::cpuMicrosPerCall);
				long errors = this.results.get(threads)
					.get(kind)
					.stream()
					.mapToLong(ClosedLoop.Measurement::errors)
					.sum();
				long calls = this.results.get(threads)
					.get(kind)
					.stream()
					.mapToLong(ClosedLoop.Measurement::calls)
					.sum();
				table.row(threads, kind.label(),
						metric(threads, kind, ClosedLoop.Measurement::callsPerSecond).format(0), cpu.format(1),
						(kind == ContenderKind.FLOOR) ? "1.00" : cpuRatio(threads, kind).format(2),
						String.format(Locale.ROOT, "%.0f", 1e6 / cpu.median()),
						metric(threads, kind, ClosedLoop.Measurement::kilobytesPerCall).format(1),
						metric(threads, kind, ClosedLoop.Measurement::newConnectionsPer5s).format(0),
						(errors == 0) ? "0" : errors + " of " + (calls + errors));
			}
		}
		out.append(table);
		out.append("\nStub check (is the stub the bottleneck?): the same K threads with a raw blocking socket each, "
				+ "no HTTP library, no JSON, measured in the same rounds.\n\n");
		Table stubTable = new Table("K threads", "raw socket calls/s", "floor calls/s", "fastest client calls/s",
				"stub CPU µs per request (median of all windows)", "raw socket CPU µs per call (client side)");
		for (int threads : this.results.keySet()) {
			double fastest = 0;
			String fastestName = "";
			for (ContenderKind kind : CONTENDERS) {
				if (kind == ContenderKind.RAW_SOCKET) {
					continue;
				}
				double median = metric(threads, kind, ClosedLoop.Measurement::callsPerSecond).median();
				if (median > fastest) {
					fastest = median;
					fastestName = kind.label();
				}
			}
			List<Double> stubCpu = new ArrayList<>();
			this.results.get(threads)
				.values()
				.forEach((list) -> list.forEach((m) -> stubCpu.add(m.stubCpuMicrosPerCall())));
			stubTable.row(threads,
					metric(threads, ContenderKind.RAW_SOCKET, ClosedLoop.Measurement::callsPerSecond).format(0),
					metric(threads, ContenderKind.FLOOR, ClosedLoop.Measurement::callsPerSecond).format(0),
					String.format(Locale.ROOT, "%.0f (%s)", fastest, fastestName),
					String.format(Locale.ROOT, "%.1f", Spread.of(stubCpu).median()),
					metric(threads, ContenderKind.RAW_SOCKET, ClosedLoop.Measurement::cpuMicrosPerCall).format(1));
		}
		out.append(stubTable);
		return out.toString();
	}

}
