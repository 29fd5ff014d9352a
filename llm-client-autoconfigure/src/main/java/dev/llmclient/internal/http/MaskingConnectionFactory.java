package dev.llmclient.internal.http;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.Socket;
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
 * with masking loggers of the same names (the wire log's masking is
 * {@link MaskingWireLog}, fed by a {@link WireLoggingSocketHolder}). As there, each
 * logger's level is read once per connection (wire) or per message (headers): with DEBUG
 * off a call costs exactly what it did, and the bytes on the wire are untouched.
 */
final class MaskingConnectionFactory implements HttpConnectionFactory<ManagedHttpClientConnection> {

	private static final Logger HEADER_LOG = LoggerFactory.getLogger("org.apache.hc.client5.http.headers");

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
			bind(MaskingWireLog.LOGGER.isDebugEnabled() ? new WireLoggingSocketHolder(socket, this.id)
					: new SocketHolder(socket));
		}

		@Override
		public void bind(SSLSocket sslSocket, Socket socket) throws IOException {
			bind(MaskingWireLog.LOGGER.isDebugEnabled() ? new WireLoggingSocketHolder(sslSocket, socket, this.id)
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

}
