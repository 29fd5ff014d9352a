package dev.llmclient.internal.wire;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class SseReaderTests {

	private static List<SseReader.Event> readAll(InputStream in) throws IOException {
		SseReader reader = new SseReader(in, Long.MAX_VALUE);
		List<SseReader.Event> events = new ArrayList<>();
		SseReader.Event event;
		while ((event = reader.next()) != null) {
			events.add(event);
		}
		return events;
	}

	private static List<SseReader.Event> readAll(String body) throws IOException {
		return readAll(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
	}

	@Test
	void blankLineDispatchesEachEvent() throws IOException {
		assertThat(readAll("data: one\n\ndata: two\n\n")).extracting(SseReader.Event::data)
			.containsExactly("one", "two");
	}

	@Test
	void commentsAndKeepAlivesAreIgnored() throws IOException {
		assertThat(readAll(": ping\n\n:\n\ndata: one\n: inside an event\n\n: ping\n\n"))
			.extracting(SseReader.Event::data)
			.containsExactly("one");
	}

	@Test
	void multiLineDataIsJoinedWithNewlines() throws IOException {
		assertThat(readAll("data: {\"a\":\ndata:  1}\ndata\n\n")).extracting(SseReader.Event::data)
			.containsExactly("{\"a\":\n 1}\n");
	}

	@Test
	void onlyOneSpaceAfterTheColonIsDropped() throws IOException {
		assertThat(readAll("data:no space\n\ndata:  two spaces\n\n")).extracting(SseReader.Event::data)
			.containsExactly("no space", " two spaces");
	}

	@Test
	void eventIdAndRetryFieldsAreReadAndUnknownFieldsIgnored() throws IOException {
		SseReader reader = new SseReader(new ByteArrayInputStream(
				"event: error\nid: 7\nretry: 3000\nfoo: bar\ndata: x\n\ndata: y\n\n".getBytes(StandardCharsets.UTF_8)),
				Long.MAX_VALUE);
		SseReader.Event first = reader.next();
		assertThat(first.type()).isEqualTo("error");
		assertThat(first.id()).isEqualTo("7");
		assertThat(first.data()).isEqualTo("x");
		SseReader.Event second = reader.next();
		assertThat(second.type()).isEqualTo("message");
		assertThat(second.id()).isEqualTo("7");
		assertThat(reader.retryMillis()).isEqualTo(3000);
		assertThat(reader.next()).isNull();
	}

	@Test
	void eventWithoutDataIsNotDispatchedAndItsTypeDoesNotLeakIntoTheNext() throws IOException {
		assertThat(readAll("event: ping\n\ndata: one\n\n")).singleElement()
			.satisfies((event) -> assertThat(event.type()).isEqualTo("message"));
	}

	@Test
	void crLfAndLoneCrEndLinesAsLfDoes() throws IOException {
		assertThat(readAll("data: a\r\n\r\ndata: b\r\rdata: c\n\n")).extracting(SseReader.Event::data)
			.containsExactly("a", "b", "c");
	}

	@Test
	void crLfSplitAcrossReadsIsOneLineEnd() throws IOException {
		assertThat(readAll(new ChunkedStream("data: a\r", "\n\r", "\ndata: b\n\n"))).extracting(SseReader.Event::data)
			.containsExactly("a", "b");
	}

	@Test
	void leadingByteOrderMarkIsSkipped() throws IOException {
		assertThat(readAll("\uFEFFdata: a\n\n")).extracting(SseReader.Event::data).containsExactly("a");
	}

	@Test
	void multiByteCharacterSplitAcrossReadsIsDecodedIntact() throws IOException {
		byte[] bytes = "data: héllo ✓ 🙂\n\n".getBytes(StandardCharsets.UTF_8);
		List<byte[]> pieces = new ArrayList<>();
		for (byte b : bytes) {
			pieces.add(new byte[] { b });
		}
		assertThat(readAll(new ChunkedStream(pieces))).extracting(SseReader.Event::data).containsExactly("héllo ✓ 🙂");
	}

	@Test
	void eventIsReturnedWithoutReadingPastItsBlankLine() throws IOException {
		ChunkedStream in = new ChunkedStream("data: first\n\n", "data: second\n\n");
		SseReader reader = new SseReader(in, Long.MAX_VALUE);
		assertThat(reader.next().data()).isEqualTo("first");
		assertThat(in.piecesRead()).isEqualTo(1);
		assertThat(reader.next().data()).isEqualTo("second");
	}

	@Test
	void lastEventEndedByTheBodyAfterACompleteLineIsDispatched() throws IOException {
		assertThat(readAll("data: a\n\ndata: [DONE]\n")).extracting(SseReader.Event::data)
			.containsExactly("a", "[DONE]");
	}

	@Test
	void eventCutInTheMiddleOfALineIsDropped() throws IOException {
		assertThat(readAll("data: a\n\ndata: b\ndata: {\"cho")).extracting(SseReader.Event::data).containsExactly("a");
	}

	@Test
	void streamPastTheLimitStops() throws IOException {
		SseReader reader = new SseReader(new ChunkedStream("data: 0123456789\n\n", "data: 0123456789\n\n"), 30);
		assertThat(reader.next().data()).isEqualTo("0123456789");
		assertThatExceptionOfType(SseReader.LimitExceededException.class).isThrownBy(reader::next);
	}

	@Test
	void endlessLineWithoutNewlineStopsAtTheLimit() {
		byte[] line = new byte[100_000];
		java.util.Arrays.fill(line, (byte) 'x');
		SseReader reader = new SseReader(new ByteArrayInputStream(line), 10_000);
		assertThatExceptionOfType(SseReader.LimitExceededException.class).isThrownBy(reader::next);
	}

	/** Hands out the given pieces one read at a time, and fails if read past them. */
	private static final class ChunkedStream extends InputStream {

		private final Deque<byte[]> pieces;

		private int piecesRead;

		private boolean ended;

		ChunkedStream(String... pieces) {
			this.pieces = new ArrayDeque<>();
			for (String piece : pieces) {
				this.pieces.add(piece.getBytes(StandardCharsets.UTF_8));
			}
		}

		ChunkedStream(List<byte[]> pieces) {
			this.pieces = new ArrayDeque<>(pieces);
		}

		int piecesRead() {
			return this.piecesRead;
		}

		@Override
		public int read() {
			throw new UnsupportedOperationException();
		}

		@Override
		public int read(byte[] b, int off, int len) {
			byte[] piece = this.pieces.poll();
			if (piece == null) {
				if (this.ended) {
					throw new AssertionError("read after the end of the body");
				}
				this.ended = true;
				return -1;
			}
			this.piecesRead++;
			System.arraycopy(piece, 0, b, off, piece.length);
			return piece.length;
		}

	}

}
