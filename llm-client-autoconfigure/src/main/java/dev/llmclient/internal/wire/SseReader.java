package dev.llmclient.internal.wire;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads a {@code text/event-stream} body event by event, as the bytes arrive, following
 * the parsing rules of the HTML Living Standard: lines end with CRLF, LF or CR; a leading
 * BOM is skipped; lines starting with {@code :} are comments (keep-alives such as
 * {@code : ping}); {@code data:} lines are joined with {@code \n}; one space after the
 * colon is dropped; an empty line dispatches the event; {@code id:} and {@code retry:}
 * are parsed and an unknown field is ignored. Each line is decoded as a whole, so a
 * character split across network reads is intact.
 * <p>
 * One deliberate leniency: when the body ends right after a complete line but without the
 * blank line that would dispatch the last event, that event is still dispatched (servers
 * do end with {@code data: [DONE]\n}); an event whose last line was cut in its middle is
 * dropped.
 * <p>
 * The reader counts every byte it consumes and stops with {@link LimitExceededException}
 * once the events within the limit are read, so neither one huge line nor an endless
 * stream is held in memory.
 */
final class SseReader {

	/** One dispatched event. */
	record Event(String type, String data, String id) {
	}

	/** The stream passed the byte limit: it was not read any further. */
	static final class LimitExceededException extends IOException {

		private static final long serialVersionUID = 1L;

		LimitExceededException(long limit) {
			super("event stream larger than " + limit + " bytes");
		}

	}

	private static final String DEFAULT_TYPE = "message";

	private final InputStream in;

	private final long limit;

	private final byte[] buffer = new byte[8192];

	private int position;

	private int count;

	private long consumed;

	private byte[] line = new byte[256];

	private int lineLength;

	private boolean previousWasCr;

	private boolean atStart = true;

	private boolean eof;

	private boolean cutMidLine;

	private boolean overLimit;

	private final StringBuilder data = new StringBuilder();

	private boolean hasData;

	private String type;

	private String lastEventId;

	private long retryMillis = -1;

	SseReader(InputStream in, long limit) {
		this.in = in;
		this.limit = limit;
	}

	/**
	 * Reads until the next event is complete. Blocks only while no complete event is
	 * buffered.
	 * @return the event, or {@code null} once the body has ended
	 * @throws LimitExceededException when the stream passed the byte limit
	 * @throws IOException when reading fails
	 */
	Event next() throws IOException {
		while (true) {
			String text = nextLine();
			if (text == null) {
				if (this.cutMidLine) {
					this.cutMidLine = false;
					this.data.setLength(0);
					this.hasData = false;
				}
				return dispatch();
			}
			if (text.isEmpty()) {
				Event event = dispatch();
				if (event != null) {
					return event;
				}
				continue;
			}
			processField(text);
		}
	}

	/**
	 * The latest {@code retry:} the server asked for, in milliseconds, or -1; not acted
	 * on.
	 */
	long retryMillis() {
		return this.retryMillis;
	}

	/** Bytes consumed so far. */
	long consumed() {
		return this.consumed;
	}

	private void processField(String text) {
		if (text.charAt(0) == ':') {
			return;
		}
		int colon = text.indexOf(':');
		String field = (colon >= 0) ? text.substring(0, colon) : text;
		String value = "";
		if (colon >= 0) {
			int start = colon + 1;
			if (start < text.length() && text.charAt(start) == ' ') {
				start++;
			}
			value = text.substring(start);
		}
		switch (field) {
			case "data" -> {
				if (this.hasData) {
					this.data.append('\n');
				}
				this.data.append(value);
				this.hasData = true;
			}
			case "event" -> this.type = value;
			case "id" -> {
				if (value.indexOf('\u0000') < 0) {
					this.lastEventId = value;
				}
			}
			case "retry" -> {
				if (!value.isEmpty() && value.chars().allMatch((c) -> c >= '0' && c <= '9') && value.length() < 19) {
					this.retryMillis = Long.parseLong(value);
				}
			}
			default -> {
				// unknown fields are ignored, as the standard says
			}
		}
	}

	private Event dispatch() {
		if (!this.hasData) {
			this.type = null;
			return null;
		}
		Event event = new Event((this.type == null || this.type.isEmpty()) ? DEFAULT_TYPE : this.type,
				this.data.toString(), this.lastEventId);
		this.data.setLength(0);
		this.hasData = false;
		this.type = null;
		return event;
	}

	/**
	 * The next complete line without its terminator, or {@code null} at the end of the
	 * body.
	 */
	private String nextLine() throws IOException {
		while (true) {
			if (this.position == this.count && !fill()) {
				// an event cut in the middle of a line is not trusted: the stream was cut
				this.cutMidLine = this.lineLength > 0;
				this.lineLength = 0;
				return null;
			}
			byte b = this.buffer[this.position++];
			if (this.previousWasCr) {
				this.previousWasCr = false;
				if (b == '\n') {
					continue;
				}
			}
			if (b == '\n' || b == '\r') {
				this.previousWasCr = (b == '\r');
				return takeLine();
			}
			append(b);
		}
	}

	private String takeLine() {
		int offset = 0;
		if (this.atStart) {
			this.atStart = false;
			if (this.lineLength >= 3 && (this.line[0] & 0xFF) == 0xEF && (this.line[1] & 0xFF) == 0xBB
					&& (this.line[2] & 0xFF) == 0xBF) {
				offset = 3;
			}
		}
		String text = new String(this.line, offset, this.lineLength - offset, StandardCharsets.UTF_8);
		this.lineLength = 0;
		return text;
	}

	private void append(byte b) {
		if (this.lineLength == this.line.length) {
			this.line = Arrays.copyOf(this.line, this.line.length * 2);
		}
		this.line[this.lineLength++] = b;
	}

	/**
	 * Reads more bytes; those past the limit are dropped, so the events before it are
	 * still returned.
	 */
	private boolean fill() throws IOException {
		if (this.eof) {
			return false;
		}
		if (this.overLimit) {
			throw new LimitExceededException(this.limit);
		}
		int n = this.in.read(this.buffer);
		if (n == -1) {
			this.eof = true;
			return false;
		}
		long allowed = this.limit - this.consumed;
		if (n > allowed) {
			n = (int) allowed;
			this.overLimit = true;
			if (n == 0) {
				throw new LimitExceededException(this.limit);
			}
		}
		this.consumed += n;
		this.position = 0;
		this.count = n;
		return true;
	}

}
