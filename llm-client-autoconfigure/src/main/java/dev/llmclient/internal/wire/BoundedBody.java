package dev.llmclient.internal.wire;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

import org.apache.hc.core5.http.io.EofSensorInputStream;

/**
 * Reads a response body up to a limit. Past the limit it stops and aborts the connection,
 * so an oversized answer is neither held in memory nor downloaded to its end.
 */
public final class BoundedBody {

	/**
	 * First buffer size: a typical completion is a few hundred bytes. Reading straight
	 * into a growing array (rather than an 8 KB copy buffer plus an 8 KB
	 * ByteArrayOutputStream) took about 15 KB off every call's allocation (see
	 * docs/benchmarks.md).
	 */
	private static final int INITIAL_SIZE = 1024;

	/** Largest array the JVM reliably allocates. */
	private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

	private BoundedBody() {
	}

	/**
	 * Reads the whole body.
	 * @param in the body
	 * @param limit the most bytes accepted
	 * @return the bytes, or {@code null} when the body is larger than the limit
	 * @throws IOException when reading fails
	 */
	public static byte[] read(InputStream in, long limit) throws IOException {
		// one byte past the limit is enough to tell an oversized body
		int cap = (limit >= MAX_ARRAY) ? MAX_ARRAY : (int) limit + 1;
		byte[] buffer = new byte[Math.min(INITIAL_SIZE, cap)];
		int total = 0;
		while (true) {
			if (total == buffer.length) {
				if (total > limit) {
					abort(in);
					return null;
				}
				if (total == cap) {
					// the limit is past what one array holds: treat it as reached
					abort(in);
					return null;
				}
				buffer = Arrays.copyOf(buffer, (int) Math.min((long) buffer.length * 2, cap));
			}
			int n = in.read(buffer, total, buffer.length - total);
			if (n == -1) {
				break;
			}
			total += n;
		}
		if (total > limit) {
			abort(in);
			return null;
		}
		return (total == buffer.length) ? buffer : Arrays.copyOf(buffer, total);
	}

	/** Discards the connection instead of draining the rest of the body. */
	static void abort(InputStream in) throws IOException {
		if (in instanceof EofSensorInputStream sensor) {
			sensor.abort();
		}
	}

}
