package dev.llmclient.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Batch jobs (issue 27): the client's own cost of a job of {@value #REQUESTS} requests on
 * the provider's Batch API, against the same prompts as a live batch at
 * {@code max-concurrent} {@value BatchJobsProbe#MAX_CONCURRENT}, on one loopback server
 * that finishes a batch at once ({@link FakeBatchProvider}), so what is left is the
 * client's work: writing and uploading the JSONL input, then downloading and parsing the
 * output; or making every call. Time and heap added ({@link HeapWatch}) per phase, in a
 * fresh JVM ({@value #JVM_OPTIONS}) per kind, running the fake server too. Run from
 * {@link BenchmarkMain} with {@code --only=batch-jobs}, or by hand:
 *
 * <pre>
 * ./mvnw -B -q -Pbench -pl llm-client-benchmarks -am package -DskipTests
 * java -cp llm-client-benchmarks/target/llm-client-benchmarks.jar dev.llmclient.benchmarks.BatchJobsBenchmark
 * </pre>
 */
public final class BatchJobsBenchmark {

	static final int REQUESTS = 50_000;

	/** The target: heap added while writing or reading a 50 000-request job. */
	static final long TARGET_BYTES = 64L * 1024 * 1024;

	private static final String JVM_OPTIONS = "-Xmx1g -Xmn16m -XX:+UseSerialGC";

	private static final long TIMEOUT_SECONDS = 1800;

	private BatchJobsBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		System.out.println(run(REQUESTS).markdown());
		System.exit(0);
	}

	/**
	 * Runs the probe JVMs: one for the job, one for the live batch.
	 * @param requests requests in the job and the live batch
	 * @return the phases measured
	 * @throws Exception when the probe fails
	 */
	static Results run(int requests) throws Exception {
		Log.progress("batch-jobs: %d requests as a job and as a live batch (a fresh JVM each, %s)", requests,
				JVM_OPTIONS);
		List<String> lines = new ArrayList<>();
		for (String kind : List.of("job", "live")) {
			lines.addAll(Jvm.run(Jvm.command(List.of(JVM_OPTIONS.split(" ")), BatchJobsProbe.class,
					Integer.toString(requests), kind), TIMEOUT_SECONDS));
		}
		List<Phase> phases = new ArrayList<>();
		for (String line : lines) {
			if (line.startsWith("PHASE ")) {
				String[] parts = line.split(" ");
				Phase phase = new Phase(parts[1], Double.parseDouble(parts[2]), Long.parseLong(parts[3]),
						Long.parseLong(parts[4]), Long.parseLong(parts[5]));
				Log.progress("batch-jobs: %-15s %7.2f s, heap added %6.1f MB, retained %6.1f MB", phase.name(),
						phase.seconds(), mb(phase.addedBytes()), mb(phase.retainedBytes()));
				phases.add(phase);
			}
		}
		return new Results(requests, phases);
	}

	private static double mb(long bytes) {
		return bytes / 1048576.0;
	}

	/** One phase as the probe printed it. */
	record Phase(String name, double seconds, long addedBytes, long retainedBytes, long peakUsedBytes) {

	}

	/** What one run measured. */
	record Results(int requests, List<Phase> phases) {

		/**
		 * The table, in Markdown, with a line saying what was run and whether the target
		 * is met.
		 */
		String markdown() {
			StringBuilder out = new StringBuilder();
			out.append(String.format(Locale.ROOT,
					"%,d chat requests, one loopback server finishing each batch at once; a fresh JVM (%s) per "
							+ "kind, with the fake server in it; heap added = most heap live after any GC during the phase, less before; "
							+ "retained = live after it, less before; peak = the heap pools' peak use, garbage "
							+ "included, less before.%n%n",
					this.requests, JVM_OPTIONS));
			Table table = new Table("phase", "time (s)", "heap added (MB)", "retained after (MB)",
					"peak incl. garbage (MB)");
			double jobSeconds = 0;
			for (Phase phase : this.phases) {
				if (!phase.name().equals("live")) {
					jobSeconds += phase.seconds();
				}
				table.row(label(phase.name()), String.format(Locale.ROOT, "%.2f", phase.seconds()),
						String.format(Locale.ROOT, "%.1f", mb(phase.addedBytes())),
						String.format(Locale.ROOT, "%.1f", mb(phase.retainedBytes())),
						String.format(Locale.ROOT, "%.1f", mb(phase.peakUsedBytes())));
			}
			out.append(table).append('\n');
			long worst = this.phases.stream()
				.filter((phase) -> !phase.name().equals("live"))
				.mapToLong(Phase::addedBytes)
				.max()
				.orElse(0);
			double live = this.phases.stream()
				.filter((phase) -> phase.name().equals("live"))
				.mapToDouble(Phase::seconds)
				.findFirst()
				.orElse(Double.NaN);
			out.append(String.format(Locale.ROOT,
					"The job's client-side work took %.2f s against %.2f s for the live batch (%.2f×); the most heap "
							+ "it added while writing or reading was %.1f MB: target at most %d MB %s.%n",
					jobSeconds, live, jobSeconds / live, mb(worst), TARGET_BYTES / 1048576,
					(worst <= TARGET_BYTES) ? "met" : "NOT met"));
			return out.toString();
		}

		private static String label(String phase) {
			return switch (phase) {
				case "write-upload" -> "job: write and upload the input (`submit`)";
				case "download-parse" -> "job: download and parse the output (`result`)";
				case "live" -> "live batch, max-concurrent " + BatchJobsProbe.MAX_CONCURRENT + " (`chatAll`)";
				default -> phase;
			};
		}

	}

}
