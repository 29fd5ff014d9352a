package dev.llmclient.internal.wire;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BoundedBodyTests {

	@Test
	void readsBodiesOfEverySizeUpToTheLimitWhole() throws IOException {
		for (int size : new int[] { 0, 1, 305, 1023, 1024, 1025, 5000, 70_000 }) {
			byte[] body = body(size);
			assertThat(BoundedBody.read(trickle(body), 100_000)).as("size %d", size).isEqualTo(body);
		}
	}

	@Test
	void acceptsABodyOfExactlyTheLimit() throws IOException {
		byte[] body = body(3000);
		assertThat(BoundedBody.read(trickle(body), 3000)).isEqualTo(body);
	}

	@Test
	void refusesABodyOneBytePastTheLimitWithoutReadingTheRest() throws IOException {
		CountingStream in = new CountingStream(body(1_000_000));
		assertThat(BoundedBody.read(in, 3000)).isNull();
		assertThat(in.read).isEqualTo(3001);
	}

	@Test
	void acceptsTheLargestLimits() throws IOException {
		byte[] body = body(2048);
		assertThat(BoundedBody.read(trickle(body), Long.MAX_VALUE)).isEqualTo(body);
	}

	private static byte[] body(int size) {
		byte[] body = new byte[size];
		for (int i = 0; i < size; i++) {
			body[i] = (byte) ('a' + i % 26);
		}
		return body;
	}

	/** Hands out at most 700 bytes per read, as a socket does. */
	private static InputStream trickle(byte[] body) {
		return new ByteArrayInputStream(body) {

			@Override
			public synchronized int read(byte[] buffer, int offset, int length) {
				return super.read(buffer, offset, Math.min(length, 700));
			}

		};
	}

	private static final class CountingStream extends ByteArrayInputStream {

		int read;

		CountingStream(byte[] body) {
			super(body);
		}

		@Override
		public synchronized int read(byte[] buffer, int offset, int length) {
			int n = super.read(buffer, offset, length);
			if (n > 0) {
				this.read += n;
			}
			return n;
		}

	}

}
