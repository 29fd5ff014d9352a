package dev.llmclient.internal.http;

import java.nio.charset.StandardCharsets;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One direction of one connection in HttpClient's wire log format
 * ({@code llm-outgoing-0 >> "Content-Type: application/json[\r][\n]"}), with the
 * credentials of an {@code Authorization} line replaced as the header log of
 * {@link MaskingConnectionFactory} replaces them ({@code Bearer ***}). The line state
 * carries over between writes, so a key split across two writes stays hidden.
 */
final class MaskingWireLog {

	/** HttpClient's own wire logger, so that turning it on shows this log. */
	static final Logger LOGGER = LoggerFactory.getLogger("org.apache.hc.client5.http.wire");

	private static final byte[] AUTHORIZATION = "authorization:".getBytes(StandardCharsets.US_ASCII);

	private final String id;

	private final String direction;

	/**
	 * Bytes of {@code authorization:} the current line starts with, -1 once it differs.
	 */
	private int matched;

	/**
	 * The scheme read so far, while inside an {@code Authorization} value before its
	 * first space.
	 */
	private StringBuilder scheme;

	/** Whether the rest of the line is credentials, dropped from the log. */
	private boolean secret;

	MaskingWireLog(String id, String direction) {
		this.id = id;
		this.direction = direction;
	}

	void endOfStream() {
		LOGGER.debug("{} {} \"end of stream\"", this.id, this.direction);
	}

	void log(byte[] bytes, int off, int len) {
		StringBuilder line = new StringBuilder(len + 16);
		for (int i = off; i < off + len; i++) {
			int ch = bytes[i] & 0xff;
			if (ch == '\r' || ch == '\n') {
				endValue(line);
				line.append((ch == '\r') ? "[\\r]" : "[\\n]");
				if (ch == '\n') {
					emit(line);
					this.matched = 0;
				}
			}
			else if (this.secret) {
				continue;
			}
			else if (this.scheme != null) {
				readValue(line, ch);
			}
			else {
				escape(line, ch);
				matchName(ch);
			}
		}
		if (this.scheme != null) {
			// the scheme is cut by the end of this write: hide all of the value
			this.scheme = null;
			this.secret = true;
			line.append("***");
		}
		emit(line);
	}

	private void matchName(int ch) {
		if (this.matched >= 0) {
			if (Character.toLowerCase(ch) != AUTHORIZATION[this.matched]) {
				this.matched = -1;
			}
			else if (++this.matched == AUTHORIZATION.length) {
				this.matched = -1;
				this.scheme = new StringBuilder();
			}
		}
	}

	private void readValue(StringBuilder line, int ch) {
		if (ch != ' ') {
			escape(this.scheme, ch);
		}
		else if (this.scheme.isEmpty()) {
			line.append(' ');
		}
		else {
			line.append(this.scheme).append(" ***");
			this.scheme = null;
			this.secret = true;
		}
	}

	private void endValue(StringBuilder line) {
		if (this.scheme != null) {
			line.append("***");
			this.scheme = null;
		}
		this.secret = false;
	}

	private void emit(StringBuilder line) {
		if (!line.isEmpty()) {
			LOGGER.debug("{} {} \"{}\"", this.id, this.direction, line.toString());
			line.setLength(0);
		}
	}

	private static void escape(StringBuilder line, int ch) {
		if (ch < 32 || ch >= 127) {
			line.append("[0x").append(Integer.toHexString(ch)).append(']');
		}
		else {
			line.append((char) ch);
		}
	}

}
