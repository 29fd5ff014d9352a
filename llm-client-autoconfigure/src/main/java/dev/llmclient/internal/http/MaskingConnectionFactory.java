package dev.llmclient.internal.http;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.SSLSocket;

import org.apache.hc.client5.http.impl.io.DefaultHttpResponseParserFactory;
import org.apache.hc.client5.http.io.ManagedHttpClientConnection;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.impl.io.DefaultBHttpClientConnection;
import org.apache.hc.core5.http.impl.io.DefaultHttpRequestWriterFactory;
import org.apache.hc.core5.http.impl.io.NoResponseOutOfOrderStrategy;
import org.apache.hc.core5.http.impl.io.SocketHolder;
import org.apache.hc.core5.http.io.HttpConnectionFactory;
import org.apache.hc.core5.http.message.RequestLine;
import org.apache.hc.core5.http.message.StatusLine;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.Identifiable;
import org.apache.hc.core5.util.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the pool's connections in place of HttpClient's default factory, so that DEBUG
 * logging of {@code org.apache.hc.client5.http.headers} and
 * {@code org.apache.hc.client5.http.wire} shows {@code Authorization: Bearer ***} instead
 * of the API key. HttpClient's own connection class writes both logs itself and is final
 * and package-private, so the only way to change what they print without reflection is a
 * connection of our own: this one is HttpClient's
 * {@code DefaultManagedHttpClientConnection} (same parser, writer and idle behaviour)
 * with masking loggers of the same names. As there, each logger's level is read once per
 * connection (wire) or per message (headers): with DEBUG off a call costs exactly what it
 * did, and the bytes on the wire are untouched.
 */
final class MaskingConnectionFactory implements HttpConnectionFactory<ManagedHttpClientConnection> {

	private static final Logger HEADER_LOG = LoggerFactory.getLogger("org.apache.hc.client5.http.headers");

	private static final Logger WIRE_LOG = LoggerFactory.getLogger("org.apache.hc.client5.http.wire");

	private static final AtomicLong COUNTER = new AtomicLong();

	@Override
	public ManagedHttpClientConnection createConnection(Socket socket) throws IOException {
		Connection connection = new Connection("llm-outgoing-" + COUNTER.getAndIncrement());
		if (socket != null) {
			connection.bind(socket);
		}
		return connection;
	}

	/**
	 * Keeps an {@code Authorization} value's scheme and hides its credentials:
	 * {@code Bearer sk-123} becomes {@code Bearer ***}, a value without a scheme
	 * {@code ***}.
	 */
	private static String mask(String authorization) {
		int space = authorization.indexOf(' ');
		return (space > 0) ? authorization.substring(0, space + 1) + "***" : "***";
	}

	private static Object masked(Header header) {
		return HttpHeaders.AUTHORIZATION.equalsIgnoreCase(header.getName())
				? header.getName() + ": " + mask(header.getValue()) : header;
	}

	private static final class Connection extends DefaultBHttpClientConnection
			implements ManagedHttpClientConnection, Identifiable {

		private final String id;

		private final AtomicBoolean closed = new AtomicBoolean();

		private Timeout socketTimeout;

		Connection(String id) {
			super(Http1Config.DEFAULT, null, null, null, null, NoResponseOutOfOrderStrategy.INSTANCE,
					new DefaultHttpRequestWriterFactory(Http1Config.DEFAULT),
					new DefaultHttpResponseParserFactory(Http1Config.DEFAULT));
			this.id = id;
		}

		@Override
		public String getId() {
			return this.id;
		}

		@Override
		public void bind(Socket socket) throws IOException {
			bind(WIRE_LOG.isDebugEnabled() ? new WireLoggingSocketHolder(socket, this.id) : new SocketHolder(socket));
		}

		@Override
		public void bind(SSLSocket sslSocket, Socket socket) throws IOException {
			bind(WIRE_LOG.isDebugEnabled() ? new WireLoggingSocketHolder(sslSocket, socket, this.id)
					: new SocketHolder(sslSocket, socket));
		}

		@Override
		protected void bind(SocketHolder socketHolder) throws IOException {
			if (this.closed.get()) {
				socketHolder.getSocket().close();
				throw new InterruptedIOException("Connection already shutdown");
			}
			super.bind(socketHolder);
			this.socketTimeout = Timeout.ofMilliseconds(socketHolder.getSocket().getSoTimeout());
		}

		@Override
		public Socket getSocket() {
			SocketHolder socketHolder = getSocketHolder();
			return (socketHolder != null) ? socketHolder.getSocket() : null;
		}

		@Override
		public void setSocketTimeout(Timeout timeout) {
			super.setSocketTimeout(timeout);
			this.socketTimeout = timeout;
		}

		@Override
		public void close() throws IOException {
			if (this.closed.compareAndSet(false, true)) {
				super.close();
			}
		}

		@Override
		public void close(CloseMode closeMode) {
			if (this.closed.compareAndSet(false, true)) {
				super.close(closeMode);
			}
		}

		@Override
		public void passivate() {
			super.setSocketTimeout(Timeout.ZERO_MILLISECONDS);
		}

		@Override
		public void activate() {
			super.setSocketTimeout(this.socketTimeout);
		}

		@Override
		protected void onRequestSubmitted(ClassicHttpRequest request) {
			if (request != null && HEADER_LOG.isDebugEnabled()) {
				HEADER_LOG.debug("{} >> {}", this.id, new RequestLine(request));
				for (Header header : request.getHeaders()) {
					HEADER_LOG.debug("{} >> {}", this.id, masked(header));
				}
			}
		}

		@Override
		protected void onResponseReceived(ClassicHttpResponse response) {
			if (response != null && HEADER_LOG.isDebugEnabled()) {
				HEADER_LOG.debug("{} << {}", this.id, new StatusLine(response));
				for (Header header : response.getHeaders()) {
					HEADER_LOG.debug("{} << {}", this.id, masked(header));
				}
			}
		}

	}

	/** Used only while the wire logger is at DEBUG when a connection opens. */
	private static final class WireLoggingSocketHolder extends SocketHolder {

		private final String id;

		WireLoggingSocketHolder(Socket socket, String id) {
			super(socket);
			this.id = id;
		}

		WireLoggingSocketHolder(SSLSocket sslSocket, Socket socket, String id) {
			super(sslSocket, socket);
			this.id = id;
		}

		@Override
		protected InputStream getInputStream(Socket socket) throws IOException {
			Wire wire = new Wire(this.id, "<<");
			return new FilterInputStream(super.getInputStream(socket)) {

				@Override
				public int read() throws IOException {
					int b = this.in.read();
					if (b == -1) {
						wire.endOfStream();
					}
					else {
						wire.log(new byte[] { (byte) b }, 0, 1);
					}
					return b;
				}

				@Override
				public int read(byte[] b, int off, int len) throws IOException {
					int read = this.in.read(b, off, len);
					if (read == -1) {
						wire.endOfStream();
					}
					else {
						wire.log(b, off, read);
					}
					return read;
				}

			};
		}

		@Override
		protected OutputStream getOutputStream(Socket socket) throws IOException {
			Wire wire = new Wire(this.id, ">>");
			return new FilterOutputStream(super.getOutputStream(socket)) {

				@Override
				public void write(int b) throws IOException {
					wire.log(new byte[] { (byte) b }, 0, 1);
					this.out.write(b);
				}

				@Override
				public void write(byte[] b, int off, int len) throws IOException {
					wire.log(b, off, len);
					this.out.write(b, off, len);
				}

			};
		}

	}

	/**
	 * One direction of one connection in HttpClient's wire log format
	 * ({@code llm-outgoing-0 >> "Content-Type: application/json[\r][\n]"}), with the
	 * credentials of an {@code Authorization} line replaced as {@link #mask(String)}
	 * does. The line state carries over between writes, so a key split across two writes
	 * stays hidden.
	 */
	static final class Wire {

		private static final byte[] AUTHORIZATION = "authorization:".getBytes(StandardCharsets.US_ASCII);

		private final String id;

		private final String direction;

		/**
		 * Bytes of {@code authorization:} the current line starts with, -1 once it
		 * differs.
		 */
		private int matched;

		/**
		 * The scheme read so far, while inside an {@code Authorization} value before its
		 * first space.
		 */
		private StringBuilder scheme;

		/** Whether the rest of the line is credentials, dropped from the log. */
		private boolean secret;

		Wire(String id, String direction) {
			this.id = id;
			this.direction = direction;
		}

		void endOfStream() {
			WIRE_LOG.debug("{} {} \"end of stream\"", this.id, this.direction);
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
				WIRE_LOG.debug("{} {} \"{}\"", this.id, this.direction, line.toString());
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

}
