package dev.llmclient.benchmarks;

import java.util.Locale;

/** Progress lines on standard error, so standard output holds only the tables. */
final class Log {

	private static final long START = System.nanoTime();

	private Log() {
	}

	static void progress(String format, Object... args) {
		long seconds = (System.nanoTime() - START) / 1_000_000_000L;
		System.err.printf(Locale.ROOT, "[%3d s] " + format + "%n", prepend(seconds, args));
	}

	private static Object[] prepend(long seconds, Object[] args) {
		Object[] all = new Object[args.length + 1];
		all[0] = seconds;
		System.arraycopy(args, 0, all, 1, args.length);
		return all;
	}

}
