package dev.llmclient.benchmarks;

import java.util.Arrays;
import java.util.Locale;

/** Median, minimum and maximum of a few rounds. */
record Spread(double median, double min, double max) {

	static Spread of(double... values) {
		double[] sorted = values.clone();
		Arrays.sort(sorted);
		int n = sorted.length;
		double median = (n % 2 == 1) ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
		return new Spread(median, sorted[0], sorted[n - 1]);
	}

	static Spread of(java.util.List<Double> values) {
		return of(values.stream().mapToDouble(Double::doubleValue).toArray());
	}

	/** {@code median (min–max)} with the given number of decimals. */
	String format(int decimals) {
		String pattern = "%." + decimals + "f";
		return String.format(Locale.ROOT, pattern + " (" + pattern + "–" + pattern + ")", this.median, this.min,
				this.max);
	}

}
