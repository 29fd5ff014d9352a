package dev.llmclient.sample.demo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a {@code multipart/form-data} body part by part as it arrives, so that an
 * uploaded file streams to disk instead of being held in memory. Each part's content is
 * read up to the next boundary; reading the next part skips what is left of the current
 * one.
 */
final class MultipartReader {

	private static final Pattern BOUNDARY = Pattern.compile("boundary=(?:\"([^\"]+)\"|([^;\\s]+))");

	private static final Pattern NAME = Pattern.compile("\\bname=\"([^\"]*)\"");

	private static final Pattern FILENAME = Pattern.compile("\\bfilename=\"([^\"]*)\"");

	private static final int MAX_HEADER_LINE = 8192;

	private final InputStream in;

	/** {@code CRLF--boundary}: what ends a part. */
	private final byte[] delimiter;

	/**
	 * For each prefix of the delimiter, the longest proper prefix that is also its
	 * suffix.
	 */
	private final int[] fallback;

	private PartContent current;

	private boolean finished;

	private MultipartReader(InputStream in, String boundary) {
		this.in = in;
		this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.US_ASCII);
		this.fallback = fallback(this.delimiter);
		// the first boundary has no CRLF before it: start as if one was read, and skip
		// the preamble
		this.current = new PartContent(2);
	}

	/**
	 * Starts reading a body.
	 * @param contentType the request's {@code Content-Type}
	 * @param body the request's body
	 * @return the reader
	 * @throws IllegalArgumentException when the content type is not
	 * {@code multipart/form-data} with a boundary
	 */
	static MultipartReader of(String contentType, InputStream body) {
		if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
			throw new IllegalArgumentException(
					"The body must be multipart/form-data, the Content-Type was " + contentType);
		}
		Matcher boundary = BOUNDARY.matcher(contentType);
		if (!boundary.find()) {
			throw new IllegalArgumentException("The multipart/form-data Content-Type names no boundary");
		}
		return new MultipartReader(body, (boundary.group(1) != null) ? boundary.group(1) : boundary.group(2));
	}

	/**
	 * Moves to the next part.
	 * @return the part, or {@code null} after the last one
	 * @throws IllegalArgumentException when the body is not well-formed multipart
	 */
	Part next() throws IOException {
		if (this.finished) {
			return null;
		}
		this.current.skipRest();
		int first = this.in.read();
		int second = this.in.read();
		if (first == '-' && second == '-') {
			this.finished = true;
			return null;
		}
		if (first != '\r' || second != '\n') {
			throw new IllegalArgumentException("The multipart body has a malformed boundary line");
		}
		String name = null;
		String filename = null;
		for (String header = readLine(); !header.isEmpty(); header = readLine()) {
			if (header.toLowerCase(Locale.ROOT).startsWith("content-disposition:")) {
				Matcher nameMatcher = NAME.matcher(header);
				Matcher filenameMatcher = FILENAME.matcher(header);
				name = nameMatcher.find() ? nameMatcher.group(1) : null;
				filename = filenameMatcher.find() ? filenameMatcher.group(1) : null;
			}
		}
		if (name == null) {
			throw new IllegalArgumentException("A part of the multipart body has no Content-Disposition name");
		}
		this.current = new PartContent(0);
		return new Part(name, filename, this.current);
	}

	private String readLine() throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		for (int b = this.in.read(); b != '\n'; b = this.in.read()) {
			if (b == -1 || line.size() > MAX_HEADER_LINE) {
				throw new IllegalArgumentException("The multipart body ends inside a part's headers");
			}
			if (b != '\r') {
				line.write(b);
			}
		}
		return line.toString(StandardCharsets.UTF_8);
	}

	private static int[] fallback(byte[] pattern) {
		int[] fallback = new int[pattern.length];
		for (int i = 1, k = 0; i < pattern.length; i++) {
			while (k > 0 && pattern[i] != pattern[k]) {
				k = fallback[k - 1];
			}
			if (pattern[i] == pattern[k]) {
				k++;
			}
			fallback[i] = k;
		}
		return fallback;
	}

	/**
	 * A part of the body.
	 *
	 * @param name the form field's name
	 * @param filename the file's name for a file part, else {@code null}
	 * @param content the part's bytes, up to the next boundary
	 */
	record Part(String name, String filename, InputStream content) {

		/**
		 * Reads a short text field.
		 * @param maxBytes the most bytes it may have
		 * @return its text
		 * @throws IllegalArgumentException when it is longer
		 */
		String text(int maxBytes) throws IOException {
			byte[] bytes = this.content.readNBytes(maxBytes + 1);
			if (bytes.length > maxBytes) {
				throw new IllegalArgumentException(
						"The form field '" + this.name + "' is longer than " + maxBytes + " bytes");
			}
			return new String(bytes, StandardCharsets.UTF_8);
		}

	}

	/**
	 * A part's content: the body's bytes until the delimiter, found while streaming by
	 * matching it as Knuth, Morris and Pratt do, holding only the bytes that may still
	 * start it.
	 */
	private final class PartContent extends InputStream {

		private final byte[] pending = new byte[MultipartReader.this.delimiter.length + 1];

		private int pendingStart;

		private int pendingEnd;

		/** Bytes of the delimiter matched so far. */
		private int matched;

		private boolean done;

		PartContent(int matched) {
			this.matched = matched;
		}

		@Override
		public int read() throws IOException {
			while (this.pendingStart == this.pendingEnd) {
				if (this.done) {
					return -1;
				}
				advance();
			}
			return this.pending[this.pendingStart++] & 0xff;
		}

		void skipRest() throws IOException {
			while (read() != -1) {
				// the rest of the part is not wanted
			}
		}

		private void advance() throws IOException {
			byte[] delimiter = MultipartReader.this.delimiter;
			this.pendingStart = 0;
			this.pendingEnd = 0;
			int b = MultipartReader.this.in.read();
			if (b == -1) {
				throw new IllegalArgumentException("The multipart body ends before its closing boundary");
			}
			while (this.matched > 0 && (byte) b != delimiter[this.matched]) {
				int kept = MultipartReader.this.fallback[this.matched - 1];
				int released = this.matched - kept;
				System.arraycopy(delimiter, 0, this.pending, this.pendingEnd, released);
				this.pendingEnd += released;
				this.matched = kept;
			}
			if ((byte) b == delimiter[this.matched]) {
				this.matched++;
				if (this.matched == delimiter.length) {
					this.done = true;
				}
			}
			else {
				this.pending[this.pendingEnd++] = (byte) b;
			}
		}

	}

}
