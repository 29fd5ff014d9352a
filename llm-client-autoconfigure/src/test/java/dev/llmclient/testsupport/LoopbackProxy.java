package dev.llmclient.testsupport;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A forwarding HTTP proxy on a loopback port, on a {@link RawHttpServer}: it opens
 * {@code CONNECT} tunnels (for https endpoints) and forwards requests in absolute form
 * (for http endpoints, whose answers must carry a {@code Content-Length}), counts both,
 * and can demand {@code Proxy-Authorization} with 407 as corporate proxies do. It reaches
 * every target host on the loopback address, port as asked: as behind a real proxy, a
 * host name may be one only the proxy can resolve.
 */
public final class LoopbackProxy implements AutoCloseable {

	private final RawHttpServer server;

	private final String expectedAuthorization;

	private final AtomicInteger tunnels = new AtomicInteger();

	private final AtomicInteger forwarded = new AtomicInteger();

	private final AtomicInteger refused = new AtomicInteger();

	private final List<String> authorizations = new CopyOnWriteArrayList<>();

	private LoopbackProxy(String username, String password) throws IOException {
		this.expectedAuthorization = (username != null) ? "Basic "
				+ Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8))
				: null;
		this.server = new RawHttpServer(this::handle);
	}

	/**
	 * Starts a proxy that asks for no credentials.
	 * @return the running proxy; close it when done
	 */
	public static LoopbackProxy open() {
		return start(null, null);
	}

	/**
	 * Starts a proxy that answers 407 to every request without these credentials.
	 * @param username the user name it accepts
	 * @param password the password it accepts
	 * @return the running proxy; close it when done
	 */
	public static LoopbackProxy requiringCredentials(String username, String password) {
		return start(username, password);
	}

	private static LoopbackProxy start(String username, String password) {
		try {
			return new LoopbackProxy(username, password);
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not bind a loopback port", ex);
		}
	}

	/** {@code http://127.0.0.1:port}. */
	public String url() {
		return this.server.baseUrl();
	}

	/** {@code CONNECT} tunnels opened. */
	public int tunnels() {
		return this.tunnels.get();
	}

	/** Requests in absolute form forwarded. */
	public int forwarded() {
		return this.forwarded.get();
	}

	/** Requests answered 407. */
	public int refused() {
		return this.refused.get();
	}

	/** Every {@code Proxy-Authorization} value received. */
	public List<String> authorizations() {
		return this.authorizations;
	}

	private boolean handle(RawHttpServer.Exchange exchange) throws IOException {
		String authorization = header(exchange.head(), "proxy-authorization");
		if (authorization != null) {
			this.authorizations.add(authorization);
		}
		if (this.expectedAuthorization != null && !this.expectedAuthorization.equals(authorization)) {
			this.refused.incrementAndGet();
			byte[] body = "Proxy authentication required".getBytes(StandardCharsets.US_ASCII);
			OutputStream out = exchange.socket().getOutputStream();
			out.write(("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"loopback\"\r\n"
					+ "Content-Type: text/plain\r\nContent-Length: " + body.length + "\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII));
			out.write(body);
			out.flush();
			return true;
		}
		if ("CONNECT".equals(exchange.method())) {
			tunnel(exchange);
			return false;
		}
		forward(exchange);
		return true;
	}

	/** Relays bytes both ways until either side closes. */
	private void tunnel(RawHttpServer.Exchange exchange) throws IOException {
		String authority = exchange.path();
		Socket client = exchange.socket();
		try (Socket target = new Socket(InetAddress.getLoopbackAddress(),
				Integer.parseInt(authority.substring(authority.lastIndexOf(':') + 1)))) {
			this.tunnels.incrementAndGet();
			client.getOutputStream()
				.write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
			client.getOutputStream().flush();
			Thread back = new Thread(() -> relay(target, client), "loopback-proxy-tunnel");
			back.setDaemon(true);
			back.start();
			relay(client, target);
		}
	}

	private static void relay(Socket from, Socket to) {
		try {
			from.getInputStream().transferTo(to.getOutputStream());
		}
		catch (IOException ex) {
			// one side went away
		}
		finally {
			try {
				to.close();
			}
			catch (IOException ex) {
				// closing anyway
			}
		}
	}

	/**
	 * Sends the request to its target in origin form on a new connection and hands back
	 * the answer, head and {@code Content-Length} body.
	 */
	private void forward(RawHttpServer.Exchange exchange) throws IOException {
		URI uri = URI.create(exchange.path());
		byte[] body = exchange.body().getBytes(StandardCharsets.UTF_8);
		StringBuilder head = new StringBuilder(exchange.method()).append(' ')
			.append(uri.getRawPath())
			.append((uri.getRawQuery() != null) ? "?" + uri.getRawQuery() : "")
			.append(" HTTP/1.1\r\n");
		for (String line : exchange.head().split("\r\n")) {
			String name = line.contains(":") ? line.substring(0, line.indexOf(':')).toLowerCase(Locale.ROOT) : "";
			if (!name.isEmpty() && !name.startsWith("proxy-") && !name.equals("connection")
					&& !name.equals("transfer-encoding") && !name.equals("content-length")) {
				head.append(line).append("\r\n");
			}
		}
		head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
		try (Socket target = new Socket(InetAddress.getLoopbackAddress(), uri.getPort())) {
			this.forwarded.incrementAndGet();
			OutputStream out = target.getOutputStream();
			out.write(head.toString().getBytes(StandardCharsets.UTF_8));
			out.write(body);
			out.flush();
			InputStream in = new BufferedInputStream(target.getInputStream());
			String responseHead = readHead(in);
			String length = header(responseHead, "content-length");
			byte[] responseBody = in.readNBytes((length != null) ? Integer.parseInt(length) : 0);
			OutputStream back = exchange.socket().getOutputStream();
			back.write(responseHead.getBytes(StandardCharsets.US_ASCII));
			back.write(responseBody);
			back.flush();
		}
	}

	/** The status line and headers, up to and including the empty line. */
	private static String readHead(InputStream in) throws IOException {
		ByteArrayOutputStream head = new ByteArrayOutputStream();
		int b;
		while ((b = in.read()) != -1) {
			head.write(b);
			if (head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
				break;
			}
		}
		return head.toString(StandardCharsets.US_ASCII);
	}

	/** A header's value as sent, or {@code null}. */
	private static String header(String head, String name) {
		for (String line : head.split("\r\n")) {
			if (line.toLowerCase(Locale.ROOT).startsWith(name + ":")) {
				return line.substring(name.length() + 1).strip();
			}
		}
		return null;
	}

	@Override
	public void close() {
		this.server.close();
	}

}
