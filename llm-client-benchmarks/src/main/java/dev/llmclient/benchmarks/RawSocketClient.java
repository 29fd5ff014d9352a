package dev.llmclient.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The cheapest possible client, used only to check that the stub is not the bottleneck:
 * blocking keep-alive sockets taken from and returned to a queue, a precomputed request,
 * the answer read by its Content-Length and not parsed.
 */
final class RawSocketClient implements Contender {

	private final InetSocketAddress address;

	private final byte[] request;

	/** Idle connections, reused across calls and rounds like a pool's. */
	private final Queue<Connection> idle = new ConcurrentLinkedQueue<>();

	private final Queue<Socket> sockets = new ConcurrentLinkedQueue<>();

	RawSocketClient(String baseUrl) {
		URI uri = URI.create(baseUrl);
		this.address = new InetSocketAddress(uri.getHost(), uri.getPort());
		byte[] body = WireJson.request("Say hello to the benchmark.");
		String head = "POST " + uri.getPath() + "/chat/completions HTTP/1.1\r\nHost: " + uri.getHost() + ":"
				+ uri.getPort() + "\r\nContent-Type: application/json\r\nAuthorization: Bearer " + API_KEY
				+ "\r\nContent-Length: " + body.length + "\r\n\r\n";
		byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
		this.request = new byte[headBytes.length + body.length];
		System.arraycopy(headBytes, 0, this.request, 0, headBytes.length);
		System.arraycopy(body, 0, this.request, headBytes.length, body.length);
	}

	@Override
	public String call(String prompt) throws IOException {
		Connection current = this.idle.poll();
		if (current == null) {
			Socket socket = new Socket();
			socket.setTcpNoDelay(true);
			socket.connect(this.address, (int) CONNECT_TIMEOUT.toMillis());
			socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
			this.sockets.add(socket);
			current = new Connection(socket, socket.getInputStream(), socket.getOutputStream(), new byte[4096]);
		}
		current.out.write(this.request);
		current.out.flush();
		readResponse(current);
		this.idle.add(current);
		return "";
	}

	private static void readResponse(Connection connection) throws IOException {
		byte[] buffer = connection.buffer;
		int length = 0;
		int headerEnd = -1;
		while (headerEnd < 0) {
			int read = connection.in.read(buffer, length, buffer.length - length);
			if (read < 0) {
				throw new IOException("connection closed by the stub");
			}
			length += read;
			for (int i = 0; i + 3 < length; i++) {
				if (buffer[i] == '\r' && buffer[i + 1] == '\n' && buffer[i + 2] == '\r' && buffer[i + 3] == '\n') {
					headerEnd = i + 4;
					break;
				}
			}
		}
		String head = new String(buffer, 0, headerEnd, StandardCharsets.ISO_8859_1);
		int at = head.indexOf("Content-Length: ") + 16;
		int contentLength = Integer.parseInt(head.substring(at, head.indexOf('\r', at)));
		int remaining = headerEnd + contentLength - length;
		while (remaining > 0) {
			int read = connection.in.read(buffer, 0, Math.min(buffer.length, remaining));
			if (read < 0) {
				throw new IOException("connection closed by the stub");
			}
			remaining -= read;
		}
	}

	@Override
	public void close() {
		for (Socket socket : this.sockets) {
			try {
				socket.close();
			}
			catch (IOException ex) {
				// already gone
			}
		}
	}

	private record Connection(Socket socket, InputStream in, OutputStream out, byte[] buffer) {
	}

}
