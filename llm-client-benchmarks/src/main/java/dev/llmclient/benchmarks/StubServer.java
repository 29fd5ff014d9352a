package dev.llmclient.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback OpenAI-compatible server for benchmarks: one selector thread does all the
 * I/O and a single scheduler thread releases delayed answers, so 256 concurrent calls at
 * 50 ms need two threads, not 256. Every chat completion gets the same precomputed
 * answer; every embeddings request gets {@link StubEmbeddings}' answer for as many texts
 * as it sent. The latency is taken from the path: {@code /l50/v1/chat/completions}
 * answers after 50 ms, {@code /v1/...} at once.
 * <p>
 * Run as its own JVM ({@link #main}) so the benchmark JVM's CPU time is the clients'
 * alone. It prints {@code PORT n}, then answers {@code stats} on standard input with
 * {@code STATS requests connections cpuNanos}, and exits when standard input closes.
 */
public final class StubServer implements AutoCloseable {

	/**
	 * The chat completion every call gets: 305 bytes, with the fields strict SDKs insist
	 * on.
	 */
	static final byte[] COMPLETION = ("{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion\",\"created\":1700000000,"
			+ "\"model\":\"bench-model\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
			+ "\"content\":\"Fixed stub answer, ok\",\"refusal\":null},"
			+ "\"logprobs\":null,\"finish_reason\":\"stop\"}],"
			+ "\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":12,\"total_tokens\":21}}")
		.getBytes(StandardCharsets.US_ASCII);

	private static final byte[] MODELS = "{\"object\":\"list\",\"data\":[{\"id\":\"bench-model\",\"object\":\"model\",\"owned_by\":\"bench\"}]}"
		.getBytes(StandardCharsets.US_ASCII);

	private static final byte[] NOT_FOUND_BODY = "{\"error\":{\"message\":\"not found\",\"type\":\"invalid_request_error\"}}"
		.getBytes(StandardCharsets.US_ASCII);

	private static final ByteBuffer COMPLETION_RESPONSE = response(200, "OK", COMPLETION);

	/**
	 * Under {@code /structured/}: a completion whose content is a 5-field record as JSON.
	 */
	private static final ByteBuffer STRUCTURED_RESPONSE = response(200, "OK", StructuredOutputBenchmark.COMPLETION);

	private static final ByteBuffer MODELS_RESPONSE = response(200, "OK", MODELS);

	private static final ByteBuffer NOT_FOUND_RESPONSE = response(404, "Not Found", NOT_FOUND_BODY);

	private static final ByteBuffer CONTINUE = ByteBuffer
		.wrap("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII))
		.asReadOnlyBuffer();

	private static final int MAX_REQUEST = 1 << 20;

	private final ServerSocketChannel server;

	private final Selector selector;

	private final ScheduledExecutorService timer;

	private final ConcurrentLinkedQueue<Connection> due = new ConcurrentLinkedQueue<>();

	private final AtomicLong requests = new AtomicLong();

	private final AtomicLong connections = new AtomicLong();

	/** Requests read and not yet answered. */
	private final AtomicInteger inFlight = new AtomicInteger();

	private final AtomicInteger maxInFlight = new AtomicInteger();

	private final Thread loop;

	private volatile boolean running = true;

	/**
	 * Starts the server on a free loopback port.
	 * @throws IOException when the port cannot be opened
	 */
	public StubServer() throws IOException {
		this.selector = Selector.open();
		this.server = ServerSocketChannel.open();
		this.server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
		this.server.configureBlocking(false);
		this.server.register(this.selector, SelectionKey.OP_ACCEPT);
		this.timer = Executors.newSingleThreadScheduledExecutor((runnable) -> daemon(runnable, "stub-timer"));
		this.loop = daemon(this::run, "stub-selector");
		this.loop.start();
	}

	/**
	 * Runs the stub as a process of its own; see the class comment for the protocol.
	 * @param args none
	 * @throws IOException when the port cannot be opened
	 */
	public static void main(String[] args) throws IOException {
		StubServer stub = new StubServer();
		System.out.println("PORT " + stub.port());
		System.out.flush();
		com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory
			.getOperatingSystemMXBean();
		BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
		String line;
		while ((line = commands.readLine()) != null) {
			if (line.equals("stats")) {
				System.out
					.println("STATS " + stub.requests() + " " + stub.connections() + " " + os.getProcessCpuTime());
				System.out.flush();
			}
			else if (line.equals("quit")) {
				break;
			}
		}
		stub.close();
		System.exit(0);
	}

	/**
	 * @return the bound port
	 */
	public int port() {
		return this.server.socket().getLocalPort();
	}

	/**
	 * @return chat completions and other requests answered or scheduled so far
	 */
	public long requests() {
		return this.requests.get();
	}

	/**
	 * @return the most requests held at once (read, not yet answered) since the start or
	 * the last {@link #resetMaxInFlight()}
	 */
	public int maxInFlight() {
		return this.maxInFlight.get();
	}

	/** Starts counting {@link #maxInFlight()} afresh. */
	public void resetMaxInFlight() {
		this.maxInFlight.set(this.inFlight.get());
	}

	/**
	 * @return TCP connections accepted so far
	 */
	public long connections() {
		return this.connections.get();
	}

	@Override
	public void close() {
		this.running = false;
		this.selector.wakeup();
		this.timer.shutdownNow();
		try {
			this.loop.join(2000);
			this.server.close();
		}
		catch (IOException | InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void run() {
		try {
			while (this.running) {
				this.selector.select();
				Connection ready;
				while ((ready = this.due.poll()) != null) {
					ready.startWrite(ready.pending);
				}
				Iterator<SelectionKey> keys = this.selector.selectedKeys().iterator();
				while (keys.hasNext()) {
					SelectionKey key = keys.next();
					keys.remove();
					if (!key.isValid()) {
						continue;
					}
					if (key.isAcceptable()) {
						accept();
						continue;
					}
					Connection connection = (Connection) key.attachment();
					try {
						if (key.isWritable()) {
							connection.write();
						}
						if (key.isValid() && key.isReadable()) {
							connection.read();
						}
					}
					catch (IOException ex) {
						connection.close();
					}
				}
			}
			for (SelectionKey key : this.selector.keys()) {
				key.channel().close();
			}
			this.selector.close();
		}
		catch (IOException ex) {
			throw new IllegalStateException("stub server loop failed", ex);
		}
	}

	private void accept() throws IOException {
		SocketChannel channel;
		while ((channel = this.server.accept()) != null) {
			this.connections.incrementAndGet();
			channel.configureBlocking(false);
			channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
			Connection connection = new Connection(channel);
			connection.key = channel.register(this.selector, SelectionKey.OP_READ, connection);
		}
	}

	static ByteBuffer response(int status, String reason, byte[] body) {
		byte[] head = ("HTTP/1.1 " + status + " " + reason + "\r\nContent-Type: application/json\r\nContent-Length: "
				+ body.length + "\r\n\r\n")
			.getBytes(StandardCharsets.US_ASCII);
		ByteBuffer buffer = ByteBuffer.allocateDirect(head.length + body.length);
		buffer.put(head).put(body).flip();
		return buffer.asReadOnlyBuffer();
	}

	private static Thread daemon(Runnable runnable, String name) {
		Thread thread = new Thread(runnable, name);
		thread.setDaemon(true);
		return thread;
	}

	/**
	 * One keep-alive connection: reads requests one at a time and answers each in order.
	 */
	private final class Connection {

		private final SocketChannel channel;

		private SelectionKey key;

		private ByteBuffer in = ByteBuffer.allocate(8192);

		private ByteBuffer out;

		private boolean awaitingAnswer;

		private boolean continueSent;

		private boolean writingContinue;

		private boolean closeAfterAnswer;

		private volatile ByteBuffer pending;

		Connection(SocketChannel channel) {
			this.channel = channel;
		}

		void read() throws IOException {
			if (!this.in.hasRemaining()) {
				if (this.in.capacity() >= MAX_REQUEST) {
					close();
					return;
				}
				ByteBuffer bigger = ByteBuffer.allocate(this.in.capacity() * 2);
				this.in.flip();
				bigger.put(this.in);
				this.in = bigger;
			}
			int read = this.channel.read(this.in);
			if (read < 0) {
				close();
				return;
			}
			handleRequests();
		}

		/** Parses the next complete request in the buffer, if any, and answers it. */
		void handleRequests() throws IOException {
			while (!this.awaitingAnswer && this.out == null && this.key.isValid()) {
				Request request = parse();
				if (request == null) {
					return;
				}
				StubServer.this.requests.incrementAndGet();
				StubServer.this.maxInFlight.accumulateAndGet(StubServer.this.inFlight.incrementAndGet(), Math::max);
				this.awaitingAnswer = true;
				this.continueSent = false;
				this.closeAfterAnswer = request.close;
				ByteBuffer answer = request.answer;
				if (request.latencyMillis <= 0) {
					startWrite(answer);
				}
				else {
					StubServer.this.timer.schedule(() -> {
						this.pending = answer;
						StubServer.this.due.add(this);
						StubServer.this.selector.wakeup();
					}, request.latencyMillis, TimeUnit.MILLISECONDS);
				}
			}
		}

		void startWrite(ByteBuffer answer) {
			StubServer.this.inFlight.decrementAndGet();
			if (!this.key.isValid()) {
				return;
			}
			this.out = answer.duplicate();
			try {
				write();
			}
			catch (IOException ex) {
				close();
			}
		}

		void write() throws IOException {
			if (this.out == null) {
				return;
			}
			this.channel.write(this.out);
			if (this.out.hasRemaining()) {
				this.key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
				return;
			}
			this.out = null;
			this.key.interestOps(SelectionKey.OP_READ);
			if (this.writingContinue) {
				this.writingContinue = false;
				return;
			}
			this.awaitingAnswer = false;
			if (this.closeAfterAnswer) {
				close();
				return;
			}
			handleRequests();
		}

		private Request parse() throws IOException {
			int length = this.in.position();
			byte[] bytes = this.in.array();
			int headerEnd = indexOf(bytes, length);
			if (headerEnd < 0) {
				return null;
			}
			String head = new String(bytes, 0, headerEnd, StandardCharsets.ISO_8859_1);
			int bodyStart = headerEnd + 4;
			int contentLength = 0;
			boolean chunked = false;
			boolean expectContinue = false;
			boolean close = false;
			String[] lines = head.split("\r\n");
			for (int i = 1; i < lines.length; i++) {
				int colon = lines[i].indexOf(':');
				if (colon <= 0) {
					continue;
				}
				String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
				String value = lines[i].substring(colon + 1).trim().toLowerCase(Locale.ROOT);
				switch (name) {
					case "content-length" -> contentLength = Integer.parseInt(value);
					case "transfer-encoding" -> chunked = value.contains("chunked");
					case "expect" -> expectContinue = value.contains("100-continue");
					case "connection" -> close = value.contains("close");
					default -> {
					}
				}
			}
			int end;
			if (chunked) {
				end = chunkedEnd(bytes, bodyStart, length);
			}
			else {
				end = (length >= bodyStart + contentLength) ? bodyStart + contentLength : -1;
			}
			if (end < 0) {
				if (expectContinue && !this.continueSent) {
					this.continueSent = true;
					this.writingContinue = true;
					this.out = CONTINUE.duplicate();
					write();
				}
				return null;
			}
			String[] requestLine = lines[0].split(" ");
			String method = requestLine[0];
			String path = (requestLine.length > 1) ? requestLine[1] : "/";
			// read before compacting: the answer to an embeddings request depends on its
			// body
			ByteBuffer answer = answerFor(method, path, bytes, bodyStart, end);
			this.in.flip();
			this.in.position(end);
			this.in.compact();
			return new Request(answer, latency(path), close);
		}

		void close() {
			this.key.cancel();
			try {
				this.channel.close();
			}
			catch (IOException ex) {
				// closing a dead connection: nothing left to do
			}
		}

	}

	private static ByteBuffer answerFor(String method, String path, byte[] bytes, int bodyStart, int bodyEnd) {
		if (method.equals("POST") && path.endsWith("/chat/completions")) {
			return path.contains("/structured/") ? STRUCTURED_RESPONSE : COMPLETION_RESPONSE;
		}
		if (method.equals("POST") && path.endsWith("/embeddings")) {
			return StubEmbeddings.answer(StubEmbeddings.inputs(bytes, bodyStart, bodyEnd));
		}
		if (method.equals("GET") && path.endsWith("/models")) {
			return MODELS_RESPONSE;
		}
		return NOT_FOUND_RESPONSE;
	}

	/** The latency asked for by a path starting with {@code /l<millis>/}, else 0. */
	static int latency(String path) {
		if (path.length() > 2 && path.charAt(1) == 'l' && Character.isDigit(path.charAt(2))) {
			int slash = path.indexOf('/', 2);
			if (slash > 2) {
				return Integer.parseInt(path.substring(2, slash));
			}
		}
		return 0;
	}

	private static int indexOf(byte[] bytes, int length) {
		for (int i = 0; i + 3 < length; i++) {
			if (bytes[i] == '\r' && bytes[i + 1] == '\n' && bytes[i + 2] == '\r' && bytes[i + 3] == '\n') {
				return i;
			}
		}
		return -1;
	}

	/**
	 * Where a chunked body ends (after the last chunk's trailer), or -1 when it has not
	 * all arrived.
	 */
	private static int chunkedEnd(byte[] bytes, int start, int length) {
		int position = start;
		while (true) {
			int lineEnd = -1;
			for (int i = position; i + 1 < length; i++) {
				if (bytes[i] == '\r' && bytes[i + 1] == '\n') {
					lineEnd = i;
					break;
				}
			}
			if (lineEnd < 0) {
				return -1;
			}
			String sizeLine = new String(bytes, position, lineEnd - position, StandardCharsets.ISO_8859_1);
			int semicolon = sizeLine.indexOf(';');
			int size = Integer.parseInt((semicolon >= 0) ? sizeLine.substring(0, semicolon).trim() : sizeLine.trim(),
					16);
			position = lineEnd + 2;
			if (size == 0) {
				// no trailers expected: the empty line that ends the body
				return (length >= position + 2) ? position + 2 : -1;
			}
			position += size + 2;
			if (position > length) {
				return -1;
			}
		}
	}

	private record Request(ByteBuffer answer, int latencyMillis, boolean close) {
	}

}
