package dev.llmclient.testsupport;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A minimal HTTP/1.1 server on a loopback port for what WireMock cannot do: it reads each
 * request on a keep-alive connection (with a {@code Content-Length} or a chunked body)
 * and hands it with the raw socket to a handler, which may answer, stall, reset or close
 * as it likes. One daemon thread per connection, so it is never the bottleneck for a
 * client that holds as many connections as calls. Counts the connections it accepts and
 * sees end, and the requests it reads.
 */
public final class RawHttpServer implements AutoCloseable {

	/** Decides what happens to one request. */
	@FunctionalInterface
	public interface Handler {

		/**
		 * Handles one request; an exception ends the connection.
		 * @param exchange the request and its connection
		 * @return whether to keep reading requests on this connection
		 * @throws IOException when writing fails
		 * @throws InterruptedException when the server closes while the handler waits
		 */
		boolean handle(Exchange exchange) throws IOException, InterruptedException;

	}

	/**
	 * One request on one connection. The server reads the connection through a buffer, so
	 * a handler reading the socket itself sees only what the client sends after this
	 * request.
	 *
	 * @param requestNumber the request's number on the whole server, from 1
	 * @param head the request line and headers, each ended by CRLF
	 * @param body the request body
	 * @param socket the connection
	 */
	public record Exchange(int requestNumber, String head, String body, Socket socket) {

		/** The request method, such as {@code POST}. */
		public String method() {
			return requestLine()[0];
		}

		/** The request target, such as {@code /v1/chat/completions}. */
		public String path() {
			String[] parts = requestLine();
			return (parts.length > 1) ? parts[1] : "";
		}

		private String[] requestLine() {
			return this.head.substring(0, this.head.indexOf("\r\n")).split(" ");
		}

		/** Writes a complete response and keeps the connection open. */
		public void respond(int status, String contentType, String body) throws IOException {
			respond(status, contentType, body.getBytes(StandardCharsets.UTF_8));
		}

		/**
		 * Writes a complete response, head and body in one write, and keeps the
		 * connection open.
		 */
		public void respond(int status, String contentType, byte[] body) throws IOException {
			String reason = (status == 200) ? " OK" : " Error";
			byte[] head = ("HTTP/1.1 " + status + reason + "\r\nContent-Type: " + contentType + "\r\nContent-Length: "
					+ body.length + "\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII);
			byte[] response = new byte[head.length + body.length];
			System.arraycopy(head, 0, response, 0, head.length);
			System.arraycopy(body, 0, response, head.length, body.length);
			OutputStream out = this.socket.getOutputStream();
			out.write(response);
			out.flush();
		}

		/**
		 * Answers 503 with an OpenAI-shaped error body and the given {@code Retry-After}
		 * value, written as is (valid or not), and keeps the connection open.
		 */
		public void respondUnavailable(String retryAfter, String message) throws IOException {
			byte[] body = ("{\"error\":{\"message\":\"" + message + "\"}}").getBytes(StandardCharsets.UTF_8);
			OutputStream out = this.socket.getOutputStream();
			out.write(("HTTP/1.1 503 Service Unavailable\r\nRetry-After: " + retryAfter
					+ "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII));
			out.write(body);
			out.flush();
		}

		/** Closes the connection with a TCP reset instead of an orderly close. */
		public void reset() throws IOException {
			this.socket.setSoLinger(true, 0);
			this.socket.close();
		}

	}

	private final ServerSocket serverSocket;

	private final Handler handler;

	private final ExecutorService threads = Executors.newCachedThreadPool((task) -> {
		Thread thread = new Thread(task, "raw-http-server");
		thread.setDaemon(true);
		return thread;
	});

	private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

	private final AtomicInteger connections = new AtomicInteger();

	private final AtomicInteger endedConnections = new AtomicInteger();

	private final AtomicInteger requests = new AtomicInteger();

	/**
	 * Starts a server on a free loopback port.
	 * @param handler what to do with each request
	 * @throws IOException when no port can be bound
	 */
	public RawHttpServer(Handler handler) throws IOException {
		this(0, handler);
	}

	/**
	 * Starts a server on a given loopback port, such as the port of a server closed
	 * before, to bring it back.
	 * @param port the port, or 0 for a free one
	 * @param handler what to do with each request
	 * @throws IOException when the port cannot be bound
	 */
	public RawHttpServer(int port, Handler handler) throws IOException {
		this.handler = handler;
		this.serverSocket = new ServerSocket();
		this.serverSocket.setReuseAddress(true);
		this.serverSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
		this.threads.execute(this::acceptLoop);
	}

	public int port() {
		return this.serverSocket.getLocalPort();
	}

	/** {@code http://127.0.0.1:port}, without a path. */
	public String baseUrl() {
		return "http://127.0.0.1:" + port();
	}

	/** TCP connections accepted so far. */
	public int connections() {
		return this.connections.get();
	}

	/** Accepted connections not ended yet, by either side. */
	public int openConnections() {
		return this.connections.get() - this.endedConnections.get();
	}

	/** Requests read so far. */
	public int requests() {
		return this.requests.get();
	}

	private void acceptLoop() {
		while (!this.serverSocket.isClosed()) {
			try {
				Socket socket = this.serverSocket.accept();
				this.connections.incrementAndGet();
				this.sockets.add(socket);
				this.threads.execute(() -> serve(socket));
			}
			catch (IOException ex) {
				return;
			}
		}
	}

	private void serve(Socket socket) {
		try (socket) {
			socket.setTcpNoDelay(true);
			InputStream in = new BufferedInputStream(socket.getInputStream());
			String head;
			while ((head = readHead(in)) != null) {
				Exchange exchange = new Exchange(this.requests.incrementAndGet(), head, readBody(in, head), socket);
				if (!this.handler.handle(exchange) || socket.isClosed()) {
					return;
				}
			}
		}
		catch (IOException | InterruptedException ex) {
			// the client went away, the handler broke the connection on purpose, or the
			// server is closing
		}
		finally {
			this.sockets.remove(socket);
			this.endedConnections.incrementAndGet();
		}
	}

	/**
	 * The request line and headers, or {@code null} when the client ends the connection.
	 */
	private static String readHead(InputStream in) throws IOException {
		StringBuilder head = new StringBuilder();
		String line;
		while ((line = readLine(in)) != null) {
			if (line.isEmpty()) {
				return head.toString();
			}
			head.append(line).append("\r\n");
		}
		return null;
	}

	private static String readBody(InputStream in, String head) throws IOException {
		if (header(head, "transfer-encoding").contains("chunked")) {
			ByteArrayOutputStream body = new ByteArrayOutputStream();
			int size;
			while ((size = Integer.parseInt(requireLine(in).split(";")[0].strip(), 16)) > 0) {
				body.write(in.readNBytes(size));
				requireLine(in);
			}
			while (!requireLine(in).isEmpty()) {
				// trailers are not used
			}
			return body.toString(StandardCharsets.UTF_8);
		}
		String length = header(head, "content-length");
		return new String(in.readNBytes(length.isEmpty() ? 0 : Integer.parseInt(length)), StandardCharsets.UTF_8);
	}

	/**
	 * A header's value in lower case, or an empty string when the head does not have it.
	 */
	private static String header(String head, String name) {
		for (String line : head.split("\r\n")) {
			String lower = line.toLowerCase(Locale.ROOT);
			if (lower.startsWith(name + ":")) {
				return lower.substring(name.length() + 1).strip();
			}
		}
		return "";
	}

	private static String requireLine(InputStream in) throws IOException {
		String line = readLine(in);
		if (line == null) {
			throw new EOFException("Stream ended inside a chunked body");
		}
		return line;
	}

	/**
	 * One line without its CRLF (or bare LF), or {@code null} at the end of the stream.
	 */
	private static String readLine(InputStream in) throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream(128);
		int b;
		while ((b = in.read()) != -1) {
			if (b == '\n') {
				byte[] bytes = line.toByteArray();
				int length = (bytes.length > 0 && bytes[bytes.length - 1] == '\r') ? bytes.length - 1 : bytes.length;
				return new String(bytes, 0, length, StandardCharsets.US_ASCII);
			}
			line.write(b);
		}
		return null;
	}

	/**
	 * Stops accepting, closes every connection and waits briefly for the handlers to end.
	 */
	@Override
	public void close() {
		closeQuietly(this.serverSocket);
		this.sockets.forEach(RawHttpServer::closeQuietly);
		this.threads.shutdownNow();
		try {
			this.threads.awaitTermination(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static void closeQuietly(Closeable closeable) {
		try {
			closeable.close();
		}
		catch (IOException ex) {
			// closing anyway
		}
	}

}
