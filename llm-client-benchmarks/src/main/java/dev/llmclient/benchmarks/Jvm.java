package dev.llmclient.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts JVMs of the same Java and class path as this one, and reads this JVM's CPU and
 * allocation.
 */
final class Jvm {

	private static final com.sun.management.OperatingSystemMXBean OS = (com.sun.management.OperatingSystemMXBean) ManagementFactory
		.getOperatingSystemMXBean();

	private static final com.sun.management.ThreadMXBean THREADS = (com.sun.management.ThreadMXBean) ManagementFactory
		.getThreadMXBean();

	private Jvm() {
	}

	static List<String> command(List<String> jvmOptions, Class<?> mainClass, String... args) {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.addAll(jvmOptions);
		command.add("-cp");
		command.add(System.getProperty("java.class.path"));
		command.add(mainClass.getName());
		command.addAll(List.of(args));
		return command;
	}

	/** Runs a child JVM to its end and returns its standard output lines. */
	static List<String> run(List<String> command, long timeoutSeconds) throws IOException, InterruptedException {
		Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
		process.getOutputStream().close();
		List<String> lines = new ArrayList<>();
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = reader.readLine()) != null) {
				lines.add(line);
			}
		}
		if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
			process.destroyForcibly();
			throw new IOException("child JVM did not end within " + timeoutSeconds + " s: " + command);
		}
		if (process.exitValue() != 0) {
			throw new IOException("child JVM failed with exit code " + process.exitValue() + ": " + lines);
		}
		return lines;
	}

	/** CPU time of this whole JVM: every thread, GC and JIT compilers included. */
	static long processCpuNanos() {
		return OS.getProcessCpuTime();
	}

	/**
	 * Bytes allocated so far by the threads alive now; a snapshot to subtract from a
	 * later one.
	 */
	static AllocationSnapshot allocation() {
		long[] ids = THREADS.getAllThreadIds();
		long[] bytes = THREADS.getThreadAllocatedBytes(ids);
		return new AllocationSnapshot(ids, bytes);
	}

	/** Per-thread allocation counters at one moment. */
	record AllocationSnapshot(long[] ids, long[] bytes) {

		/**
		 * Bytes allocated between {@code earlier} and this snapshot by the threads alive
		 * now (threads born in between count from zero; threads that died in between are
		 * missed, so take this snapshot before the worker threads end).
		 */
		long since(AllocationSnapshot earlier) {
			java.util.Map<Long, Long> before = new java.util.HashMap<>();
			for (int i = 0; i < earlier.ids.length; i++) {
				before.put(earlier.ids[i], earlier.bytes[i]);
			}
			long total = 0;
			for (int i = 0; i < this.ids.length; i++) {
				if (this.bytes[i] >= 0) {
					total += this.bytes[i] - before.getOrDefault(this.ids[i], 0L);
				}
			}
			return total;
		}

	}

}
